"""Relations between articles, their fingerprints, and independent source groups."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import numpy as np

from ..models import (
    ArticleRef,
    Comparison,
    Fingerprint,
    LineageEdge,
    Relation,
    Sentence,
    SentencePair,
    SentenceVector,
    StoredText,
)
from .clock import now

__all__ = ["RelationQueries", "StoredText"]


class RelationQueries:
    """Mixin of :class:`khabar.store.Store`: fingerprints, relations and source groups."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:  # provided by the Store this mixes into

        def atomic(self) -> AbstractContextManager[sqlite3.Connection]: ...  # Store.atomic

    # --- source groups --------------------------------------------------------------------------

    def source_group_map(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Article id -> id of its independent source group (itself when it is in no group)."""
        ids = list(dict.fromkeys(article_ids))
        out = {a: a for a in ids}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                f"SELECT article_id, group_id FROM source_groups WHERE article_id IN ({marks})", part
            )
            out.update({r[0]: r[1] for r in rows})
        return out

    def source_group_count(self, article_ids: Iterable[str]) -> int:
        """Number of independent source groups among the given articles."""
        return len(set(self.source_group_map(article_ids).values()))

    def group_members(self, group_ids: Iterable[str]) -> set[str]:
        """Every article of the given groups (a group id with no rows is a lone article: itself)."""
        out: set[str] = set()
        for group in set(group_ids):
            rows = self.conn.execute("SELECT article_id FROM source_groups WHERE group_id = ?", (group,)).fetchall()
            out.update(r[0] for r in rows)
            out.add(group)
        return out

    def set_source_groups(self, groups: dict[str, str]) -> None:
        """Record article -> group; an article that is its own group alone loses its row."""
        stamp = now()
        with self.atomic():
            sizes: dict[str, int] = {}
            for group in groups.values():
                sizes[group] = sizes.get(group, 0) + 1
            for article, group in groups.items():
                if sizes[group] > 1:
                    self.conn.execute(
                        "INSERT INTO source_groups(article_id, group_id, updated_at) VALUES (?,?,?) "
                        "ON CONFLICT(article_id) DO UPDATE SET group_id = excluded.group_id, "
                        "updated_at = excluded.updated_at",
                        (article, group, stamp),
                    )
                else:
                    self.conn.execute("DELETE FROM source_groups WHERE article_id = ?", (article,))

    def source_groups(self) -> dict[str, list[str]]:
        """Group id -> member ids, for every group of two or more articles."""
        out: dict[str, list[str]] = {}
        for row in self.conn.execute("SELECT group_id, article_id FROM source_groups ORDER BY group_id, article_id"):
            out.setdefault(row[0], []).append(row[1])
        return out

    # --- fingerprints ---------------------------------------------------------------------------

    def save_fingerprint(self, fp: Fingerprint, *, model: str) -> None:
        """Store (or replace) an article's fingerprint."""
        lede = None if fp.lede is None else np.asarray(fp.lede, dtype=np.float32).tobytes()
        with self.atomic():
            self.conn.execute(
                "INSERT OR REPLACE INTO fingerprints(article_id, minhash, embedding, model, lede, keys, language, "
                "published) VALUES (?,?,?,?,?,?,?,?)",
                (
                    fp.article_id,
                    np.asarray(fp.minhash, dtype=np.uint32).tobytes(),
                    np.asarray(fp.embedding, dtype=np.float32).tobytes(),
                    model,
                    lede,
                    "\t".join(sorted(fp.keys)),
                    fp.language,
                    fp.published,
                ),
            )

    def fingerprints(self) -> Iterator[Fingerprint]:
        """Every stored fingerprint, oldest publication first."""
        cursor = self.conn.execute(
            "SELECT article_id, minhash, embedding, lede, keys, language, published FROM fingerprints "
            "ORDER BY published, article_id"
        )
        for r in cursor:
            yield Fingerprint(
                article_id=r[0],
                minhash=np.frombuffer(r[1], dtype=np.uint32),
                embedding=np.frombuffer(r[2], dtype=np.float32),
                keys=frozenset(k for k in r[4].split("\t") if k),
                language=r[5],
                published=r[6],
                lede=None if r[3] is None else np.frombuffer(r[3], dtype=np.float32),
            )

    def fingerprint_count(self) -> int:
        """Number of fingerprinted articles."""
        return self.conn.execute("SELECT count(*) FROM fingerprints").fetchone()[0]

    def articles_without_fingerprint(self) -> list[str]:
        """Ids of stored articles the relations stage has not seen (oldest first)."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM fingerprints) ORDER BY published, id"
        )
        return [r[0] for r in rows]

    # --- sentence vectors -----------------------------------------------------------------------

    def sentence_vectors(self, model: str, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """Key -> stored ``model`` vector, for the given sentence keys that have one."""
        wanted = list(dict.fromkeys(keys))
        out: dict[str, np.ndarray] = {}
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                f"SELECT key, vector FROM sentence_vectors WHERE model = ? AND key IN ({marks})", [model, *part]
            )
            out.update({r[0]: np.frombuffer(r[1], dtype=np.float32) for r in rows})
        return out

    def save_sentence_vectors(self, vectors: Iterable[SentenceVector]) -> None:
        """Keep sentence vectors (a key already stored keeps its vector)."""
        rows = [(v.model, v.key, np.asarray(v.vector, dtype=np.float32).tobytes()) for v in vectors]
        if not rows:
            return
        with self.atomic():
            self.conn.executemany("INSERT OR IGNORE INTO sentence_vectors(model, key, vector) VALUES (?,?,?)", rows)

    # --- texts ----------------------------------------------------------------------------------

    def stored_text(self, article_id: str) -> StoredText | None:
        """The text, metadata, paragraph languages and sentences of a stored article (None: not stored)."""
        row = self.conn.execute(
            "SELECT id, text, language, published, outlet, title, source FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        paragraphs = tuple(
            (r[0], r[1], r[2])
            for r in self.conn.execute(
                "SELECT char_start, char_end, language FROM paragraphs WHERE article_id = ? ORDER BY idx", (article_id,)
            )
        )
        sentences = tuple(
            Sentence(r[0], r[1], r[2], r[3])
            for r in self.conn.execute(
                "SELECT idx, char_start, char_end, text FROM sentences WHERE article_id = ? ORDER BY idx", (article_id,)
            )
        )
        return StoredText(row[0], row[1], row[2], row[3], row[4], row[5], row[6], paragraphs, sentences)

    def article_refs(self, article_ids: Iterable[str]) -> dict[str, ArticleRef]:
        """Id -> outlet, title, publication and source of the given articles."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[str, ArticleRef] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(
                f"SELECT id, outlet, title, published, source FROM articles WHERE id IN ({marks})", part
            ):
                out[r[0]] = ArticleRef(r[0], r[1], r[2], r[3], r[4])
        return out

    # --- relations ------------------------------------------------------------------------------

    def save_relation(self, c: Comparison) -> None:
        """Store (or replace) the relation of a compared pair; unrelated and undetermined pairs are not kept."""
        if c.relation in (Relation.UNRELATED, Relation.UNDETERMINED) or c.a.id == c.b.id:
            return
        swap = c.a.id > c.b.id
        a, b = (c.b.id, c.a.id) if swap else (c.a.id, c.b.id)
        cov_a, cov_b = (c.coverage_b, c.coverage_a) if swap else (c.coverage_a, c.coverage_b)
        pairs = [
            [p.b, p.a, p.similarity, p.verbatim] if swap else [p.a, p.b, p.similarity, p.verbatim] for p in c.pairs
        ]
        with self.atomic():
            self.conn.execute(
                "INSERT OR REPLACE INTO relations(a, b, relation, score, coverage_a, coverage_b, shared_passages, "
                "in_order, origin, reason, direction_reason, model, pairs, created_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    a,
                    b,
                    c.relation.value,
                    c.score,
                    cov_a,
                    cov_b,
                    c.shared_passages,
                    c.in_order,
                    c.origin,
                    c.reason,
                    c.direction_reason,
                    c.model,
                    json.dumps(pairs),
                    now(),
                ),
            )

    def relation_edges(self, *, article_id: str | None = None, derived_only: bool = False) -> list[LineageEdge]:
        """Stored relations (of one article, or all), strongest first."""
        where, args = [], []
        if article_id is not None:
            where.append("(a = ? OR b = ?)")
            args += [article_id, article_id]
        if derived_only:
            where.append("relation IN ('copy', 'rewrite')")
        sql = "SELECT a, b, relation, score, origin, reason, direction_reason FROM relations"
        sql += (" WHERE " + " AND ".join(where)) if where else ""
        sql += " ORDER BY relation = 'same-story', score DESC, a, b"
        return [LineageEdge(r[0], r[1], Relation(r[2]), r[3], r[4], r[5], r[6]) for r in self.conn.execute(sql, args)]

    def stored_pairs(self, a: str, b: str) -> tuple[SentencePair, ...] | None:
        """The aligned sentence pairs stored for a pair (in the order a, b), or None when none is stored."""
        first, second = sorted((a, b))
        row = self.conn.execute("SELECT pairs FROM relations WHERE a = ? AND b = ?", (first, second)).fetchone()
        if row is None:
            return None
        pairs = [SentencePair(int(x[0]), int(x[1]), float(x[2]), bool(x[3])) for x in json.loads(row[0])]
        if first != a:
            pairs = [SentencePair(p.b, p.a, p.similarity, p.verbatim) for p in pairs]
        return tuple(pairs)

    def relation_count(self, relation: Relation) -> int:
        """Number of stored relations of one kind."""
        return self.conn.execute("SELECT count(*) FROM relations WHERE relation = ?", (relation.value,)).fetchone()[0]
