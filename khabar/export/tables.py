"""Tables for spreadsheets and scripts: CSV files (one per table) and JSON Lines (one record per line).

Tables: ``entities`` (id, name, type, class, registry id, articles, mentions, independent source
groups), ``aliases`` (entity, name, how known, articles, outlets), ``articles`` (id and metadata).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from ..store import Store

__all__ = ["TABLES", "rows", "write_csv", "write_jsonl"]

TABLES = {
    "entities": ("id", "name", "type", "class", "registry_id", "articles", "mentions", "source_groups"),
    "aliases": ("entity_id", "entity_name", "alias", "sources", "articles", "outlets"),
    "articles": ("id", "title", "outlet", "published", "url", "language", "words", "source_group"),
}

_RECORD = {"entities": "entity", "aliases": "alias", "articles": "article"}  # the "record" field of JSON Lines


def rows(store: Store, table: str) -> Iterator[dict]:
    """The rows of one table as dicts keyed by the table's columns."""
    return {"entities": _entities, "aliases": _aliases, "articles": _articles}[table](store)


def write_csv(store: Store, folder: Path) -> list[Path]:
    """One CSV file per table in ``folder`` (UTF-8, header row); returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, columns in TABLES.items():
        path = folder / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows(store, table))
        written.append(path)
    return written


def write_jsonl(store: Store, path: Path) -> Path:
    """Every table's rows in one JSON Lines file, each with ``"record": TABLE``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for table in TABLES:
            for row in rows(store, table):
                out.write(json.dumps({"record": _RECORD[table], **row}, ensure_ascii=False) + "\n")
    return path


def _entities(store: Store) -> Iterator[dict]:
    by_entity = store.entity_articles()
    groups = store.source_group_map(a for ids in by_entity.values() for a in ids)
    for e in store.entity_summaries(limit=10**9):
        yield {"id": e.id, "name": e.name, "type": e.type, "class": e.cls, "registry_id": e.registry_id or "",
               "articles": e.articles, "mentions": e.mentions,
               "source_groups": len({groups[a] for a in by_entity.get(e.id, [])})}


def _aliases(store: Store) -> Iterator[dict]:
    names = {e.id: e.name for e in store.entity_summaries(limit=10**9)}
    for entity_id, a in store.all_aliases():
        if entity_id in names:
            yield {"entity_id": entity_id, "entity_name": names[entity_id], "alias": a.alias,
                   "sources": " ".join(a.sources), "articles": a.articles, "outlets": a.outlets}


def _articles(store: Store) -> Iterator[dict]:
    items = store.article_summaries(limit=10**9)
    groups = store.source_group_map(a.id for a in items)
    for a in items:
        yield {"id": a.id, "title": a.title or "", "outlet": a.outlet or "", "published": a.published or "",
               "url": a.url or "", "language": a.language, "words": a.words, "source_group": groups[a.id]}
