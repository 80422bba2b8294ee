"""Fit khabar's direction model (``khabar/data/direction_model.json``): who copied whom, from the text.

    python -m eval.fit_direction --data ../shared/eval-data

Pairs whose origin is known, with dates hidden: COUNTER dev's derived pairs (WD or PD; the agency
story is the origin of the newspaper story) and Clough & Stevenson's cut / light / heavy answers (the
Wikipedia text is the origin). Each pair is presented in both orders, (origin, derived) labelled 1
and (derived, origin) labelled 0, so that no side bias can be learned; the features
(:data:`khabar.relations.derivation.DIRECTION_FEATURES`) are antisymmetric and the logistic
regression has no intercept, so the two orders get p and 1 - p. Sentences are paired by wording
alone (:func:`khabar.relations.derivation.wording_alignment`): fast and deterministic, and the same
pairing khabar uses at run time.

A direction is given only when max(p, 1 - p) reaches the threshold. 5-fold cross-validation (folds
of pairs, both orders in one fold, stratified by source, seed 15) gives out-of-fold probabilities;
the threshold is the lowest whose cross-validated accuracy (where a direction is given) is at least
``TARGET`` on each source, i.e. the largest coverage at that accuracy.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

from khabar.relations.derivation import (
    DIRECTION_FEATURES,
    direction_features,
    fit_logistic,
    predict_logistic,
    wording_alignment,
)
from khabar.relations.text import split_sentences

OUT = Path(__file__).resolve().parent.parent / "khabar" / "data" / "direction_model.json"
L2 = 1.0
FOLDS = 5
SEED = 15
TARGET = 0.9  # accuracy where a direction is given
MIN_THRESHOLD = 0.6  # never answer on weaker evidence, whatever the cross-validation says
# Fitted features; the others get weight 0. The text features (figures and names dropped, length,
# left-out material, 3-gram containment, compression, attributions, rounding, boilerplate) were
# measured and left out: with them the CV reaches 90% accuracy at a larger coverage (all ten: 0.80 of
# the pairs, Clough 0.58), but they point the wrong way on khabar's gold rewrites with dates hidden
# (2 wrong of 20 with length, 3 with specifics: a rewrite that adds a framing lede is longer than its
# origin, and paraphrase changes names and figures both ways), and without the credits 90% on both
# sources needs a threshold of 0.96, which answers on 1 of the 215 COUNTER pairs. The
# credits are the evidence that holds: a wire story credits its agency, a desk's story says it was
# compiled from others. ALTERNATIVES are scored for the record.
USED = ("credit", "desk")
ALTERNATIVES = {
    "all ten features": DIRECTION_FEATURES,
    "text only (no credits)": tuple(f for f in DIRECTION_FEATURES if f not in ("credit", "desk")),
}


def _sentences(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def features(origin: str, derived: str) -> tuple[np.ndarray, np.ndarray]:
    """(features of (origin, derived), features of (derived, origin)) of two texts."""
    a, b = _sentences(origin), _sentences(derived)
    return (direction_features(a, b, wording_alignment(a, b)), direction_features(b, a, wording_alignment(b, a)))


def texts(data: Path) -> list[tuple[str, str, str]]:
    """(source name, origin text, derived text) of the development pairs with a known origin."""
    out = []
    for line in (data / "pairs" / "counter-urdu" / "counter_dev.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        if r["label"] in ("WD", "PD"):
            text = lambda side: f"{side['headline']}\n\n{side['body']}"  # noqa: E731
            out.append(("counter", text(r["source"]), text(r["derived_article"])))
    folder = data / "pairs" / "clough"
    info = list(csv.DictReader((folder / "file_information.csv").open(encoding="utf-8")))
    read = lambda name: (folder / name).read_text(encoding="utf-8", errors="replace")  # noqa: E731
    origin = {r["Task"]: read(f"orig_task{r['Task']}.txt") for r in info if r["Category"] == "orig"}
    for r in info:
        if r["Category"] in ("cut", "light", "heavy"):
            out.append(("clough", origin[r["Task"]], read(r["File"])))
    return out


def pairs(data: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, source, pair index): two rows per pair, (origin, derived) = 1 then the reverse = 0."""
    rows, labels, source, index = [], [], [], []
    for k, (name, origin, derived) in enumerate(texts(data)):
        forward, backward = features(origin, derived)
        rows += [forward, backward]
        labels += [1, 0]
        source += [name, name]
        index += [k, k]
    return np.array(rows), np.array(labels, dtype=bool), np.array(source), np.array(index)


def cross_validated(
    x: np.ndarray, y: np.ndarray, source: np.ndarray, index: np.ndarray, used: list[int] | None = None
) -> np.ndarray:
    """Out-of-fold probabilities that the first text is the origin; folds of pairs, stratified by source."""
    used = _columns(USED) if used is None else used
    rng = np.random.default_rng(SEED)
    fold_of: dict[int, int] = {}
    for s in np.unique(source):
        ids = np.unique(index[source == s])
        for position, k in enumerate(rng.permutation(ids)):
            fold_of[int(k)] = position % FOLDS
    fold = np.array([fold_of[int(k)] for k in index])
    out = np.empty(len(y))
    for f in range(FOLDS):
        test = fold == f
        model = fit_logistic(x[~test][:, used], y[~test], l2=L2, intercept=False)
        out[test] = predict_logistic(model, x[test][:, used])
    return out


def _columns(names) -> list[int]:
    return [DIRECTION_FEATURES.index(n) for n in names]


def at_threshold(p: np.ndarray, y: np.ndarray, threshold: float) -> tuple[float, float, int]:
    """(coverage, accuracy where given, directions given) over the (origin, derived) rows."""
    forward = y  # one row per pair is enough: the reverse row has 1 - p
    given = np.maximum(p[forward], 1 - p[forward]) >= threshold
    right = (p[forward] >= threshold) & given
    return float(given.mean()), float(right.sum() / max(given.sum(), 1)), int(given.sum())


def choose_threshold(p: np.ndarray, y: np.ndarray, source: np.ndarray) -> float | None:
    """The lowest threshold (>= MIN_THRESHOLD) at which every source's CV accuracy reaches TARGET."""
    candidates = sorted({round(float(max(v, 1 - v)), 4) for v in p if max(v, 1 - v) >= MIN_THRESHOLD})
    for t in [MIN_THRESHOLD, *candidates]:
        ok = True
        for s in np.unique(source):
            m = source == s
            coverage, accuracy, given = at_threshold(p[m], y[m], t)
            ok &= given == 0 or accuracy >= TARGET
        if ok and at_threshold(p, y, t)[2] > 0:
            return t
    return None


def table(p: np.ndarray, y: np.ndarray, source: np.ndarray, threshold: float | None) -> dict:
    report: dict = {}
    for s in ("counter", "clough", "all"):
        m = np.ones(len(y), bool) if s == "all" else source == s
        coverage, accuracy, given = at_threshold(p[m], y[m], threshold if threshold is not None else 1.01)
        report[s] = {
            "pairs": int(m.sum() // 2),
            "given": given,
            "coverage": round(coverage, 4),
            "accuracy": round(accuracy, 4),
        }
    return report


def print_table(report: dict, threshold: float | None) -> None:
    shown = "none (always undetermined)" if threshold is None else f"{threshold:.3f}"
    print(f"  threshold on max(p, 1 - p): {shown}")
    print(f"  {'source':<10} {'pairs':>6} {'given':>6} {'coverage':>9} {'accuracy':>9}")
    for s, r in report.items():
        accuracy = f"{r['accuracy']:>9.3f}" if r["given"] else f"{'-':>9}"
        print(f"  {s:<10} {r['pairs']:>6} {r['given']:>6} {r['coverage']:>9.3f} {accuracy}")


def main(data: Path, *, write: bool = True) -> dict:
    x, y, source, index = pairs(data)
    assert np.allclose(x[0::2], -x[1::2]), "direction features must be antisymmetric"
    p = cross_validated(x, y, source, index)
    threshold = choose_threshold(p, y, source)
    report = table(p, y, source, threshold)
    print(
        f"direction model: {len(USED)} of {len(DIRECTION_FEATURES)} antisymmetric features, no intercept, L2 {L2}, "
        f"{FOLDS}-fold CV (seed {SEED}), dates hidden"
    )
    print_table(report, threshold)
    for label, names in ALTERNATIVES.items():
        p_other = cross_validated(x, y, source, index, _columns(names))
        t_other = choose_threshold(p_other, y, source)
        print(f"  not shipped, {label}:")
        print_table(table(p_other, y, source, t_other), t_other)
    fitted = fit_logistic(x[:, _columns(USED)], y, l2=L2, intercept=False)
    print("  weights (per root mean square): " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(USED, fitted["coef"])))
    if write:
        OUT.write_text(
            json.dumps(
                {
                    "direction": fitted,
                    "features": list(USED),
                    "threshold": threshold,
                    "target_accuracy": TARGET,
                    "cv": report,
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"wrote {OUT}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    parser.add_argument("--dry-run", action="store_true", help="print the tables, do not write the model")
    args = parser.parse_args()
    main(args.data, write=not args.dry_run)
    sys.exit(0)
