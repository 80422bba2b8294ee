"""The small rendering helpers every renderer shares: JSON values, citation lines, Markdown escapes.

They import no other renderer, so that the renderers (``text``, ``markdown``, ``jsonout``,
``events`` ...) form a one-way chain: basics <- events <- text, markdown, jsonout.
"""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any

from ..models import Citation

__all__ = ["to_jsonable", "dumps", "citation_dict", "md_escape", "md_url", "md_cite", "cite"]


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, tuples -> plain JSON-able values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def dumps(data: Any) -> str:
    """Pretty, stable JSON text."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def citation_dict(c: Citation) -> dict[str, Any]:
    """A citation as the documented evidence object."""
    return {
        "article_id": c.article_id,
        "outlet": c.outlet,
        "title": c.title,
        "published": c.published,
        "url": c.url,
        "start": c.start,
        "end": c.end,
        "text": c.text,
    }


def md_escape(text: str) -> str:
    """Escape characters that Markdown would interpret."""
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def md_url(url: str | None) -> str | None:
    """The URL for a Markdown link if it is http(s), else None ("javascript:" and "data:" never become links)."""
    if not url or not url.strip().lower().startswith(("http://", "https://")):
        return None
    return (
        url.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    )


def md_cite(c: Citation) -> str:
    """A Markdown citation line."""
    date = (c.published or "undated")[:10]
    title = md_escape(c.title or "untitled")
    url = md_url(c.url)
    link = f"[{title}]({url})" if url else f"*{title}*"
    return f"{md_escape(c.outlet or 'unknown outlet')}, {date}, {link}, `{c.article_id[:10]}` chars {c.start}-{c.end}"


def cite(c: Citation) -> str:
    """Short citation: outlet, date, title, article id and span."""
    date = (c.published or "undated")[:10]
    title = f'"{c.title}"' if c.title else "untitled"
    return f"{c.outlet or 'unknown outlet'}, {date}, {title} [{c.article_id[:10]} {c.start}-{c.end}]"
