"""Reads for the browsing surfaces and exports: listings, name search, counts, the co-mention graph."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ..models import AliasSupport, ArticleSummary, CoMention, EntitySummary, Overview
from ..names import name_key
from .shared import CachedReads

__all__ = ["BrowseQueries"]

_SUMMARY = "a.id, a.title, a.outlet, a.published, a.url, a.language, a.words"
# Entities merged away by an analyst (issue 4) are hidden from listings; the table may not exist yet.
_LIVE = "e.id NOT IN (SELECT entity_id FROM edits WHERE action = 'merge' AND undone_at IS NULL)"
_ENTITY = (
    "SELECT e.id, e.name, e.type, e.class, e.registry_id, count(DISTINCT m.article_id) AS n_art, "
    "count(m.id) AS n_men FROM entities e LEFT JOIN mentions m ON m.entity_id = e.id "
)


class BrowseQueries(CachedReads):
    """Mixin of :class:`khabar.store.Store`: what pages, the API and exports list."""

    conn: sqlite3.Connection

    def overview(self) -> Overview:
        """Counts of articles, outlets, sentences, entities by class and rejected inputs."""
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        classes = dict(self.conn.execute("SELECT class, count(*) FROM entities GROUP BY class").fetchall())
        return Overview(
            articles=one("SELECT count(*) FROM articles"),
            outlets=one("SELECT count(DISTINCT outlet) FROM articles"),
            sentences=one("SELECT count(*) FROM sentences"),
            entities=sum(classes.values()),
            groups=classes.get("GROUP", 0),
            people=classes.get("PERSON", 0),
            places=classes.get("PLACE", 0),
            rejected=one("SELECT count(*) FROM rejections"),
        )

    def article_summaries(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        ids: Iterable[str] | None = None,
    ) -> list[ArticleSummary]:
        """Articles, newest publication first (only ``ids`` when given)."""
        if ids is None:
            rows = self.conn.execute(
                f"SELECT {_SUMMARY} FROM articles a ORDER BY a.published DESC, a.id LIMIT ? OFFSET ?", (limit, offset)
            )
            return [_article(r) for r in rows]
        wanted = list(dict.fromkeys(ids))
        out: list[ArticleSummary] = []
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk : chunk + 500]
            rows = self.conn.execute(
                f"SELECT {_SUMMARY} FROM articles a WHERE a.id IN ({','.join('?' * len(part))})", part
            )
            out += [_article(r) for r in rows]
        return sorted(out, key=lambda a: (a.published or "", a.id))

    def search_articles(self, query: str, *, limit: int = 20) -> list[ArticleSummary]:
        """Articles whose title or outlet contains ``query`` (case-insensitive), newest first."""
        like = "%" + _like(query.strip()) + "%"
        rows = self.conn.execute(
            f"SELECT {_SUMMARY} FROM articles a WHERE a.title LIKE ? ESCAPE '\\' OR a.outlet LIKE ? ESCAPE '\\' "
            "ORDER BY a.published DESC, a.id LIMIT ?",
            (like, like, limit),
        )
        return [_article(r) for r in rows]

    def entity_summaries(self, *, cls: str | None = None, limit: int = 100, offset: int = 0) -> list[EntitySummary]:
        """Entities (of one class when given), most-mentioned first (shared reads: ``shared.py``)."""
        key = ("entity_summaries", cls, limit, offset)
        return list(self.cached(key, lambda: tuple(self._entity_summaries(cls, limit, offset))))

    def _entity_summaries(self, cls: str | None, limit: int, offset: int) -> list[EntitySummary]:
        where = f"WHERE {self._live()}" + (" AND e.class = ?" if cls else "")
        rows = self.conn.execute(
            f"{_ENTITY} {where} GROUP BY e.id ORDER BY n_art DESC, n_men DESC, e.name LIMIT ? OFFSET ?",
            ((cls,) if cls else ()) + (limit, offset),
        )
        return [_entity(r) for r in rows]

    def search_entities(self, query: str, *, limit: int = 20) -> list[EntitySummary]:
        """Entities with a name or alias that starts with ``query`` (as a name key) or has a word starting with it.

        Exact names first, then the most mentioned: "khorasan" finds "Islamic State Khorasan Province".
        """
        norm, word = name_key(query), _like(query.strip().lower())
        if not norm or not word:
            return []
        rows = self.conn.execute(
            f"{_ENTITY} WHERE e.id IN (SELECT entity_id FROM aliases WHERE (norm >= ? AND norm < ?) "
            " OR lower(alias) LIKE ? ESCAPE '\\' OR lower(alias) LIKE ? ESCAPE '\\' "
            " OR lower(alias) LIKE ? ESCAPE '\\') "
            f"AND {self._live()} GROUP BY e.id "
            "ORDER BY (e.id IN (SELECT entity_id FROM aliases WHERE norm = ?)) DESC, n_art DESC, n_men DESC, e.name "
            "LIMIT ?",
            (norm, norm + "\uffff", word + "%", "% " + word + "%", "%-" + word + "%", norm, limit),
        )
        return [_entity(r) for r in rows]

    def entity_summary(self, entity_id: str) -> EntitySummary | None:
        """One entity with its counts."""
        row = self.conn.execute(f"{_ENTITY} WHERE e.id = ? GROUP BY e.id", (entity_id,)).fetchone()
        return _entity(row) if row else None

    def comentions(self, *, min_sentences: int = 0, min_articles: int = 1) -> list[CoMention]:
        """Every pair of entities mentioned in the same articles, with shared articles and sentences."""
        rows = self.conn.execute(
            "WITH m AS (SELECT DISTINCT article_id, sentence, entity_id FROM mentions WHERE entity_id IS NOT NULL) "
            "SELECT x.entity_id AS a, y.entity_id AS b, count(DISTINCT x.article_id) AS n_art, "
            " count(DISTINCT CASE WHEN x.sentence = y.sentence THEN x.article_id || ':' || x.sentence END) AS n_sent "
            "FROM m x JOIN m y ON y.article_id = x.article_id AND x.entity_id < y.entity_id "
            "GROUP BY x.entity_id, y.entity_id HAVING count(DISTINCT x.article_id) >= ? AND "
            "count(DISTINCT CASE WHEN x.sentence = y.sentence THEN x.article_id || ':' || x.sentence END) >= ? "
            "ORDER BY a, b",
            (min_articles, min_sentences),
        )
        return [CoMention(r["a"], r["b"], r["n_art"], r["n_sent"]) for r in rows]

    def article_entity_ids(self, article_id: str) -> list[str]:
        """Ids of the entities an article mentions, in order of first mention."""
        rows = self.conn.execute(
            "SELECT entity_id FROM mentions WHERE article_id = ? AND entity_id IS NOT NULL "
            "GROUP BY entity_id ORDER BY min(char_start)",
            (article_id,),
        )
        return [r[0] for r in rows]

    def group_peers(self, article_id: str) -> list[str]:
        """Ids of the other articles in the article's independent source group (none when alone)."""
        rows = self.conn.execute(
            "SELECT article_id FROM source_groups WHERE article_id != ? AND group_id = "
            "(SELECT group_id FROM source_groups WHERE article_id = ?) ORDER BY article_id",
            (article_id, article_id),
        )
        return [r[0] for r in rows]

    def all_aliases(self) -> list[tuple[str, AliasSupport]]:
        """Every (entity id, name) with how it is known and the articles and outlets using it (no citations)."""
        rows = self.conn.execute(
            "SELECT al.entity_id, min(al.alias) AS alias, group_concat(DISTINCT al.source) AS sources, "
            " count(DISTINCT nullif(al.article_id, '')) AS n_art, count(DISTINCT a.outlet) AS n_out "
            "FROM aliases al LEFT JOIN articles a ON a.id = al.article_id "
            "GROUP BY al.entity_id, al.norm ORDER BY al.entity_id, n_art DESC, al.norm"
        )
        return [
            (
                r["entity_id"],
                AliasSupport(r["alias"], r["n_art"], r["n_out"], tuple(sorted(set(r["sources"].split(","))))),
            )
            for r in rows
        ]

    def entity_articles(self) -> dict[str, list[str]]:
        """Entity id -> ids of the articles mentioning it, for every entity mentioned at all."""
        out: dict[str, list[str]] = {}
        rows = self.conn.execute(
            "SELECT DISTINCT entity_id, article_id FROM mentions WHERE entity_id IS NOT NULL "
            "ORDER BY entity_id, article_id"
        )
        for r in rows:
            out.setdefault(r[0], []).append(r[1])
        return out

    def _live(self) -> str:
        has_edits = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'edits'").fetchone()
        return _LIVE if has_edits else "TRUE"


def _like(text: str) -> str:
    """``text`` with LIKE's wildcards escaped (the queries say ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _article(r: sqlite3.Row) -> ArticleSummary:
    return ArticleSummary(r["id"], r["title"], r["outlet"], r["published"], r["url"], r["language"], r["words"])


def _entity(r: sqlite3.Row) -> EntitySummary:
    return EntitySummary(r["id"], r["name"], r["type"], r["class"], r["registry_id"], r["n_art"], r["n_men"])
