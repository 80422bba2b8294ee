"""Fit the geocoding ranker's weights (``khabar/data/geo_ranker.json``) on GeoWebNews' tuning half.

The ranker (``khabar.places``) scores each gazetteer candidate of a place mention by a weighted sum
of :data:`khabar.places.FEATURES` and chooses the best; the weights are those of a conditional
logit (a softmax over each mention's candidates), fitted here by plain gradient descent in numpy
with a small L2 penalty. A candidate is correct when it is the gold GeoNames entry or lies within
161 km of the gold point. Gold toponym spans are given (as in Mordecai's evaluation); the context
features come from the article's other mentions, chosen by the previous round's weights (three
rounds). Only the tuning half of the articles (``eval.geo.half``) is read for fitting; the
script prints the within-161 km share on both halves so the gain can be checked where it was not
fitted.

ACLED's coded points (``../shared/eval-data/events/acled``, the tuning half of ``eval.acled.split``)
add the conflict-news patterns GeoWebNews lacks ("in Kunduz city, Kunduz province"): each note is
read by khabar's spaCy pipeline, its place mentions are geocoded together, and the mention naming
the record's ``location`` is labelled with the coded point.

    python -m eval.fit_geo --data ../shared/eval-data            # fit and write the weights
    python -m eval.fit_geo --data ../shared/eval-data --dry-run  # fit and print only
    python -m eval.fit_geo --data ../shared/eval-data --only natural_feature  # fit one new weight
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from eval.geo import gold_given, half, km, read_gold, read_ids, read_points
from khabar.places import FEATURES, PlaceSpan, _fitted_weights, is_place_mention, load_gazetteer, ranking_features

OUT = Path(__file__).resolve().parent.parent / "khabar" / "data" / "geo_ranker.json"
L2 = 0.01
ROUNDS = 3
STEPS = 1500


def design(articles, weights, gazetteer):
    """(X, group start offsets, labels) over the labelled mentions of the given articles."""
    rows, labels, starts = [], [], []
    for text, spans, golds in articles:
        ranked = ranking_features(text, spans, gazetteer=gazetteer, weights=weights)
        for (candidates, feats), gold in zip(ranked, golds):
            if gold is None or len(candidates) < 2:
                continue
            point, gid = gold
            y = [
                float(
                    (c.geonames_id is not None and c.geonames_id == gid) or km((c.latitude, c.longitude), point) <= 161
                )
                for c in candidates
            ]
            if not any(y) or all(y):
                continue  # nothing to learn: no right candidate, or all of them are right
            starts.append(len(rows))
            rows.extend(feats)
            labels.extend(y)
    return np.array(rows), np.array(starts), np.array(labels)


def fit(X, starts, y, w0, steps=STEPS, lr=0.5, free=None):
    """Conditional-logit weights maximising log P(some right candidate) per mention, with L2.
    ``free`` (a boolean mask over the features) fits only those weights, keeping the others."""
    group = np.zeros(len(X), dtype=int)
    group[starts[1:]] = 1
    group = np.cumsum(group)
    n = len(starts)
    w = np.array(w0, dtype=float)
    for _ in range(steps):
        s = X @ w
        s = s - np.maximum.reduceat(s, starts)[group]
        e = np.exp(s)
        p_all = e / np.add.reduceat(e, starts)[group]
        ey = e * y
        p_pos = ey / np.add.reduceat(ey, starts)[group]
        grad = ((p_all - p_pos) @ X) / n + L2 * w
        if free is not None:
            grad = grad * free
        w -= lr * grad
    s = X @ w
    s = s - np.maximum.reduceat(s, starts)[group]
    e = np.exp(s)
    loss = -np.mean(np.log(np.add.reduceat(e * y, starts) / np.add.reduceat(e, starts))) + L2 / 2 * w @ w
    return w, float(loss)


def articles_of(data: Path, which: str):
    folder = data / "geo" / "geowebnews"
    texts, gold = read_gold(folder)
    points, ids = read_points(data / "geo" / "GWN.xml", texts, gold), read_ids(folder)
    out = []
    for stem, text in texts.items():
        if half(stem) != which:
            continue
        spans = sorted((s for s in gold if s[0] == stem), key=lambda s: s[1])
        out.append(
            (
                text,
                [PlaceSpan(s[1], s[2], text[s[1] : s[2]]) for s in spans],
                [(points[s], ids.get(s)) if s in points else None for s in spans],
            )
        )
    return out


def acled_articles(data: Path, which: str, limit: int | None = None):
    """(note, place spans, gold per span) for the ACLED records of one half of eval.acled.split."""
    from eval.acled import load, split
    from khabar.names import name_key
    from khabar.nlp import load_pipeline
    from khabar.settings import load_settings

    records = split(load(data))[0 if which == "tuning" else 1][:limit]
    nlp = load_pipeline(load_settings().spacy_model)
    out = []
    for record, doc in zip(records, nlp.pipe((r["notes"] for r in records), batch_size=64)):
        spans = [
            PlaceSpan(e.start_char, e.end_char, e.text, e.label_)
            for e in doc.ents
            if is_place_mention(e.label_, e.text)
        ]
        try:
            point = (float(record["latitude"]), float(record["longitude"]))
        except (KeyError, ValueError):
            continue
        target = name_key(record.get("location", ""))
        golds = [(point, None) if target and name_key(s.text) == target else None for s in spans]
        if any(golds):
            out.append((doc.text, spans, golds))
    return out


def acled_share(articles, weights, gazetteer) -> float:
    """Share of labelled ACLED location mentions geocoded within 161 km of the coded point."""
    from khabar.places import geocode

    near = total = 0
    for text, spans, golds in articles:
        for place, gold in zip(geocode(text, spans, gazetteer=gazetteer, weights=weights), golds):
            if gold is not None:
                total += 1
                near += place.resolved and km((place.latitude, place.longitude), gold[0]) <= 161
    return near / max(1, total)


def main(data: Path, dry_run: bool, only: list[str] | None = None) -> None:
    gazetteer = load_gazetteer()
    gwn_tuning, acled_tuning = articles_of(data, "tuning"), acled_articles(data, "tuning")
    tuning = gwn_tuning + acled_tuning
    print(f"{len(tuning)} tuning texts (GeoWebNews tuning half + ACLED tuning notes naming their location)")
    w = np.array(_fitted_weights(), dtype=float)
    free = np.array([name in only for name in FEATURES], dtype=float) if only else None
    if only:
        print("fitting only: " + ", ".join(only) + " (the other weights are kept as shipped)")
    for r in range(ROUNDS):
        X, starts, y = design(tuning, w, gazetteer)
        w, loss = fit(X, starts, y, w, free=free)
        print(f"round {r + 1}: {len(starts)} ambiguous mentions, {len(X)} candidates, loss {loss:.4f}")
    for name, value in zip(FEATURES, w):
        print(f"  {name:22s} {value:8.3f}")
    scores = {which: gold_given(data, which, weights=list(w))[0] for which in ("tuning", "checking")}
    print("GeoWebNews within 161 km, gold toponyms given: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))
    acled = {
        "tuning": acled_share(acled_tuning, list(w), gazetteer),
        "checking": acled_share(acled_articles(data, "checking"), list(w), gazetteer),
    }
    print("ACLED location mentions within 161 km: " + ", ".join(f"{k} {v:.3f}" for k, v in acled.items()))
    if not dry_run:
        OUT.write_text(
            json.dumps(
                {
                    "features": list(FEATURES),
                    "weights": [round(float(x), 4) for x in w],
                    "note": "fitted by python -m eval.fit_geo on the GeoWebNews and ACLED tuning halves; "
                    f"GeoWebNews within 161 km: tuning {scores['tuning']:.3f}, checking {scores['checking']:.3f}; "
                    f"ACLED location mentions: tuning {acled['tuning']:.3f}, checking {acled['checking']:.3f}",
                },
                indent=1,
            )
            + "\n",
            "utf-8",
        )
        print(f"wrote {OUT}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--only", nargs="+", choices=FEATURES, help="fit only these weights (a new feature)")
    args = parser.parse_args()
    sys.exit(main(args.data, args.dry_run, args.only))
