"""Fetched responses, watched feeds and their entries, and resume points of web archives."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable

from ..models import Feed, FeedEntry, FetchRecord, FetchRow, Rejection
from .clock import now

__all__ = ["FetchQueries"]

_FEED_COLUMNS = (
    "url, parent, kind, title, etag, last_modified, added_at, checked_at, last_status, last_outcome, last_reason"
)
_OFFSET = re.compile(r"#(\d+)$")


class FetchQueries:
    """Mixin of :class:`khabar.store.Store`: fetches, feeds and feed entries."""

    conn: sqlite3.Connection

    # --- fetches ------------------------------------------------------------------------------

    def save_fetch(
        self, source: str, record: FetchRecord, *, outcome: str, article_id: str | None = None, reason: str = ""
    ) -> None:
        """Keep the raw response a document came from (one row per source; a refetch replaces it)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO fetches(source, url, final_url, canonical_url, status, fetched_at, body_hash, "
            "size, content_type, charset, http_version, headers, redirects, seconds, via, outcome, article_id, "
            "reason, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                source,
                record.url,
                record.final_url,
                record.canonical_url,
                record.status,
                record.fetched_at,
                record.body_hash,
                record.size,
                record.content_type,
                record.charset,
                record.http_version,
                json.dumps([list(h) for h in record.headers]),
                json.dumps(list(record.redirects)),
                round(record.seconds, 3),
                record.via,
                outcome,
                article_id,
                reason,
                now(),
            ),
        )

    def fetched_canonical(self, canonical_urls: Iterable[str]) -> set[str]:
        """The canonical URLs among these that a stored fetch already has.

        A fetch whose article is not committed (the run was killed before) does not count, so
        that the page is fetched again rather than lost.
        """
        wanted = list(dict.fromkeys(canonical_urls))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT canonical_url FROM fetches WHERE canonical_url IN ({marks}) AND (article_id IS NULL "
                    "OR article_id IN (SELECT id FROM articles))",
                    chunk,
                )
            )
        return found

    def fetch_rows(self, *, limit: int = 50, source: str | None = None) -> list[FetchRow]:
        """The latest stored fetches, newest first (or the one of ``source``)."""
        where, args = ("WHERE source = ?", [source]) if source else ("", [])
        rows = self.conn.execute(
            f"SELECT source, final_url, status, fetched_at, via, outcome, article_id, reason FROM fetches {where} "
            "ORDER BY recorded_at DESC, rowid DESC LIMIT ?",
            (*args, limit),
        )
        return [FetchRow(*row) for row in rows]

    def fetch_headers(self, source: str) -> list[tuple[str, str]]:
        """The stored response headers of one fetch (empty when there is none)."""
        row = self.conn.execute("SELECT headers FROM fetches WHERE source = ?", (source,)).fetchone()
        return [tuple(h) for h in json.loads(row[0])] if row else []

    def archive_resume_offset(self, path: str) -> int:
        """Byte offset of the last record of archive ``path`` whose outcome is committed (0: start over).

        Records are read in order and each article commits on its own, so every record before the
        last committed article or recorded rejection is done; re-reading that one record is harmless
        (its article id is a content hash).
        """
        prefix = f"{path}#"
        sources = [
            r[0]
            for r in self.conn.execute(
                "SELECT source FROM articles WHERE substr(source, 1, ?) = ? "
                "UNION ALL SELECT source FROM rejections WHERE substr(source, 1, ?) = ?",
                (len(prefix), prefix, len(prefix), prefix),
            )
        ]
        offsets = [int(m.group(1)) for m in map(_OFFSET.search, sources) if m]
        return max(offsets, default=0)

    # --- feeds --------------------------------------------------------------------------------

    def add_feed(self, url: str, *, parent: str = "") -> None:
        """Start watching a feed or sitemap (a no-op when it is watched already)."""
        self.conn.execute("INSERT OR IGNORE INTO feeds(url, parent, added_at) VALUES (?, ?, ?)", (url, parent, now()))

    def feed(self, url: str) -> Feed | None:
        """One watched feed with its state and entry counts, or None."""
        feeds = self._feeds("WHERE f.url = ?", (url,))
        return feeds[0] if feeds else None

    def feeds(self) -> list[Feed]:
        """Every watched feed, in the order they were added."""
        return self._feeds("", ())

    def _feeds(self, where: str, args: tuple) -> list[Feed]:
        columns = ", ".join(f"f.{c.strip()}" for c in _FEED_COLUMNS.split(","))
        counts = ", ".join(f"SUM(e.state = '{state}')" for state in ("pending", "done", "refused", "failed"))
        rows = self.conn.execute(
            f"SELECT {columns}, {counts} FROM feeds f LEFT JOIN feed_entries e ON e.feed_url = f.url {where} "
            "GROUP BY f.url ORDER BY f.added_at, f.rowid",
            args,
        )
        return [Feed(*row[:11], *(int(n or 0) for n in row[11:])) for row in rows]

    def save_feed_check(
        self,
        url: str,
        *,
        status: int,
        outcome: str,
        reason: str = "",
        kind: str = "",
        title: str = "",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Record the result of checking a feed; validators are replaced only when given."""
        self.conn.execute(
            "UPDATE feeds SET checked_at = ?, last_status = ?, last_outcome = ?, last_reason = ?, "
            "kind = CASE WHEN ? = '' THEN kind ELSE ? END, title = CASE WHEN ? = '' THEN title ELSE ? END, "
            "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified) WHERE url = ?",
            (now(), status, outcome, reason, kind, kind, title, title, etag, last_modified, url),
        )

    def add_feed_entries(self, feed_url: str, entries: Iterable[FeedEntry]) -> int:
        """Remember entries listed by a feed as pending; returns how many were new."""
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT OR IGNORE INTO feed_entries(feed_url, key, url, title, published, state, first_seen) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?)",
            [(feed_url, e.key, e.url, e.title, e.published, now()) for e in entries],
        )
        return self.conn.total_changes - before

    def pending_entries(self, feed_url: str, *, limit: int) -> list[FeedEntry]:
        """Entries of a feed not fetched yet, oldest first."""
        rows = self.conn.execute(
            "SELECT key, url, title, published FROM feed_entries WHERE feed_url = ? AND state = 'pending' "
            "ORDER BY first_seen, rowid LIMIT ?",
            (feed_url, limit),
        )
        return [FeedEntry(*row) for row in rows]

    def finish_entry(self, feed_url: str, key: str, *, state: str, reason: str = "") -> None:
        """Mark an entry done, refused or failed (with the reason); 'pending' counts a failed try."""
        self.conn.execute(
            "UPDATE feed_entries SET state = ?, reason = ?, tries = tries + 1, done_at = ? "
            "WHERE feed_url = ? AND key = ?",
            (state, reason, now(), feed_url, key),
        )

    def entry_tries(self, feed_url: str, key: str) -> int:
        """How many times fetching this entry has been tried."""
        row = self.conn.execute(
            "SELECT tries FROM feed_entries WHERE feed_url = ? AND key = ?", (feed_url, key)
        ).fetchone()
        return int(row[0]) if row else 0

    def entries(self, feed_url: str, *, limit: int = 100) -> list[tuple[FeedEntry, str, str]]:
        """A feed's entries with their state and reason, newest first."""
        rows = self.conn.execute(
            "SELECT key, url, title, published, state, reason FROM feed_entries WHERE feed_url = ? "
            "ORDER BY first_seen DESC, rowid DESC LIMIT ?",
            (feed_url, limit),
        )
        return [(FeedEntry(*row[:4]), row[4], row[5]) for row in rows]

    def rejection_of(self, source: str) -> Rejection | None:
        """The latest recorded rejection of a source, if any."""
        row = self.conn.execute(
            "SELECT source, code, reason FROM rejections WHERE source = ? ORDER BY last_seen DESC LIMIT 1", (source,)
        ).fetchone()
        return Rejection(*row) if row else None
