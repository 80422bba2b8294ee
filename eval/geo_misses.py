"""Why geocoding misses on GeoWebNews with gold toponyms given: counts of miss classes on one half.

Classes: ``no candidate`` (the gazetteer has no entry of that name), ``unresolved`` (candidates, but
the ranker left it unresolved), ``none within 161 km`` (no candidate lies near the gold point),
``wrong homonym`` (a candidate within 161 km exists but another was chosen), and ``demonym`` (a
demonym the gazetteer maps to an area far from the gold point). ``--examples N`` prints up to N
mentions per class (to the terminal only).

    python -m eval.geo_misses --data ../shared/eval-data --half tuning --examples 10
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from eval.geo import half, km, read_gold, read_ids, read_points
from khabar.places import PlaceSpan, geocode, load_gazetteer, ranking_features


def misses(data: Path, which: str) -> tuple[int, dict[str, list[str]]]:
    folder = data / "geo" / "geowebnews"
    texts, gold = read_gold(folder)
    points, ids = read_points(data / "geo" / "GWN.xml", texts, gold), read_ids(folder)
    gazetteer = load_gazetteer()
    classes: dict[str, list[str]] = defaultdict(list)
    scored = 0
    for stem, text in texts.items():
        if which != "all" and half(stem) != which:
            continue
        spans = sorted((s for s in gold if s[0] == stem), key=lambda s: s[1])
        pspans = [PlaceSpan(s[1], s[2], text[s[1] : s[2]]) for s in spans]
        places = geocode(text, pspans, gazetteer=gazetteer)
        ranked = ranking_features(text, pspans, gazetteer=gazetteer)
        for span, place, (candidates, _) in zip(spans, places, ranked):
            if span not in points:
                continue
            scored += 1
            point = points[span]
            if place.resolved and km((place.latitude, place.longitude), point) <= 161:
                continue
            name = text[span[1] : span[2]]
            kind = gold[span]
            got = f"{place.name} ({place.level}, {place.country})" if place.resolved else "-"
            label = f"{name!r} [{kind}] gold {point[0]:.2f},{point[1]:.2f} id {ids.get(span)} -> {got}"
            near = [c for c in candidates if c.latitude is not None and km((c.latitude, c.longitude), point) <= 161]
            if not candidates:
                cls = "no candidate"
            elif "demonym" in (place.note or "") or (candidates and kind == "Demonym"):
                cls = "demonym"
            elif not place.resolved:
                cls = "unresolved"
            elif not near:
                cls = "none within 161 km"
                label += " best cand " + ", ".join(f"{c.name}/{c.level}/{c.geonames_id}" for c in candidates[:3])
            else:
                cls = "wrong homonym"
                label += " near: " + ", ".join(f"{c.name}/{c.level}/{c.country}" for c in near[:2])
            classes[cls].append(label)
    return scored, classes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    parser.add_argument("--half", default="tuning", choices=("tuning", "checking", "all"))
    parser.add_argument("--examples", type=int, default=0)
    args = parser.parse_args()
    scored, classes = misses(args.data, args.half)
    total = sum(len(v) for v in classes.values())
    print(f"{args.half}: {scored} toponyms scored, {total} misses ({1 - total / max(1, scored):.3f} within 161 km)")
    for cls, items in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"  {cls:20s} {len(items)}")
        kinds = Counter(i.split("[", 1)[1].split("]", 1)[0] for i in items)
        print("    by gold type: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
        for item in items[: args.examples]:
            print("     ", item)


if __name__ == "__main__":
    main()
