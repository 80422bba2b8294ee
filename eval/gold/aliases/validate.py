"""Validate aliases/clusters.json against aliases/articles/*.txt.

Annotated text of an article = its front-matter title + "\n\n" + its body.
A mention string matches case-sensitively at word boundaries. Overlapping matches are
resolved longest-first (e.g. "Islamic State" inside "Islamic State Khorasan Province" belongs
to the longer mention). Checks:
  * every mention string has at least one occurrence of its own (not only nested in a longer one);
  * no surface string is assigned to two clusters within one article;
  * every cluster type is valid, every trap refers to known clusters, every article is used;
  * (report only, --coverage) capitalised word sequences not covered by any mention.
Exit status 1 on any error.
"""

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TYPES = {"ORG", "PERSON", "GPE", "LOC", "FAC"}


def article_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    _, fm, body = raw.split("---\n", 2)
    title = next(line.partition(":")[2].strip() for line in fm.splitlines() if line.startswith("title:"))
    return title + "\n\n" + body


def occurrences(text: str, s: str):
    pat = re.compile(r"(?<!\w)" + re.escape(s) + r"(?!\w)")
    return [(m.start(), m.end()) for m in pat.finditer(text)]


def resolve(text: str, mentions):
    """mentions: list of (surface, cluster). Returns list of (start, end, surface, cluster) kept."""
    cands = [(s, e, surf, cid) for surf, cid in mentions for s, e in occurrences(text, surf)]
    cands.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
    taken, kept = [], []
    for s, e, surf, cid in cands:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        kept.append((s, e, surf, cid))
    return sorted(kept)


STOP = set(
    """A An The In On At As By For From Of To With After Before During Since Until Under Over
Its It His Her Their They He She We I Our Unlike According Most Some Several Many Police Officials Residents
Troops Witnesses Doctors Militants Researchers Analysts Aid Born Security Military Government President Prime
Minister Explainer Who Smoke Suicide Fighters Taliban Islamic State Shia Sunni Friday Saturday Sunday Monday
Tuesday Wednesday Thursday January February March April May June July August September October November
December Ramadan Muslims Arabic Afghan Afghans Iraqi Pakistani Somali Russian Rwandan Mozambican Syrian Kurdish
Egyptian American Saudi Soviet Western Islamic Khan Several Shekau Thousands Kunduz Herat Kandahar Zobe
Dozens Mohamud Maliki Baghdadi Haqqani Zawahiri Zawahri Trump Biden Godane Batarfi Julani Sharaa Assad Mehsud
Barnawi Shabaab Jabhat Nusra Front US UN IS There Talks Qa Qaeda Qaida""".split()
)


def main(coverage: bool = False) -> int:
    data = json.loads((HERE / "clusters.json").read_text(encoding="utf-8"))
    arts = {p.name: article_text(p) for p in sorted((HERE / "articles").glob("a*.txt"))}
    errors = []
    ids = [c["id"] for c in data["clusters"]]
    if len(ids) != len(set(ids)):
        errors.append("duplicate cluster ids")
    per_article = {}
    for c in data["clusters"]:
        if c["type"] not in TYPES:
            errors.append(f"{c['id']}: bad type {c['type']}")
        for m in c["mentions"]:
            if m["article"] not in arts:
                errors.append(f"{c['id']}: unknown article {m['article']}")
                continue
            per_article.setdefault(m["article"], []).append((m["text"], c["id"]))
    for t in data["traps"]:
        if t["a"] not in ids or t["b"] not in ids:
            errors.append(f"trap refers to unknown cluster: {t}")
    for art, text in arts.items():
        ms = per_article.get(art, [])
        if not ms:
            errors.append(f"{art}: no mentions")
        seen = {}
        for surf, cid in ms:
            if surf in seen and seen[surf] != cid:
                errors.append(f"{art}: '{surf}' assigned to {seen[surf]} and {cid}")
            seen[surf] = cid
            if not occurrences(text, surf):
                errors.append(f"{art}: '{surf}' ({cid}) does not occur")
        kept = resolve(text, ms)
        own = {(surf, cid) for _, _, surf, cid in kept}
        for surf, cid in ms:
            if occurrences(text, surf) and (surf, cid) not in own:
                errors.append(f"{art}: '{surf}' ({cid}) only occurs nested inside a longer mention")
        if coverage:
            covered = [(s, e) for s, e, _, _ in kept]
            for m in re.finditer(r"[A-Z][\w'’]*", text):
                w = re.sub(r"['’]s$", "", m.group())
                end = m.start() + len(w)
                if any(s <= m.start() and end <= e for s, e in covered):
                    continue
                if w not in STOP:
                    print(f"  uncovered? {art}: {m.group()!r} …{text[max(0, m.start() - 25) : m.end() + 25]!r}")
    n_m = sum(len(c["mentions"]) for c in data["clusters"])
    print(f"{len(arts)} articles, {len(ids)} clusters, {n_m} mentions, {len(data['traps'])} traps")
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(coverage="--coverage" in sys.argv))
