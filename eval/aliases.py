"""Cross-article entity resolution on khabar's own gold set (eval/gold/aliases): pairwise P/R/F1.

The 25 gold articles are ingested into a fresh knowledge base. Every gold mention (article,
surface text) gets the entity its stored mentions in that article were resolved to (the most
frequent one; a mention khabar did not find is a singleton). Over all pairs of gold mentions,
precision is the share of pairs khabar put together that the gold puts together, recall the
converse. The traps (pairs of clusters that must stay apart: affiliate vs parent, two people with
one surname, a city and a province of one name) are listed with whether they were kept apart.

    python -m eval.aliases --data ../shared/eval-data
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

import khabar

GOLD = Path(__file__).resolve().parent / "gold" / "aliases"
# Floors pinned a little below the measured scores (docs/entities.md).
FLOORS = {"precision": 0.95, "recall": 0.71}


def predicted(db: Path, clusters: list[dict]) -> dict[tuple[str, str], str]:
    """(article file, surface text) -> entity id (or a unique placeholder when not found)."""
    out = {}
    with khabar.open_kb(db) as store:
        for cluster in clusters:
            for m in cluster["mentions"]:
                rows = store.conn.execute(
                    "SELECT m.entity_id FROM mentions m JOIN articles a ON a.id = m.article_id "
                    "WHERE a.source LIKE ? AND m.text = ? AND m.entity_id IS NOT NULL",
                    (f"%{m['article']}", m["text"]),
                )
                ids = Counter(r[0] for r in rows)
                key = (m["article"], m["text"])
                out[key] = ids.most_common(1)[0][0] if ids else f"missing:{key}"
    return out


def pairwise(gold: dict[tuple[str, str], str], pred: dict[tuple[str, str], str]) -> tuple[float, float, float]:
    same_gold = same_pred = both = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        g, p = gold[a] == gold[b], pred[a] == pred[b]
        same_gold += g
        same_pred += p
        both += g and p
    precision, recall = both / same_pred if same_pred else 0.0, both / same_gold if same_gold else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if both else 0.0


def main(data: Path) -> bool:
    spec = json.loads((GOLD / "clusters.json").read_text("utf-8"))
    gold = {(m["article"], m["text"]): c["id"] for c in spec["clusters"] for m in c["mentions"]}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "aliases.db"
        khabar.ingest([GOLD / "articles"], db=db)
        pred = predicted(db, spec["clusters"])
    found = sum(1 for v in pred.values() if not v.startswith("missing:"))
    p, r, f = pairwise(gold, pred)
    print(f"alias gold: {len(spec['clusters'])} clusters, {len(gold)} mentions ({found} found by khabar)")
    print(f"pairwise  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    by_cluster: dict[str, set[str]] = {}
    for key, cid in gold.items():
        by_cluster.setdefault(cid, set()).add(pred[key])
    kept = 0
    for trap in spec.get("traps", []):
        apart = not (by_cluster.get(trap["a"], set()) & by_cluster.get(trap["b"], set()))
        kept += apart
        if not apart:
            print(f"  trap MERGED: {trap['a']} / {trap['b']} ({trap['why']})")
    print(f"traps kept apart: {kept}/{len(spec.get('traps', []))}")
    results = {"precision": p, "recall": r}
    failed = [k for k, floor in FLOORS.items() if results[k] < floor]
    for k in failed:
        print(f"BELOW FLOOR: {k} {results[k]:.3f} < {FLOORS[k]}")
    return not failed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    sys.exit(0 if main(parser.parse_args().data) else 1)
