"""Fit khabar's story similarity models (``khabar/data/story_model.json``) on SemEval-2022 task 8 ratings.

    python -m eval.fit_story --data ../shared/eval-data

Pairs: ``pairs/semeval2022-task8/pairs.csv`` (news pairs rated 1 "very similar" .. 4 "very
dissimilar", ``Overall``), split once by a fixed rule: the **checking** half is every pair whose
CRC-32 of its ``pair_id`` is odd, the rest is the **tuning** half. The weights are least squares
(ridge :data:`L2`) of the rating mapped to 0..1 (``(4 - Overall) / 3``) on the features of
:mod:`khabar.relations.story`, fitted on the tuning half alone:

* ``wordllama`` (both articles without a multilingual lede: English under ``multilingual=auto``, or
  any article without khabar[multilingual]): fitted on the tuning English-English pairs;
* ``e5`` (both with a lede, not both English): fitted on every tuning pair, all languages;
* ``e5_english`` (both English with a lede: ``multilingual=on``): fitted on the tuning English pairs.

Features are chosen by 5-fold cross-validation on the tuning half (seed 15): forward selection
that stops when the cross-validated Pearson gains less than :data:`MIN_GAIN`. The checking half is
scored once, out of sample, next to the linear maps of one cosine used before (WordLlama document
0.13 / 0.62, e5 lede 0.785 / 0.922).
"""

from __future__ import annotations

import argparse
import csv
import json
import zlib
from pathlib import Path

import numpy as np

from khabar.relations.story import FEATURES, MODEL

L2 = 0.01
FOLDS = 5
SEED = 15
MIN_GAIN = 0.002
# Features a model may use: the wordllama one never sees the e5 lede.
CANDIDATES = {
    "wordllama": [f for f in FEATURES if f not in ("lede", "same_language")],
    "e5": list(FEATURES),
    "e5_english": [f for f in FEATURES if f != "same_language"],
}
_OLD_SCALE = {"wordllama": ("doc", 0.13, 0.62), "e5": ("lede", 0.785, 0.922), "e5_english": ("lede", 0.785, 0.922)}


def rows(data: Path) -> list[dict]:
    path = data / "pairs" / "semeval2022-task8" / "pairs.csv"
    return list(csv.DictReader(path.open(encoding="utf-8")))


def checking(pair_id: str) -> bool:
    """True for a pair of the checking half (fixed rule: CRC-32 of the pair id is odd)."""
    return zlib.crc32(pair_id.encode()) % 2 == 1


def target(overall: float) -> float:
    """A SemEval Overall rating (1 very similar .. 4 very dissimilar) as a 0..1 story similarity."""
    return (4.0 - overall) / 3.0


def features(chosen: list[dict], *, lede: bool, cache: Path | None = None) -> np.ndarray:
    """The story features of each pair (texts repaired with ftfy), with e5 ledes when ``lede``
    (kept in ``cache``, a pickled dict, when given: e5 takes minutes for a few hundred pairs)."""
    import pickle

    import ftfy

    from khabar.relations.embed import load_embedder
    from khabar.relations.fingerprints import document_vector, lede_text, sentence_texts
    from khabar.relations.story import content_vector, head_text, story_features
    from khabar.relations.views import view_of_text

    english = load_embedder("wordllama")
    texts = [(ftfy.fix_text(r["text1"]), ftfy.fix_text(r["text2"])) for r in chosen]
    ledes: list = [(None, None)] * len(chosen)
    if lede:
        known = pickle.loads(cache.read_bytes()) if cache is not None and cache.exists() else {}
        wanted = {
            (r["pair_id"], k): lede_text(t) for r, pair in zip(chosen, texts) for k, t in zip(("text1", "text2"), pair)
        }
        missing = [k for k in wanted if k not in known]
        if missing:
            e5 = load_embedder("e5")
            for i in range(0, len(missing), 16):
                batch = missing[i : i + 16]
                known.update(zip(batch, e5.embed([wanted[k] for k in batch])))
            if cache is not None:
                cache.write_bytes(pickle.dumps(known))
        ledes = [(known[(r["pair_id"], "text1")], known[(r["pair_id"], "text2")]) for r in chosen]
    out = []
    for r, (a, b), pair_lede in zip(chosen, texts, ledes, strict=True):
        docs, heads, contents = [], [], []
        for key, text in (("a", a), ("b", b)):
            view = view_of_text(key + r["pair_id"], text, language=r["lang1" if key == "a" else "lang2"])
            sentences = sentence_texts(view)
            vectors = english.embed(sentences)
            docs.append(document_vector(vectors, english.dimensions))
            contents.append(content_vector(sentences, vectors, english.dimensions))
            heads.append(english.embed([head_text(text)])[0])
        out.append(
            story_features(
                a,
                b,
                (docs[0], docs[1]),
                (heads[0], heads[1]),
                (contents[0], contents[1]),
                pair_lede,
                (r["lang1"], r["lang2"]),
            )
        )
    return np.array(out)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Ridge least squares (intercept not penalised): (weights, intercept)."""
    z = np.c_[x, np.ones(len(x))]
    penalty = L2 * np.eye(z.shape[1])
    penalty[-1, -1] = 0.0
    w = np.linalg.solve(z.T @ z + penalty, z.T @ y)
    return w[:-1], float(w[-1])


def predict(x: np.ndarray, weights: np.ndarray, intercept: float) -> np.ndarray:
    return np.clip(x @ weights + intercept, 0.0, 1.0)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def cross_validated(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson of out-of-fold predictions (fixed folds)."""
    order = np.random.default_rng(SEED).permutation(len(y))
    p = np.zeros(len(y))
    for fold in np.array_split(order, FOLDS):
        train = np.setdiff1d(order, fold)
        p[fold] = predict(x[fold], *fit(x[train], y[train]))
    return pearson(p, y)


def select(x: np.ndarray, y: np.ndarray, candidates: list[str]) -> list[str]:
    """Forward selection by cross-validated Pearson on the tuning pairs."""
    chosen: list[str] = []
    best = -1.0
    while len(chosen) < len(candidates):
        scored = []
        for name in candidates:
            if name not in chosen:
                cols = [FEATURES.index(f) for f in chosen + [name]]
                scored.append((cross_validated(x[:, cols], y), name))
        score, name = max(scored)
        if score < best + MIN_GAIN:
            break
        best, chosen = score, chosen + [name]
    return chosen


def old_score(x: np.ndarray, kind: str) -> np.ndarray:
    name, low, high = _OLD_SCALE[kind]
    return np.clip((x[:, FEATURES.index(name)] - low) / (high - low), 0.0, 1.0)


def e5_pairs(every: list[dict]) -> list[dict]:
    """The pairs with e5 ledes: the whole tuning half, every second pair of the checking half (e5 embeds
    about 3 ledes a second on 2 busy cores), and every English checking pair (for the English model)."""
    tuning = [r for r in every if not checking(r["pair_id"])]
    sample = [r for r in every if checking(r["pair_id"])][::2]
    seen = {r["pair_id"] for r in sample}
    english = [r for r in every if checking(r["pair_id"]) and _english(r) and r["pair_id"] not in seen]
    return tuning + sample + english


def checking_sample(every: list[dict]) -> list[dict]:
    """The checking pairs the all-language score is reported on (eval/pairs.py): every second one."""
    return [r for r in every if checking(r["pair_id"])][::2]


def _english(r: dict) -> bool:
    return r["lang1"] == r["lang2"] == "en"


def main(data: Path, *, write: bool = True, cache: Path | None = None) -> dict:
    every = rows(data)
    models, report = {}, {}
    english = [r for r in every if _english(r)]
    with_ledes = e5_pairs(every)
    reported = {r["pair_id"] for r in checking_sample(every)}
    x5 = features(with_ledes, lede=True, cache=cache)
    is_english = np.array([_english(r) for r in with_ledes])
    for kind in ("wordllama", "e5", "e5_english"):
        if kind == "wordllama":
            chosen, x = english, features(english, lede=False)
            fitted = scored = np.ones(len(chosen), dtype=bool)
        else:
            chosen, x = with_ledes, x5
            fitted = is_english if kind == "e5_english" else np.ones(len(chosen), dtype=bool)
            scored = is_english if kind == "e5_english" else np.array([r["pair_id"] in reported for r in chosen])
        y = np.array([target(float(r["Overall"])) for r in chosen])
        check = np.array([checking(r["pair_id"]) for r in chosen])
        tune = fitted & ~check
        names = select(x[tune], y[tune], CANDIDATES[kind])
        cols = [FEATURES.index(f) for f in names]
        weights, intercept = fit(x[tune][:, cols], y[tune])
        models[kind] = {
            "features": names,
            "weights": [round(float(w), 6) for w in weights],
            "intercept": round(intercept, 6),
        }
        for split, mask in (("tuning", tune), ("checking", scored & check)):
            p = predict(x[mask][:, cols], weights, intercept)
            report[f"{kind}_{split}"] = (
                int(mask.sum()),
                pearson(p, y[mask]),
                pearson(old_score(x[mask], kind), y[mask]),
            )
        report[f"{kind}_cv"] = cross_validated(x[tune][:, cols], y[tune])
    print("Story similarity models (eval/fit_story.py): Pearson with the 0..1 rating; old = one cosine, linear map")
    for kind, model in models.items():
        print(f"  {kind}: features {', '.join(model['features'])}; tuning 5-fold CV {report[kind + '_cv']:.3f}")
        for split in ("tuning", "checking"):
            n, new, old = report[f"{kind}_{split}"]
            print(f"    {split:<9} n {n:>4}  fitted {new:.3f}  old {old:.3f}")
    if write:
        payload = {
            "about": "Story similarity models fitted by eval/fit_story.py on the SemEval-2022 task 8 tuning half",
            "target": "(4 - Overall) / 3, clipped prediction",
            "models": models,
        }
        MODEL.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {MODEL}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    parser.add_argument("--dry-run", action="store_true", help="fit and report, do not write the model")
    parser.add_argument("--cache", type=Path, help="a .npy file keeping the e5 lede vectors between runs")
    args = parser.parse_args()
    main(args.data, write=not args.dry_run, cache=args.cache)
