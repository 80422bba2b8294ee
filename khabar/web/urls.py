"""The app's URLs: pages of entities and articles, and which article links may become links."""

from __future__ import annotations

from urllib.parse import quote, urlencode

__all__ = ["web_url", "entity_url", "article_url", "url_with"]


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


def url_with(request, path: str | None = None, **changes) -> str:
    """The current URL's query with ``changes`` applied (None removes a parameter), on ``path`` if given.

    Used by list pages: facet links, sort headers, pages, and the JSON/CSV links of the same view.
    ``page`` becomes ``offset`` on /api/ paths.
    """
    params = dict(request.query_params)
    if "class" in changes or "cls" in params:  # /entities?cls= (version 1 links) is class=
        params.setdefault("class", params.pop("cls", ""))
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    if path and path.startswith("/api/"):
        params.pop("page", None)
    return (path or request.url.path) + ("?" + urlencode(params) if params else "")
