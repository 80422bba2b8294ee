"""Tables for spreadsheets and scripts: CSV files (one per table) and JSON Lines (one record per line).

Tables: ``entities`` (id, name, type, class, registry id, articles, mentions, independent source
groups), ``aliases`` (entity, name, how known, articles, outlets), ``articles`` (id and metadata),
``events`` (one row per event across articles: type, date, place with coordinates, who is said to be
behind it, toll ranges, support, first report), ``facts`` (one row per statement in an article, with
the articles and independent source groups that state the same value about the same subject).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from ..render.events import EVENT_COLUMNS, event_row
from ..store import Store

__all__ = ["TABLES", "rows", "write_csv", "write_jsonl"]

TABLES = {
    "entities": ("id", "name", "type", "class", "registry_id", "articles", "mentions", "source_groups"),
    "aliases": ("entity_id", "entity_name", "alias", "sources", "articles", "outlets"),
    "articles": ("id", "title", "outlet", "published", "url", "language", "words", "source_group"),
    "events": EVENT_COLUMNS,  # the same columns as `khabar events --format csv`
    "facts": (
        "subject_id",
        "subject",
        "attribute",
        "value",
        "display",
        "qualifier",
        "object_id",
        "article_id",
        "start",
        "end",
        "text",
        "articles",
        "source_groups",
    ),
}

# The "record" field of each JSON Lines object.
_RECORD = {"entities": "entity", "aliases": "alias", "articles": "article", "events": "event", "facts": "fact"}


def rows(store: Store, table: str, *, window_days: int) -> Iterator[dict]:
    """The rows of one table as dicts keyed by the table's columns (events merged with ``window_days``)."""
    if table == "events":
        return _events(store, window_days)
    return {"entities": _entities, "aliases": _aliases, "articles": _articles, "facts": _facts}[table](store)


def write_csv(store: Store, folder: Path, *, window_days: int) -> list[Path]:
    """One CSV file per table in ``folder`` (UTF-8, header row); returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, columns in TABLES.items():
        path = folder / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            writer.writerows(map(neutralise_row, rows(store, table, window_days=window_days)))
        written.append(path)
    return written


# Cells a spreadsheet would read as a formula (OWASP "CSV injection"): a title "=HYPERLINK(...)" from an
# article must stay text. Such a cell gets a leading apostrophe, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` made safe for spreadsheets: a string starting with = + - @ tab or CR gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_row(row: dict) -> dict:
    """Every cell of a CSV row through :func:`neutralise`."""
    return {k: neutralise(v) for k, v in row.items()}


def write_jsonl(store: Store, path: Path, *, window_days: int) -> Path:
    """Every table's rows in one JSON Lines file, each with ``"record": TABLE``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for table in TABLES:
            for row in rows(store, table, window_days=window_days):
                out.write(json.dumps({"record": _RECORD[table], **row}, ensure_ascii=False) + "\n")
    return path


def _entities(store: Store) -> Iterator[dict]:
    by_entity = store.entity_articles()
    groups = store.source_group_map(a for ids in by_entity.values() for a in ids)
    for e in store.entity_summaries(limit=10**9):
        yield {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "class": e.cls,
            "registry_id": e.registry_id or "",
            "articles": e.articles,
            "mentions": e.mentions,
            "source_groups": len({groups[a] for a in by_entity.get(e.id, [])}),
        }


def _aliases(store: Store) -> Iterator[dict]:
    names = {e.id: e.name for e in store.entity_summaries(limit=10**9)}
    for entity_id, a in store.all_aliases():
        if entity_id in names:
            yield {
                "entity_id": entity_id,
                "entity_name": names[entity_id],
                "alias": a.alias,
                "sources": " ".join(a.sources),
                "articles": a.articles,
                "outlets": a.outlets,
            }


def _articles(store: Store) -> Iterator[dict]:
    items = store.article_summaries(limit=10**9)
    groups = store.source_group_map(a.id for a in items)
    for a in items:
        yield {
            "id": a.id,
            "title": a.title or "",
            "outlet": a.outlet or "",
            "published": a.published or "",
            "url": a.url or "",
            "language": a.language,
            "words": a.words,
            "source_group": groups[a.id],
        }


def _events(store: Store, window_days: int) -> Iterator[dict]:
    from ..browse import event_places
    from ..events.query import find_events

    events = find_events(store, window_days=window_days)
    places = event_places(store, events)
    for e in events:
        yield event_row(e, places.get(e.id))


def _facts(store: Store) -> Iterator[dict]:
    facts = store.facts()
    groups = store.source_group_map(f.article_id for f in facts)
    support: dict[tuple, tuple[set, set]] = {}
    for f in facts:
        key = (f.subject_id or f.subject, f.attribute, f.value)
        articles, independent = support.setdefault(key, (set(), set()))
        articles.add(f.article_id)
        independent.add(groups[f.article_id])
    texts = store.citations((f.article_id, f.start, f.end) for f in facts)
    for f in facts:
        articles, independent = support[(f.subject_id or f.subject, f.attribute, f.value)]
        cited = texts.get((f.article_id, f.start, f.end))
        yield {
            "subject_id": f.subject_id or "",
            "subject": f.subject,
            "attribute": f.attribute,
            "value": f.value,
            "display": f.display,
            "qualifier": f.qualifier,
            "object_id": f.object_id or "",
            "article_id": f.article_id,
            "start": f.start,
            "end": f.end,
            "text": cited.text if cited else "",
            "articles": len(articles),
            "source_groups": len(independent),
        }
