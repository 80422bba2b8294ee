"""Validate pairs/pairs.csv against pairs/articles/*.txt.

Checks: header and values; every article referenced exists and has the exact front matter
(title, outlet, url under .example, published YYYY-MM-DDTHH:MM); derived articles are not older
than their source (rewrite pairs with equal timestamps are reported); body length 150-400 words
(the one-sentence edge case is reported, not failed); minimum counts per relation.
Also prints, per pair, the share of the derived text's word 6-grams found in the other text
(copy ~1.0; rewrite and same-story should be low) as a sanity report.
Exit status 1 on any error.
"""

import csv
import re
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = ["title", "outlet", "url", "published"]
MINIMUM = {"copy": 8, "rewrite": 10, "same-story": 10, "unrelated": 10}


def load(path: Path):
    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("---\n"):
        raise ValueError("no front matter")
    _, fm, body = raw.split("---\n", 2)
    meta = {}
    for line in fm.strip("\n").split("\n"):
        k, sep, v = line.partition(":")
        if not sep:
            raise ValueError(f"bad front-matter line {line!r}")
        meta[k.strip()] = v.strip()
    if list(meta) != KEYS:
        raise ValueError(f"front-matter keys {list(meta)} != {KEYS}")
    if not re.match(r"https://[a-z0-9.-]+\.example/", meta["url"]):
        raise ValueError(f"url not under .example: {meta['url']}")
    meta["published"] = datetime.strptime(meta["published"], "%Y-%m-%dT%H:%M")
    return meta, body.strip("\n")


def grams(text: str, n: int = 6):
    w = re.findall(r"\w+", text.lower())
    return Counter(tuple(w[i : i + n]) for i in range(len(w) - n + 1))


def main() -> int:
    errors, notes = [], []
    arts = {}
    for p in sorted((HERE / "articles").glob("p*.txt")):
        try:
            arts[p.stem] = load(p)
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{p.name}: {exc}")
    for name, (_meta, body) in arts.items():
        n = len(body.split())
        if not 150 <= n <= 400:
            notes.append(f"{name}: body has {n} words (outside 150-400)")
    with open(HERE / "pairs.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != ["a", "b", "relation", "derived", "note"]:
            errors.append(f"bad header {reader.fieldnames}")
        rows = list(reader)
    counts = Counter()
    used = set()
    for i, r in enumerate(rows, start=2):
        a, b, rel, der = r["a"], r["b"], r["relation"], r["derived"]
        counts[rel] += 1
        for x in (a, b):
            if x not in arts:
                errors.append(f"line {i}: article {x} missing")
            used.add(x)
        if rel not in MINIMUM:
            errors.append(f"line {i}: bad relation {rel}")
        if der not in ("a", "b", "none"):
            errors.append(f"line {i}: bad derived {der}")
        if rel in ("same-story", "unrelated") and der != "none":
            errors.append(f"line {i}: {rel} must have derived=none")
        if rel in ("copy", "rewrite") and der == "none" and a != b:
            errors.append(f"line {i}: {rel} between different articles needs a direction")
        if a not in arts or b not in arts:
            continue
        if der in ("a", "b"):
            src, dst = (a, b) if der == "b" else (b, a)
            ts, td = arts[src][0]["published"], arts[dst][0]["published"]
            if td < ts:
                errors.append(f"line {i}: derived {dst} is older than source {src}")
            elif td == ts:
                notes.append(f"line {i}: {src}->{dst} share the timestamp {ts:%Y-%m-%dT%H:%M}")
            gs, gd = grams(arts[src][1]), grams(arts[dst][1])
            share = sum((gd & gs).values()) / max(1, sum(gd.values()))
            print(f"  {rel:10s} {src}->{dst}  6-gram share of derived text found in source: {share:.2f}")
        elif rel == "same-story":
            ga, gb = grams(arts[a][1]), grams(arts[b][1])
            share = sum((ga & gb).values()) / max(1, min(sum(ga.values()), sum(gb.values())))
            print(f"  {rel:10s} {a}~{b}  shared 6-gram share: {share:.2f}")
    for rel, m in MINIMUM.items():
        if counts[rel] < m:
            errors.append(f"only {counts[rel]} {rel} pairs (need {m})")
    unused = sorted(set(arts) - used)
    if unused:
        notes.append(f"articles not in any pair: {unused}")
    print(f"{len(arts)} articles, {len(rows)} pairs: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    for n in notes:
        print("NOTE", n)
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
