"""Fit khabar's sentence paraphrase model (``khabar/data/paraphrase_model.json``) on the tuning split of MRPC.

    python -m eval.fit_paraphrase --data ../shared/eval-data

MRPC (``pairs/mrpc/msr_paraphrase_train_full.txt``): the **checking** split is the first 1,500 pairs
(the pairs eval/pairs.py has always scored), the **tuning** split the rest (2,576). The features are
:data:`khabar.relations.paraphrase.PARAPHRASE_FEATURES` (the MiniLM cosine and wording); the logistic
regression (L2 1.0, no class re-weighting) is fitted on the tuning split, scored there by 5-fold
cross-validation (fixed folds, seed 15) and on the checking split out of sample, next to the aligner's
decision (blended similarity >= 0.6, :mod:`khabar.relations.align`) and the two together (the model as a
veto on the aligner: not used, see :mod:`khabar.relations.paraphrase`).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

from khabar.relations.align import WORD_WEIGHT, sentence_set, word_overlap
from khabar.relations.derivation import fit_logistic, predict_logistic
from khabar.relations.paraphrase import PARAPHRASE_FEATURES, PARAPHRASE_THRESHOLD, features

OUT = Path(__file__).resolve().parent.parent / "khabar" / "data" / "paraphrase_model.json"
CHECKING = 1500
L2 = 1.0
FOLDS = 5
SEED = 15
SENTENCE = 0.6  # the aligner's sentence_similarity default


def rows(data: Path) -> list[list[str]]:
    path = data / "pairs" / "mrpc" / "msr_paraphrase_train_full.txt"
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]


def pair_table(chosen: list[list[str]], model=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, blended similarity) of MRPC rows, with MiniLM cosines."""
    if model is None:
        from khabar.relations.minilm import MiniLMEmbedder

        model = MiniLMEmbedder()
    left, right = [r[3] for r in chosen], [r[4] for r in chosen]
    va, vb = model.embed(left), model.embed(right)
    cosine = (va * vb).sum(axis=1)
    overlap = np.array(
        [
            word_overlap(sentence_set([a], va[i : i + 1]), sentence_set([b], vb[i : i + 1]))[0, 0]
            for i, (a, b) in enumerate(zip(left, right, strict=True))
        ]
    )
    blended = (1 - WORD_WEIGHT) * np.clip(cosine, 0, 1) + WORD_WEIGHT * overlap
    x = np.array([features(a, b, c) for a, b, c in zip(left, right, cosine, strict=True)])
    return x, np.array([r[0] == "1" for r in chosen]), blended


def cross_validated(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    fold = rng.permutation(len(y)) % FOLDS
    out = np.empty(len(y))
    for k in range(FOLDS):
        test = fold == k
        out[test] = predict_logistic(fit_logistic(x[~test], y[~test], l2=L2), x[test])
    return out


def scores(decided: np.ndarray, y: np.ndarray) -> dict[str, float]:
    tp = float((decided & y).sum())
    p, r = tp / max(float(decided.sum()), 1.0), tp / max(float(y.sum()), 1.0)
    return {
        "n": len(y),
        "accuracy": float((decided == y).mean()),
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / max(p + r, 1e-9),
    }


def evaluate(data: Path) -> tuple[dict, dict]:
    """(report, model fitted on the tuning split)."""
    table = rows(data)
    x, y, blended = pair_table(table)
    check = np.arange(len(y)) < CHECKING
    tune = ~check
    model = fit_logistic(x[tune], y[tune], l2=L2)
    p_cv = cross_validated(x[tune], y[tune])
    p_check = predict_logistic(model, x[check])
    report = {
        "tuning_cv_model": scores(p_cv >= PARAPHRASE_THRESHOLD, y[tune]),
        "tuning_cv_aligner": scores((p_cv >= PARAPHRASE_THRESHOLD) & (blended[tune] >= SENTENCE), y[tune]),
        "tuning_similarity": scores(blended[tune] >= SENTENCE, y[tune]),
        "checking_model": scores(p_check >= PARAPHRASE_THRESHOLD, y[check]),
        "checking_aligner": scores((p_check >= PARAPHRASE_THRESHOLD) & (blended[check] >= SENTENCE), y[check]),
        "checking_similarity": scores(blended[check] >= SENTENCE, y[check]),
    }
    return report, model


def print_report(report: dict) -> None:
    print(
        f"paraphrase model: {len(PARAPHRASE_FEATURES)} features (MiniLM cosine + wording), L2 {L2}; fitted on MRPC "
        f"pairs {CHECKING + 1}.., scored there by {FOLDS}-fold CV (seed {SEED}) and on pairs 1..{CHECKING}"
    )
    print(f"  {'split / decision':<44} {'n':>5} {'acc':>6} {'P':>6} {'R':>6} {'F1':>6}")
    labels = {
        "similarity": f"blended similarity >= {SENTENCE} (the aligner)",
        "model": f"model probability >= {PARAPHRASE_THRESHOLD}",
        "aligner": "both (a veto on the aligner)",
    }
    for split, tag in (("tuning", "tuning_cv"), ("checking", "checking")):
        for kind in ("similarity", "model", "aligner"):
            key = f"{tag}_{kind}" if kind != "similarity" else f"{split}_similarity"
            r = report[key]
            print(
                f"  {split + ': ' + labels[kind]:<44} {r['n']:>5} {r['accuracy']:>6.3f} {r['precision']:>6.3f} "
                f"{r['recall']:>6.3f} {r['f1']:>6.3f}"
            )


def main(data: Path) -> dict:
    report, model = evaluate(data)
    print_report(report)
    out = {
        "paraphrase": model,
        "features": list(PARAPHRASE_FEATURES),
        "sentence_model": "minilm",
        "scores": {k: {m: round(v, 4) for m, v in r.items()} for k, r in report.items()},
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    main(parser.parse_args().data)
    sys.exit(0)
