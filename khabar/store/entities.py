"""Entities, their aliases with evidence, and the reads a dossier needs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models import AliasConflict, AliasSupport, Citation, EntityRef, Neighbour, Place, Resolution
from ..names import name_key, variant_key
from .clock import now
from .shared import CachedReads

__all__ = ["EntityQueries", "EntityHit", "MentionSentence"]

_SOURCE_ORDER = ["stated", "text", "registry", "gazetteer", "analyst"]


@dataclass(frozen=True, slots=True)
class EntityHit:
    """An entity matched by a name, with how often it is mentioned."""

    entity: EntityRef
    mentions: int
    articles: int


@dataclass(frozen=True, slots=True)
class MentionSentence:
    """A sentence that mentions an entity, with what a ranking needs."""

    citation: Citation
    entity_mentions: int  # mentions of the entity in the sentence
    other_names: int  # mentions of other named entities in the sentence
    sentence: int  # index of the sentence in its article


class EntityQueries(CachedReads):
    """Mixin of :class:`khabar.store.Store`: entity-level reads and writes."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:  # provided by the Store this mixes into (its PlaceQueries and EditQueries)

        def _insert_places(self, places: Iterable[Place]) -> None: ...

        def _insert_conflicts(self, conflicts: Iterable[AliasConflict]) -> None: ...

    def _insert_entities(self, resolution: Resolution) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO entities(id, name, type, class, registry_id, created_at) VALUES (?,?,?,?,?,?)",
            [(e.id, e.name, e.type, e.cls, e.registry_id, now()) for e in resolution.entities],
        )
        self._insert_places(resolution.places)
        self._insert_conflicts(resolution.conflicts)

    def _insert_aliases(self, resolution: Resolution) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO aliases(entity_id, alias, norm, source, article_id, char_start, char_end,"
            " resolved_id, variant) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    a.entity_id,
                    a.alias,
                    name_key(a.alias),
                    a.source,
                    a.article_id,
                    a.start,
                    a.end,
                    a.resolved_id or a.entity_id,
                    variant_key(a.alias),
                )
                for a in resolution.aliases
                if name_key(a.alias)
            ],
        )

    def entities_with_alias(self, cls: str, norm: str) -> list[str]:
        """Ids of entities of class ``cls`` having an alias with key ``norm``, most-used first."""
        rows = self.conn.execute(
            "SELECT a.entity_id FROM aliases a JOIN entities e ON e.id = a.entity_id "
            "WHERE a.norm = ? AND e.class = ? GROUP BY a.entity_id ORDER BY count(*) DESC, a.entity_id",
            (norm, cls),
        )
        return [r[0] for r in rows]

    def entities_with_variant(self, cls: str, variant: str) -> list[str]:
        """Ids of entities of class ``cls`` having an alias with this spelling-variant key, most-used first."""
        rows = self.conn.execute(
            "SELECT a.entity_id FROM aliases a JOIN entities e ON e.id = a.entity_id "
            "WHERE a.variant = ? AND e.class = ? GROUP BY a.entity_id ORDER BY count(*) DESC, a.entity_id",
            (variant, cls),
        )
        return [r[0] for r in rows]

    def entity_neighbours(self, entity_ids: list[str], *, limit: int = 200) -> dict[str, set[str]]:
        """For each entity, the entities most often mentioned in the same articles (its context)."""
        out: dict[str, set[str]] = {}
        for entity_id in entity_ids:
            rows = self.conn.execute(
                "SELECT m.entity_id FROM mentions m WHERE m.article_id IN "
                " (SELECT DISTINCT article_id FROM mentions WHERE entity_id = ?) "
                "AND m.entity_id IS NOT NULL AND m.entity_id != ? GROUP BY m.entity_id "
                "ORDER BY count(DISTINCT m.article_id) DESC LIMIT ?",
                (entity_id, entity_id, limit),
            )
            out[entity_id] = {r[0] for r in rows}
        return out

    def find_entities(self, name: str) -> list[EntityHit]:
        """Entities whose name or any alias has the same key as ``name``, most-mentioned first."""
        norm = name_key(name)
        rows = self.conn.execute(
            "SELECT e.id, e.name, e.type, "
            " (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS n_mentions, "
            " (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id) AS n_articles "
            "FROM entities e WHERE e.id IN (SELECT entity_id FROM aliases WHERE norm = ?) "
            " AND e.id NOT IN (SELECT entity_id FROM edits WHERE action = 'merge' AND undone_at IS NULL) "
            "ORDER BY n_mentions DESC, e.id",
            (norm,),
        ).fetchall()
        return [EntityHit(EntityRef(r["id"], r["name"], r["type"]), r["n_mentions"], r["n_articles"]) for r in rows]

    def alias_names(self) -> list[str]:
        """Every distinct alias (for "did you mean" suggestions)."""
        return [r[0] for r in self.conn.execute("SELECT DISTINCT alias FROM aliases ORDER BY alias")]

    def entity(self, entity_id: str) -> EntityRef | None:
        """The entity with this id."""
        row = self.conn.execute("SELECT id, name, type FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return EntityRef(row["id"], row["name"], row["type"]) if row else None

    def entity_reach(self, entity_id: str) -> tuple[int, int]:
        """(articles, outlets) mentioning the entity."""
        row = self.conn.execute(
            "SELECT count(DISTINCT m.article_id), count(DISTINCT coalesce(a.outlet, a.id)) FROM mentions m "
            "JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ?",
            (entity_id,),
        ).fetchone()
        return row[0], row[1]

    def entity_article_ids(self, entity_id: str) -> list[str]:
        """Ids of the articles that mention the entity."""
        rows = self.conn.execute("SELECT DISTINCT article_id FROM mentions WHERE entity_id = ?", (entity_id,))
        return [r[0] for r in rows]

    def alias_support(self, entity_id: str, *, citations: int = 3) -> list[AliasSupport]:
        """Every name of the entity with the articles and outlets using it, how it is known, examples."""
        rows = self.conn.execute(
            "SELECT al.norm, group_concat(DISTINCT al.source) AS sources, min(al.alias) AS alias,"
            " count(DISTINCT nullif(al.article_id, '')) AS n_art, count(DISTINCT a.outlet) AS n_out "
            "FROM aliases al LEFT JOIN articles a ON a.id = al.article_id "
            "WHERE al.entity_id = ? GROUP BY al.norm ORDER BY n_art DESC, al.norm",
            (entity_id,),
        ).fetchall()
        out = []
        for r in rows:
            examples = self.conn.execute(
                "SELECT al.article_id, al.char_start, al.char_end, a.outlet, a.title, a.published, a.url, "
                "substr(a.text, al.char_start + 1, al.char_end - al.char_start) AS text FROM aliases al "
                "JOIN articles a ON a.id = al.article_id WHERE al.entity_id = ? AND al.norm = ? "
                "GROUP BY al.article_id, al.char_start, al.char_end, a.id "
                "ORDER BY max(CASE WHEN al.source = 'stated' THEN 1 ELSE 0 END) DESC, a.published, al.article_id, "
                "al.char_start LIMIT ?",
                (entity_id, r["norm"], citations),
            ).fetchall()
            cites = tuple(
                Citation(
                    e["article_id"],
                    e["outlet"],
                    e["title"],
                    e["published"],
                    e["char_start"],
                    e["char_end"],
                    e["text"],
                    e["url"],
                )
                for e in examples
            )
            sources = tuple(sorted(set(r["sources"].split(",")), key=_SOURCE_ORDER.index))
            out.append(AliasSupport(r["alias"], r["n_art"], r["n_out"], sources, cites))
        return out

    def neighbours(self, entity_id: str, *, limit: int = 10) -> list[Neighbour]:
        """Named entities most often mentioned in the same articles (and sentences; shared reads)."""
        return list(self.cached(("neighbours", entity_id, limit), lambda: tuple(self._neighbours(entity_id, limit))))

    def _neighbours(self, entity_id: str, limit: int) -> list[Neighbour]:
        rows = self.conn.execute(
            "WITH mine AS (SELECT DISTINCT article_id, sentence FROM mentions WHERE entity_id = ?) "
            "SELECT e.id, e.name, e.type, count(DISTINCT m.article_id) AS n_art, "
            " count(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM mine x WHERE x.article_id = m.article_id "
            "   AND x.sentence = m.sentence) THEN m.article_id || ':' || m.sentence END) AS n_sent "
            "FROM mentions m JOIN entities e ON e.id = m.entity_id "
            "WHERE m.article_id IN (SELECT article_id FROM mine) AND m.entity_id != ? "
            "GROUP BY e.id ORDER BY n_art DESC, n_sent DESC, e.name, e.id LIMIT ?",
            (entity_id, entity_id, limit),
        ).fetchall()
        return [Neighbour(EntityRef(r["id"], r["name"], r["type"]), r["n_art"], r["n_sent"]) for r in rows]

    def mention_sentences(self, entity_id: str) -> list[MentionSentence]:
        """Every sentence mentioning the entity, with counts used to rank evidence."""
        rows = self.conn.execute(
            "SELECT s.article_id, s.char_start, s.char_end, s.text, s.idx, a.outlet, a.title, a.published, a.url, "
            " sum(m.entity_id = ?) AS mine, "
            " (SELECT count(*) FROM mentions o WHERE o.article_id = s.article_id AND o.sentence = s.idx "
            "   AND o.entity_id IS NOT NULL AND o.entity_id != ?) AS others "
            "FROM mentions m JOIN sentences s ON s.article_id = m.article_id AND s.idx = m.sentence "
            "JOIN articles a ON a.id = s.article_id WHERE m.entity_id = ? "
            "GROUP BY s.id, a.id ORDER BY a.published, s.article_id, s.idx",
            (entity_id, entity_id, entity_id),
        ).fetchall()
        return [
            MentionSentence(
                Citation(
                    r["article_id"],
                    r["outlet"],
                    r["title"],
                    r["published"],
                    r["char_start"],
                    r["char_end"],
                    r["text"],
                    r["url"],
                ),
                r["mine"],
                r["others"],
                r["idx"],
            )
            for r in rows
        ]
