"""Articles, paragraphs, sentences, mentions, full-text search and rejected inputs."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Ambiguous, NotFound
from ..models import (
    Analysis,
    Article,
    Citation,
    DroppedParagraph,
    Mention,
    Paragraph,
    ParagraphKind,
    Rejection,
    Resolution,
    SearchHit,
    Sentence,
)
from .clock import now
from .fts import fts_query, tsquery_of

__all__ = ["ArticleQueries"]

_ARTICLE_COLUMNS = "id, content_hash, source, kind, url, title, outlet, author, published, language, raw, text"


class ArticleQueries:
    """Mixin of :class:`khabar.store.Store`: article-level reads and writes."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:  # provided by the Store this mixes into (and its EntityQueries)

        def atomic(self) -> AbstractContextManager[sqlite3.Connection]: ...  # Store.atomic

        def _insert_entities(self, resolution: Resolution) -> None: ...

        def _insert_aliases(self, resolution: Resolution) -> None: ...

    # --- writes -------------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        """True when an article with this id is stored (ingest is then a no-op for it)."""
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def claim_article(self, article_id: str) -> bool:
        """Inside a write transaction: True when no other writer has stored this article (then store it).

        SQLite's write transaction (BEGIN IMMEDIATE) already admits one writer at a time; PostgreSQL's
        do not exclude each other, so there an advisory lock on the id, held to the end of the
        transaction, makes a second ingest of the same article wait and then see it stored.
        """
        if getattr(self, "dialect", "sqlite") == "postgresql":
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (article_id,))
        return not self.has_article(article_id)

    def save_article(self, article: Article, analysis: Analysis, resolution: Resolution) -> None:
        """Store an article with its analysis and entity resolution in one transaction."""
        with self.atomic():
            self._insert_article(article)
            self._insert_sentences(article.id, analysis.sentences)
            self._insert_entities(resolution)
            self._insert_mentions(article.id, analysis.mentions, resolution.entity_ids, resolution.resolved_ids)
            self._insert_aliases(resolution)

    def _insert_article(self, a: Article) -> None:
        self.conn.execute(
            f"INSERT INTO articles({_ARTICLE_COLUMNS}, words, ingested_at, published_original, published_precision)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                a.id,
                a.content_hash,
                a.source,
                a.kind,
                a.url,
                a.title,
                a.outlet,
                a.author,
                a.published,
                a.language,
                a.raw,
                a.text,
                len(a.text.split()),
                now(),
                a.published_original,
                a.published_precision,
            ),
        )
        self.conn.executemany(
            "INSERT INTO paragraphs(article_id, idx, char_start, char_end, language, score) VALUES (?,?,?,?,?,?)",
            [(a.id, p.index, p.start, p.end, p.language, p.language_score) for p in a.paragraphs],
        )
        self.conn.executemany(
            "INSERT INTO dropped(article_id, idx, kind, reason, text) VALUES (?,?,?,?,?)",
            [(a.id, d.index, d.kind.value, d.reason, d.text) for d in a.dropped],
        )

    def _insert_sentences(self, article_id: str, sentences: tuple[Sentence, ...]) -> None:
        self.conn.executemany(
            "INSERT INTO sentences(article_id, idx, char_start, char_end, text) VALUES (?,?,?,?,?)",
            [(article_id, s.index, s.start, s.end, s.text) for s in sentences],
        )

    def _insert_mentions(
        self,
        article_id: str,
        mentions: tuple[Mention, ...],
        ids: tuple[str | None, ...],
        resolved: tuple[str | None, ...] = (),
    ) -> None:
        # resolved: the resolver's choice before analyst edits (store/edits.py); ids: after them.
        resolved = resolved or ids
        self.conn.executemany(
            "INSERT OR IGNORE INTO mentions(article_id, sentence, char_start, char_end, text, label, cluster,"
            " entity_id, resolved_id) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (article_id, m.sentence, m.start, m.end, m.text, m.label, m.cluster, eid, rid)
                for m, eid, rid in zip(mentions, ids, resolved)
            ],
        )

    def record_rejection(self, rejection: Rejection) -> None:
        """Remember a rejected input (latest reason wins; first and last time seen are kept)."""
        stamp = now()
        with self.atomic():
            self.conn.execute(
                "INSERT INTO rejections(source, code, reason, first_seen, last_seen) VALUES (?,?,?,?,?) "
                "ON CONFLICT(source, code) DO UPDATE SET reason = excluded.reason, last_seen = excluded.last_seen",
                (rejection.source, rejection.code, rejection.reason, stamp, stamp),
            )

    # --- reads --------------------------------------------------------------------------------

    def article_count(self) -> int:
        """Number of stored articles."""
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def article_ids(self) -> list[str]:
        """Ids of all stored articles, oldest publication first."""
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY published, id")]

    def resolve_article_ref(self, ref: str) -> str:
        """Article id from an id, a unique id prefix (4+ characters) or a source path."""
        forms = _path_forms(ref)
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE id = ? OR (length(?) >= 4 AND id LIKE ? || '%') OR source IN "
            f"({', '.join('?' * len(forms))})",
            (ref, ref, ref, *forms),
        ).fetchall()
        ids = sorted({r[0] for r in rows})
        if not ids:
            raise NotFound(f"no article {ref!r}; `khabar search` finds articles by their words")
        if len(ids) > 1:
            raise Ambiguous(f"{ref!r} matches {len(ids)} articles ({', '.join(ids[:5])}); give more of the id")
        return ids[0]

    def get_article(self, ref: str) -> Article:
        """The stored article (paragraphs and dropped text included)."""
        article_id = self.resolve_article_ref(ref)
        row = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS}, published_original, published_precision FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        paragraphs = tuple(
            Paragraph(r["idx"], r["char_start"], r["char_end"], r["language"], r["score"])
            for r in self.conn.execute("SELECT * FROM paragraphs WHERE article_id = ? ORDER BY idx", (article_id,))
        )
        dropped = tuple(
            DroppedParagraph(r["idx"], r["text"], ParagraphKind(r["kind"]), r["reason"])
            for r in self.conn.execute("SELECT * FROM dropped WHERE article_id = ? ORDER BY idx", (article_id,))
        )
        return Article(
            id=row["id"],
            content_hash=row["content_hash"],
            source=row["source"],
            kind=row["kind"],
            raw=row["raw"],
            text=row["text"],
            title=row["title"],
            outlet=row["outlet"],
            url=row["url"],
            author=row["author"],
            published=row["published"],
            language=row["language"],
            paragraphs=paragraphs,
            dropped=dropped,
            published_original=row["published_original"],
            published_precision=row["published_precision"],
        )

    def sentences(self, article_id: str) -> list[Sentence]:
        """The article's sentences in order."""
        return [
            Sentence(r["idx"], r["char_start"], r["char_end"], r["text"])
            for r in self.conn.execute(
                "SELECT idx, char_start, char_end, text FROM sentences WHERE article_id = ? ORDER BY idx", (article_id,)
            )
        ]

    def mentions(self, article_id: str) -> list[tuple[Mention, str | None]]:
        """The article's mentions with their entity ids."""
        rows = self.conn.execute(
            "SELECT * FROM mentions WHERE article_id = ? ORDER BY char_start", (article_id,)
        ).fetchall()
        return [
            (
                Mention(r["char_start"], r["char_end"], r["text"], r["label"], r["sentence"], r["cluster"]),
                r["entity_id"],
            )
            for r in rows
        ]

    def rejections(self) -> list[Rejection]:
        """Every input ever rejected, with its latest reason."""
        return [
            Rejection(r["source"], r["code"], r["reason"])
            for r in self.conn.execute("SELECT source, code, reason FROM rejections ORDER BY source")
        ]

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Sentences matching ``query`` (words or their prefixes, "phrases", OR, NOT: see store/fts.py),
        diacritics-insensitive, best first."""
        match = fts_query(query)
        if match is None:
            return []
        if getattr(self, "dialect", "sqlite") == "postgresql":
            return self._search_tsvector(match, limit)
        rows = self.conn.execute(
            "SELECT s.article_id, s.char_start, s.char_end, s.text, a.outlet, a.title, a.published, a.url, "
            "bm25(sentences_fts) AS rank FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid "
            "JOIN articles a ON a.id = s.article_id WHERE sentences_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        return [SearchHit(_citation(r), float(r["rank"])) for r in rows]

    def _search_tsvector(self, match: str, limit: int) -> list[SearchHit]:
        """PostgreSQL's full-text search (store/migrations/postgresql/0001_core.sql), same rules as FTS5:
        the FTS5 expression of store/fts.py (phrases, OR, NOT, prefixes) as a tsquery."""
        query = tsquery_of(match)
        rows = self.conn.execute(
            "SELECT s.article_id, s.char_start, s.char_end, s.text, a.outlet, a.title, a.published, a.url, "
            "-ts_rank(s.search, q) AS rank FROM sentences s JOIN articles a ON a.id = s.article_id, "
            "to_tsquery('simple', khabar_unaccent(?)) q WHERE s.search @@ q ORDER BY rank, s.id LIMIT ?",
            (query, limit),
        ).fetchall()
        return [SearchHit(_citation(r), float(r["rank"])) for r in rows]

    def citation(self, article_id: str, start: int, end: int) -> Citation:
        """A citation of text[start:end] of a stored article."""
        row = self.conn.execute(
            "SELECT id AS article_id, ? AS char_start, ? AS char_end, substr(text, ? + 1, ? - ?) AS text,"
            " outlet, title, published, url FROM articles WHERE id = ?",
            (start, end, start, end, start, article_id),
        ).fetchone()
        if row is None:
            raise NotFound(f"no article {article_id!r}")
        return _citation(row)


def _path_forms(ref: str) -> tuple[str, ...]:
    """A source path as given, absolute, and relative to the working folder: an article ingested as
    ``examples/corpus/x.txt`` is found by its absolute path too, and the other way round."""
    forms = [ref]
    try:
        path = Path(ref)
        absolute = path if path.is_absolute() else Path.cwd() / path
        forms.append(str(absolute))
        if absolute.is_relative_to(Path.cwd()):
            forms.append(str(absolute.relative_to(Path.cwd())))
    except (OSError, ValueError):
        pass
    return tuple(dict.fromkeys(forms))


def _citation(row: sqlite3.Row) -> Citation:
    return Citation(
        article_id=row["article_id"],
        outlet=row["outlet"],
        title=row["title"],
        published=row["published"],
        start=row["char_start"],
        end=row["char_end"],
        text=row["text"],
        url=row["url"],
    )
