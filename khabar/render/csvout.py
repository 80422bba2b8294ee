"""Lists as CSV (the web app's CSV links): the same columns as the JSON items, events as EVENT_COLUMNS."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from ..models import ListPage
from .events import EVENT_COLUMNS, event_row
from .jsonout import article_summary_dict, entity_summary_dict

__all__ = ["page_csv", "ENTITY_COLUMNS", "ARTICLE_COLUMNS"]

ENTITY_COLUMNS = ("id", "name", "type", "class", "registry_id", "articles", "mentions")
ARTICLE_COLUMNS = ("id", "title", "outlet", "published", "url", "language", "words")


def page_csv(page: ListPage, places: dict | None = None) -> str:
    """The page's items as CSV text with a header row."""
    columns: tuple[str, ...]
    if page.kind == "events":
        rows, columns = [event_row(e, (places or {}).get(e.id)) for e in page.items], EVENT_COLUMNS
    else:
        kinds: dict[str, tuple[Callable[[Any], dict[str, Any]], tuple[str, ...]]] = {
            "entities": (entity_summary_dict, ENTITY_COLUMNS),
            "articles": (article_summary_dict, ARTICLE_COLUMNS),
        }
        item, columns = kinds[page.kind]
        rows = [item(x) for x in page.items]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    return buffer.getvalue()
