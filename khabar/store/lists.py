"""Paged, sorted, filtered lists with facet counts (the web app's lists and /api/entities, /api/articles).

Filters and sorts come from fixed tables below, never from the request text: a request names a key,
the SQL for it is ours. Facet counts are computed over every row matching the *other* filters, as
datasette does, so a chosen value still shows its siblings.
"""

from __future__ import annotations

import sqlite3

from ..models import ArticleSummary, EntitySummary, ListPage
from .shared import CachedReads

__all__ = ["ListQueries", "ENTITY_SORTS", "ARTICLE_SORTS", "ENTITY_FACETS", "ARTICLE_FACETS"]

_ENTITY_BASE = (
    "SELECT e.id, e.name, e.type, e.class, e.registry_id, "
    " (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id) AS n_art, "
    " (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS n_men, "
    " CASE WHEN e.registry_id IS NULL THEN 'no' ELSE 'yes' END AS in_registry, "
    " coalesce((SELECT p.country FROM places p WHERE p.entity_id = e.id), '') AS country "
    "FROM entities e WHERE e.id NOT IN (SELECT entity_id FROM edits WHERE action = 'merge' AND undone_at IS NULL)"
)
# "-key" sorts descending, "key" ascending; the first entry is the default.
ENTITY_SORTS = {
    "-articles": "n_art DESC, n_men DESC, name",
    "articles": "n_art, n_men, name",
    "-mentions": "n_men DESC, name",
    "mentions": "n_men, name",
    "name": "name COLLATE NOCASE, id",
    "-name": "name COLLATE NOCASE DESC, id",
    "type": "type, n_art DESC, name",
    "-type": "type DESC, n_art DESC, name",
}
ENTITY_FACETS = {"class": "class", "type": "type", "country": "country", "registry": "in_registry"}

_ARTICLE_BASE = (
    "SELECT a.id, a.title, a.outlet, a.published, a.url, a.language, a.words, "
    " coalesce(a.outlet, '') AS outlet_key, coalesce(substr(a.published, 1, 4), '') AS year, "
    " coalesce(a.language, '') AS lang FROM articles a"
)
ARTICLE_SORTS = {
    "-published": "published DESC, id",
    "published": "published, id",
    "title": "title COLLATE NOCASE, id",
    "-title": "title COLLATE NOCASE DESC, id",
    "outlet": "outlet COLLATE NOCASE, published DESC",
    "-outlet": "outlet COLLATE NOCASE DESC, published DESC",
    "words": "words DESC, id",
    "-words": "words, id",
}
ARTICLE_FACETS = {"outlet": "outlet_key", "year": "year", "language": "lang"}


class ListQueries(CachedReads):
    """Mixin of :class:`khabar.store.Store`: faceted lists."""

    conn: sqlite3.Connection

    def entity_page(
        self, *, filters: dict[str, str], q: str = "", sort: str = "-articles", limit: int = 50, offset: int = 0
    ) -> ListPage:
        """Entities matching ``filters`` (keys of ENTITY_FACETS) and name text ``q``, sorted, with facets."""
        key = ("entity_page", tuple(sorted(filters.items())), q, sort, limit, offset)
        return self.cached(key, lambda: self._entity_page(filters, q, sort, limit, offset))

    def _entity_page(self, filters: dict[str, str], q: str, sort: str, limit: int, offset: int) -> ListPage:
        rows, total, facets = self._page(
            _ENTITY_BASE,
            ENTITY_FACETS,
            ENTITY_SORTS,
            filters,
            sort,
            limit,
            offset,
            q
            and ("name LIKE ? ESCAPE '\\' OR id IN (SELECT entity_id FROM aliases WHERE alias LIKE ? ESCAPE '\\')", 2),
            q,
        )
        items = tuple(
            EntitySummary(r["id"], r["name"], r["type"], r["class"], r["registry_id"], r["n_art"], r["n_men"])
            for r in rows
        )
        return ListPage(items, total, offset, limit, sort, tuple(sorted(filters.items())), facets, "entities")

    def article_page_list(
        self, *, filters: dict[str, str], q: str = "", sort: str = "-published", limit: int = 50, offset: int = 0
    ) -> ListPage:
        """Articles matching ``filters`` (keys of ARTICLE_FACETS) and title/outlet text ``q``, with facets."""
        key = ("article_page_list", tuple(sorted(filters.items())), q, sort, limit, offset)
        return self.cached(key, lambda: self._article_page_list(filters, q, sort, limit, offset))

    def _article_page_list(self, filters: dict[str, str], q: str, sort: str, limit: int, offset: int) -> ListPage:
        rows, total, facets = self._page(
            _ARTICLE_BASE,
            ARTICLE_FACETS,
            ARTICLE_SORTS,
            filters,
            sort,
            limit,
            offset,
            q and ("title LIKE ? ESCAPE '\\' OR outlet LIKE ? ESCAPE '\\'", 2),
            q,
        )
        items = tuple(
            ArticleSummary(r["id"], r["title"], r["outlet"], r["published"], r["url"], r["language"], r["words"])
            for r in rows
        )
        return ListPage(items, total, offset, limit, sort, tuple(sorted(filters.items())), facets, "articles")

    def _page(self, base, facet_columns, sorts, filters, sort, limit, offset, text, q):
        def where(skip: str | None = None) -> tuple[str, list]:
            clauses, params = [], []
            for key, value in filters.items():
                if key != skip and key in facet_columns:
                    clauses.append(f"{facet_columns[key]} = ?")
                    params.append(value)
            if text:
                clauses.append("(" + text[0] + ")")
                params += ["%" + _like(q.strip()) + "%"] * text[1]
            return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

        sql, params = where()
        total = self.conn.execute(f"SELECT count(*) FROM ({base}) AS t{sql}", params).fetchone()[0]
        order = sorts.get(sort) or next(iter(sorts.values()))
        rows = self.conn.execute(
            f"SELECT * FROM ({base}) AS t{sql} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset]
        ).fetchall()
        facets = []
        for key, column in facet_columns.items():
            fsql, fparams = where(skip=key)
            counts = self.conn.execute(
                f"SELECT {column} AS v, count(*) AS n FROM ({base}) AS t{fsql} GROUP BY v HAVING v != '' "
                "ORDER BY n DESC, v LIMIT 30",
                fparams,
            ).fetchall()
            facets.append((key, tuple((str(r["v"]), r["n"]) for r in counts)))
        return rows, total, tuple(facets)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
