"""The app's URLs: pages of entities and articles, and which article links may become links."""

from __future__ import annotations

from urllib.parse import quote

__all__ = ["web_url", "entity_url", "article_url"]


def web_url(url: str | None) -> str | None:
    """The URL if it is http(s); None otherwise (a "javascript:" URL from an article never becomes a link)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def entity_url(entity_id: str) -> str:
    """The entity's page."""
    return "/entity/" + quote(entity_id, safe=":")


def article_url(article_id: str, start: int | None = None, end: int | None = None) -> str:
    """The article's page, with the span start..end highlighted when given."""
    url = "/article/" + quote(article_id, safe="")
    return url + (f"?start={start}&end={end}#cited" if start is not None and end is not None else "")
