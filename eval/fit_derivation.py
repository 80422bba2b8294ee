"""Fit khabar's derivation model (``khabar/data/derivation_model.json``) on development pairs.

    python -m eval.fit_derivation --data ../shared/eval-data

Pairs: COUNTER dev (Urdu agency story vs newspaper story; derived = WD or PD) and Clough & Stevenson
(cut / light / heavy = derived, non = not). The features are :data:`khabar.relations.derivation.FEATURES`;
this fit uses the wording features only (containment of word n-grams, rare content 2-grams, words,
numbers and their order, names, quotes, length ratio), computed without embeddings so that the fit is
fast and deterministic; the alignment features get weight 0 (listed in the JSON as not fitted).
Reports 5-fold cross-validated AUC and F1 at probability 0.5 per source (fixed folds, seed 15).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

from khabar.relations.align import Alignment
from khabar.relations.derivation import FEATURES, fit_logistic, pair_features, predict_logistic
from khabar.relations.text import split_sentences

OUT = Path(__file__).resolve().parent.parent / "khabar" / "data" / "derivation_model.json"
ALIGNMENT = ("coverage_short", "coverage_long", "aligned_share", "in_order", "similarity", "best_match")
USED = [i for i, name in enumerate(FEATURES) if name not in ALIGNMENT]
L2 = 1.0
FOLDS = 5
SEED = 15


def text_features(a: str, b: str) -> np.ndarray:
    """:func:`pair_features` of two texts without an alignment (wording features only)."""
    ta = [s.text for s in split_sentences(a)]
    tb = [s.text for s in split_sentences(b)]
    return pair_features(ta, tb, Alignment((), 0.0, 0.0, 0.0, 0.0))


def pairs(data: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, derived labels, source names) of the development pairs."""
    rows, labels, source = [], [], []
    for line in (data / "pairs" / "counter-urdu" / "counter_dev.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        text = lambda side: f"{side['headline']}\n\n{side['body']}"  # noqa: E731
        rows.append(text_features(text(r["source"]), text(r["derived_article"])))
        labels.append(r["label"] in ("WD", "PD"))
        source.append("counter")
    folder = data / "pairs" / "clough"
    info = list(csv.DictReader((folder / "file_information.csv").open(encoding="utf-8")))
    read = lambda name: (folder / name).read_text(encoding="utf-8", errors="replace")  # noqa: E731
    origin = {r["Task"]: read(f"orig_task{r['Task']}.txt") for r in info if r["Category"] == "orig"}
    for r in info:
        if r["Category"] == "orig":
            continue
        rows.append(text_features(read(r["File"]), origin[r["Task"]]))
        labels.append(r["Category"] != "non")
        source.append("clough")
    return np.array(rows), np.array(labels), np.array(source)


def auc(score: np.ndarray, labels: np.ndarray) -> float:
    pos, neg = score[labels], score[~labels]
    return float(
        ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / max(len(pos) * len(neg), 1)
    )


def f1(predicted: np.ndarray, labels: np.ndarray) -> float:
    tp = float((predicted & labels).sum())
    p, r = tp / max(predicted.sum(), 1), tp / max(labels.sum(), 1)
    return 2 * p * r / max(p + r, 1e-9)


def balanced(y: np.ndarray) -> np.ndarray:
    """Weights giving both classes equal total weight: the probability does not carry the sets' prior
    (72% of COUNTER pairs are derived; most pairs a user compares are not)."""
    return np.where(y, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9))


def cross_validated(x: np.ndarray, y: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Out-of-fold probabilities; folds stratified by source, fixed seed."""
    rng = np.random.default_rng(SEED)
    fold = np.empty(len(y), dtype=int)
    for s in np.unique(source):
        idx = np.flatnonzero(source == s)
        fold[rng.permutation(idx)] = np.arange(len(idx)) % FOLDS
    out = np.empty(len(y))
    for k in range(FOLDS):
        test = fold == k
        model = fit_logistic(x[~test][:, USED], y[~test], l2=L2, weights=balanced(y[~test]))
        out[test] = predict_logistic(model, x[test][:, USED])
    return out


def main(data: Path) -> dict:
    x, y, source = pairs(data)
    p = cross_validated(x, y, source)
    report = {}
    print(f"derivation model: {len(USED)} wording features, L2 {L2}, {FOLDS}-fold CV (seed {SEED})")
    print(f"  {'source':<10} {'n':>4} {'derived':>8} {'CV AUC':>7} {'CV F1':>6}  baseline 3-gram AUC")
    for s in ("counter", "clough", "all"):
        m = np.ones(len(y), bool) if s == "all" else source == s
        base = auc(x[m][:, FEATURES.index("ngram3")], y[m])
        report[s] = {"auc": auc(p[m], y[m]), "f1": f1(p[m] >= 0.5, y[m]), "n": int(m.sum())}
        print(
            f"  {s:<10} {m.sum():>4} {int(y[m].sum()):>8} {report[s]['auc']:>7.3f} {report[s]['f1']:>6.3f}  {base:.3f}"
        )
    clough = source == "clough"
    cp = p[clough] >= 0.5
    print(
        f"  clough recall {(cp & y[clough]).sum() / y[clough].sum():.3f}, "
        f"false alarms {(cp & ~y[clough]).sum()} of {(~y[clough]).sum()}"
    )
    fitted = fit_logistic(x[:, USED], y, l2=L2, weights=balanced(y))
    full = {
        "mean": [0.0] * len(FEATURES),
        "scale": [1.0] * len(FEATURES),
        "coef": [0.0] * len(FEATURES),
        "bias": fitted["bias"],
    }
    for j, i in enumerate(USED):
        full["mean"][i], full["scale"][i], full["coef"][i] = fitted["mean"][j], fitted["scale"][j], fitted["coef"][j]
    OUT.write_text(
        json.dumps(
            {"derivation": full, "features": list(FEATURES), "not_fitted": list(ALIGNMENT), "cv": report}, indent=1
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    main(parser.parse_args().data)
    sys.exit(0)
