"""The store: khabar's SQLite knowledge base, and the only module that speaks SQL.

One :class:`Store` wraps one SQLite file in WAL mode. The schema is built by named migrations
(``store/migrations/NNNN_name.sql``), each applied once and recorded in the ``migrations`` table.
Writes go through :meth:`Store.atomic` so that every article is committed whole or not at all: a
run killed half-way leaves a consistent database, and re-running finishes the job.

Queries are grouped by domain in mixins (``articles.py``, ``entities.py`` ...); they return typed
values from ``khabar.models`` or small row dataclasses, never raw cursors.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import cast

from ..errors import StoreError
from . import pg
from .articles import ArticleQueries
from .browse import BrowseQueries
from .clock import now
from .edits import EditQueries
from .entities import EntityQueries
from .events import EventQueries
from .fetches import FetchQueries
from .lists import ListQueries
from .places import PlaceQueries
from .relations import RelationQueries
from .runs import RunningIngest, RunQueries
from .shared import CachedReads, SharedReads

__all__ = [
    "Store",
    "open_store",
    "MIGRATIONS",
    "RunningIngest",
    "SharedReads",
    "is_database_url",
    "database_exists",
]


def _migrations() -> list[tuple[str, str]]:
    folder = resources.files("khabar.store").joinpath("migrations")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name.removesuffix(".sql"), f.read_text("utf-8")) for f in files]


MIGRATIONS = _migrations()


class Store(
    ArticleQueries,
    EntityQueries,
    RelationQueries,
    PlaceQueries,
    EditQueries,
    BrowseQueries,
    EventQueries,
    RunQueries,
    ListQueries,
    FetchQueries,
    CachedReads,
):
    """A khabar database. Use :func:`open_store` (or ``khabar.open_kb``) to get one."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._depth = 0
        self.dialect: str = getattr(conn, "dialect", "sqlite")  # "sqlite" | "postgresql" (store/pg.py)

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        _begin(self.conn, self.path)
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def applied_migrations(self) -> list[str]:
        """Names of the migrations applied to this database, in order."""
        return [r[0] for r in self.conn.execute("SELECT name FROM migrations ORDER BY name")]

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Writers wait this long for each other (two ingests, an ingest and an analyst edit) before giving up.
BUSY_SECONDS = 60


def _begin(conn: sqlite3.Connection, path: str) -> None:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise StoreError(
            f"{path} is locked by another writer (another `khabar ingest`?) and stayed locked for "
            f"{BUSY_SECONDS} s; wait for it to finish, then run this again"
        ) from None


def _wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL journaling. The switch does not wait on the busy timeout: when another process is
    creating the same new database at that moment it answers 'locked', so it is retried for a while."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def open_store(path: str | Path, *, create: bool = True) -> Store:
    """Open (and migrate) the database at ``path``; ``create=False`` refuses a missing file.

    ``path`` may be a PostgreSQL URL (``postgresql://user@host/db``, see ``store/pg.py``)."""
    if pg.is_url(path):
        return _open_postgresql(str(path), create=create)
    path = str(path)
    if path != ":memory:" and not create and not Path(path).exists():
        raise StoreError(f"no database at {path}; run `khabar ingest ... --db {path}` first")
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_SECONDS)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
        _wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        store = Store(conn, path)
        _migrate(store)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a usable khabar database ({exc})") from None
    return store


def _open_postgresql(url: str, *, create: bool) -> Store:
    conn = pg.connect(url)
    # PgConnection implements the part of sqlite3.Connection that the query mixins use (store/pg.py).
    store = Store(cast(sqlite3.Connection, conn), pg.safe_url(conn.url))
    try:
        if not create and "migrations" not in {
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        }:
            raise StoreError(f"no khabar database at {store.path}; run `khabar ingest ... --db {store.path}` first")
        pg.migrate(store, MIGRATIONS, now())
    except BaseException:
        conn.close()
        raise
    return store


def is_database_url(db: str | Path) -> bool:
    """True when ``db`` names a server database (PostgreSQL URL) rather than a SQLite file."""
    return pg.is_url(db)


def database_exists(db: str | Path) -> bool:
    """True when ``db`` is an existing SQLite file or a server URL (checked when opened)."""
    return pg.is_url(db) or Path(db).exists()


def _migrate(store: Store) -> None:
    conn = store.conn
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = set(store.applied_migrations())
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        with store.atomic():  # BEGIN IMMEDIATE: one process migrates; another waits, then finds it done
            if name in store.applied_migrations():
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO migrations(name, applied_at) VALUES (?, ?)", (name, now()))


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement handles triggers' inner ';')."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
