"""PostgreSQL behind the same :class:`~khabar.store.Store` (psycopg 3): ``--db postgresql://...``.

The query mixins are written once, in SQLite's dialect. :class:`PgConnection` looks like the
``sqlite3.Connection`` they use (``execute``, ``executemany``, rows readable by index and by
column name, ``rowcount``, ``lastrowid``) and rewrites each statement once (cached) into
PostgreSQL's dialect. The rewrites are few and mechanical, listed in :func:`translate`; what
cannot be rewritten mechanically (full-text search) is a ``dialect`` branch in the mixin.

Migrations keep their names and are recorded in the same ``migrations`` table. A migration with
a twin in ``migrations/postgresql/`` (same file name) uses the twin; any other is translated from
the SQLite file by :func:`translate_migration` (column types; virtual tables and triggers refuse
with a clear error, they need a twin). Each migration runs in one transaction under an advisory
lock, so two processes opening a fresh database at once do not race.

Text sorts as in SQLite when the database collates with ``C`` (the throwaway servers of the tests
use ``initdb --no-locale``; a team database should be created with ``LC_COLLATE 'C'``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import StoreError

__all__ = ["PgConnection", "connect", "is_url", "translate", "translate_migration", "migration_sql", "safe_url"]

_SCHEMES = ("postgresql://", "postgres://")
_MIGRATION_LOCK = 0x6B686162  # "khab": advisory lock held while migrating


def is_url(db: object) -> bool:
    """True when ``db`` names a PostgreSQL database (``postgresql://...``), not a SQLite file.

    A URL that went through ``pathlib.Path`` (``postgresql:/host/db``) is recognised too."""
    text = str(db)
    return text.startswith(_SCHEMES) or text.startswith(("postgresql:/", "postgres:/"))


def _repair(url: str) -> str:
    """``postgresql:/host/db`` (a URL folded by pathlib) -> ``postgresql://host/db``."""
    for scheme in ("postgresql:", "postgres:"):
        if url.startswith(scheme) and not url.startswith(scheme + "//"):
            return scheme + "//" + url[len(scheme) :].lstrip("/")
    return url


def safe_url(url: str) -> str:
    """The URL with any password replaced by ``***`` (for messages)."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


class Row(Sequence):
    """A result row readable by position and by column name, like ``sqlite3.Row``."""

    __slots__ = ("_values", "_index")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values, self._index = tuple(values), index

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            try:
                return self._values[self._index[key]]
            except KeyError:
                raise IndexError(f"no column {key!r}") from None
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, (Row, tuple)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values))!r})"


def _row_factory(cursor):
    names = [c.name for c in cursor.description or ()]
    index = {n: i for i, n in enumerate(names)}
    return lambda values: Row(values, index)


class PgCursor:
    """The part of ``sqlite3.Cursor`` the store uses."""

    def __init__(self, rows: list[Row] | None, rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows or []
        self._pos = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchone(self) -> Row | None:
        if self._pos >= len(self._rows):
            return None
        self._pos += 1
        return self._rows[self._pos - 1]

    def fetchall(self) -> list[Row]:
        rest, self._pos = self._rows[self._pos :], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[Row]:
        while (row := self.fetchone()) is not None:
            yield row


class PgConnection:
    """A psycopg 3 connection that speaks to the store's SQLite-dialect queries."""

    dialect = "postgresql"

    def __init__(self, raw, url: str) -> None:
        self.raw = raw
        self.url = url
        self._keys: dict[str, tuple[str, ...]] | None = None  # table -> primary key columns
        self._serial: set[str] | None = None  # tables with an identity column "id"

    # --- the sqlite3.Connection surface ------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PgCursor:
        plan = translate(sql)
        if plan.replace_table:
            plan = _with_upsert(plan, self._primary_keys())
        text = plan.sql
        returning = (
            plan.insert_table is not None
            and plan.insert_table in self._serial_tables()
            and "RETURNING" not in text.upper()
        )
        if returning:
            text += " RETURNING id"
        if plan.ignore_conflicts:
            return self._ignoring_conflicts(text, params)
        return self._run(text, params, returning)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> PgCursor:
        plan = translate(sql)
        if plan.replace_table:
            plan = _with_upsert(plan, self._primary_keys())
        rows = [tuple(p) for p in seq]
        if not rows:
            return PgCursor(None, 0, None)
        with self.raw.cursor() as cur:
            cur.executemany(plan.sql, rows)
            return PgCursor(None, cur.rowcount, None)

    def executescript(self, sql: str) -> None:
        """Run several statements (no parameters), e.g. a migration."""
        with self.raw.cursor() as cur:
            cur.execute(sql)

    def close(self) -> None:
        self.raw.close()

    # --- helpers ------------------------------------------------------------------------------

    def _run(self, text: str, params: Sequence[Any], returning: bool) -> PgCursor:
        import psycopg

        with self.raw.cursor() as cur:
            try:
                cur.execute(text, tuple(params))
            except psycopg.errors.UndefinedTable as exc:
                raise StoreError(f"{safe_url(self.url)}: {exc}".strip()) from None
            rows = cur.fetchall() if cur.description is not None else None
            lastrowid = None
            if returning:
                lastrowid = rows[0][0] if rows else None
                rows = None
            if text.lstrip().upper().startswith(("CREATE", "ALTER", "DROP")):
                self._keys = self._serial = None
            return PgCursor(rows, cur.rowcount, lastrowid)

    def _ignoring_conflicts(self, text: str, params: Sequence[Any]) -> PgCursor:
        """``UPDATE OR IGNORE``: the update, or nothing when it would break a unique key."""
        import psycopg

        in_tx = self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
        if in_tx:
            self._run("SAVEPOINT khabar_ignore", (), False)
        try:
            cursor = self._run(text, params, False)
        except psycopg.errors.UniqueViolation:
            if in_tx:
                self._run("ROLLBACK TO SAVEPOINT khabar_ignore", (), False)
            return PgCursor(None, 0, None)
        if in_tx:
            self._run("RELEASE SAVEPOINT khabar_ignore", (), False)
        return cursor

    def _primary_keys(self) -> dict[str, tuple[str, ...]]:
        if self._keys is None:
            rows = self._run(
                "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc "
                "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name "
                " AND kcu.table_schema = tc.table_schema "
                "WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema() "
                "ORDER BY tc.table_name, kcu.ordinal_position",
                (),
                False,
            ).fetchall()
            keys: dict[str, list[str]] = {}
            for table, column in rows:
                keys.setdefault(table, []).append(column)
            self._keys = {t: tuple(c) for t, c in keys.items()}
        return self._keys

    def _serial_tables(self) -> set[str]:
        if self._serial is None:
            rows = self._run(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND column_name = 'id' AND (is_identity = 'YES' OR column_default LIKE 'nextval%%')",
                (),
                False,
            )
            self._serial = {r[0] for r in rows}
        return self._serial


def connect(url: str) -> PgConnection:
    """Open a PostgreSQL database by URL (needs ``pip install 'khabar[postgres]'``)."""
    try:
        import psycopg
    except ImportError:
        raise StoreError("a postgresql:// database needs psycopg: pip install 'khabar[postgres]'") from None
    url = _repair(url)
    try:
        raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory, connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError(f"cannot open {safe_url(url)} ({str(exc).strip()})") from None
    return PgConnection(raw, url)


# --- statements ---------------------------------------------------------------------------------


class Plan:
    """A statement rewritten for PostgreSQL, with what the connection must still do."""

    __slots__ = ("sql", "insert_table", "replace_table", "replace_columns", "ignore_conflicts")

    def __init__(
        self,
        sql: str,
        insert_table: str | None = None,
        replace_table: str | None = None,
        replace_columns: tuple[str, ...] = (),
        ignore_conflicts: bool = False,
    ) -> None:
        self.sql, self.insert_table = sql, insert_table
        self.replace_table, self.replace_columns = replace_table, replace_columns
        self.ignore_conflicts = ignore_conflicts


_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+(IGNORE|REPLACE)\s+)?INTO\s+(\w+)\s*\(([^)]*)\)", re.I | re.S)
_GROUP_CONCAT = re.compile(r"group_concat\(\s*(DISTINCT\s+)?([^()]+?)\s*\)", re.I)
_SUM_TEST = re.compile(r"\bsum\(\s*([\w.]+\s*(?:=|!=|<>|<|>)\s*(?:\?|[\w.']+))\s*\)", re.I)


@lru_cache(maxsize=2048)
def translate(sql: str) -> Plan:
    """SQLite-dialect statement -> PostgreSQL (cached). The rewrites:

    ``?`` -> ``%s`` (and a literal ``%`` -> ``%%``); ``BEGIN IMMEDIATE`` -> ``BEGIN``;
    ``INSERT OR IGNORE`` -> ``... ON CONFLICT DO NOTHING``; ``INSERT OR REPLACE`` -> an upsert on
    the table's primary key; ``UPDATE OR IGNORE`` -> an update that skips a unique-key clash;
    ``group_concat(x)`` -> ``string_agg(x, ',')``; ``sum(a = b)`` -> ``sum(CASE WHEN a = b ...)``;
    ``LIKE`` -> ``ILIKE`` (SQLite's LIKE ignores case); ``sqlite_master`` -> the information schema.
    """
    text = sql.strip()
    if text.upper().startswith("BEGIN"):
        return Plan("BEGIN")
    text = _SUM_TEST.sub(lambda m: f"sum(CASE WHEN {m.group(1)} THEN 1 ELSE 0 END)", text)
    text = text.replace("%", "%%").replace("?", "%s")
    text = _GROUP_CONCAT.sub(lambda m: f"string_agg({m.group(1) or ''}{m.group(2)}, ',')", text)
    text = re.sub(r"\bNOT\s+LIKE\b", "NOT ILIKE", text)
    text = re.sub(r"(?<!NOT )\bLIKE\b", "ILIKE", text)
    text = _globs(text)
    text = re.sub(
        r"FROM\s+sqlite_master\s+WHERE\s+name\s*=",
        "FROM information_schema.tables WHERE table_schema = current_schema() AND table_name =",
        text,
    )
    ignore = False
    if re.match(r"UPDATE\s+OR\s+IGNORE\b", text, re.I):
        text, ignore = re.sub(r"^UPDATE\s+OR\s+IGNORE\b", "UPDATE", text, flags=re.I), True
    insert = _INSERT.match(text)
    if insert is None:
        return Plan(text, ignore_conflicts=ignore)
    verb, table, columns = insert.group(1), insert.group(2), insert.group(3)
    text = _INSERT.sub(lambda m: f"INSERT INTO {m.group(2)}({m.group(3)})", text, count=1)
    if verb and verb.upper() == "IGNORE":
        text += " ON CONFLICT DO NOTHING"
    elif verb and verb.upper() == "REPLACE":
        cols = tuple(c.strip() for c in columns.split(","))
        return Plan(text, insert_table=table, replace_table=table, replace_columns=cols)
    return Plan(text, insert_table=table)


def _with_upsert(plan: Plan, keys: dict[str, tuple[str, ...]]) -> Plan:
    key = keys.get(plan.replace_table or "")
    if not key:
        raise StoreError(f"INSERT OR REPLACE into {plan.replace_table}: the table has no primary key")
    rest = [c for c in plan.replace_columns if c not in key]
    action = ("DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)) if rest else "DO NOTHING"
    return Plan(f"{plan.sql} ON CONFLICT ({', '.join(key)}) {action}", insert_table=plan.insert_table)


# --- migrations ---------------------------------------------------------------------------------


def migration_sql(name: str, sqlite_sql: str) -> str:
    """The PostgreSQL text of migration ``name``: its twin in migrations/postgresql/, else a translation."""
    twin = resources.files("khabar.store").joinpath("migrations", "postgresql", f"{name}.sql")
    if twin.is_file():
        return twin.read_text("utf-8")
    return translate_migration(name, sqlite_sql)


def translate_migration(name: str, sql: str) -> str:
    """A SQLite migration as PostgreSQL DDL: column types only (see the module docstring)."""
    body = re.sub(r"--[^\n]*", "", sql)
    if re.search(r"\bCREATE\s+(VIRTUAL\s+TABLE|TRIGGER)\b", body, re.I) or re.search(r"\bPRAGMA\b", body, re.I):
        raise StoreError(
            f"migration {name} uses SQLite-only statements (virtual table, trigger or pragma): "
            f"add its PostgreSQL twin as khabar/store/migrations/postgresql/{name}.sql"
        )
    body = re.sub(
        r"\bINTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?\b",
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        body,
        flags=re.I,
    )
    body = re.sub(r"\bREAL\b", "DOUBLE PRECISION", body, flags=re.I)
    body = re.sub(r"\bBLOB\b", "BYTEA", body, flags=re.I)
    body = re.sub(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b([^;]*)", r"INSERT INTO\1 ON CONFLICT DO NOTHING", body, flags=re.I)
    return _globs(body)


_GLOB = re.compile(r"\b(NOT\s+)?GLOB\s+'((?:[^']|'')*)'", re.I)


def _globs(sql: str) -> str:
    """``x [NOT] GLOB 'pattern'`` (literal pattern) -> ``x [!]~ '^regex$'``."""

    def regex(m: re.Match) -> str:
        out, pattern = [], m.group(2)
        i = 0
        while i < len(pattern):
            c = pattern[i]
            if c == "[":
                j = pattern.index("]", i + 1)
                out.append(pattern[i : j + 1].replace("[^", "[^").replace("[!", "[^"))
                i = j + 1
                continue
            out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
            i += 1
        return ("!~ " if m.group(1) else "~ ") + "'^" + "".join(out).replace("'", "''") + "$'"

    return _GLOB.sub(regex, sql)


def migrate(store, migrations: list[tuple[str, str]], stamp: str) -> None:
    """Apply the missing migrations to a PostgreSQL store, each in one transaction, under a lock."""
    conn: PgConnection = store.conn
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = set(store.applied_migrations())
    if all(name in done for name, _ in migrations):
        return
    with store.atomic():
        conn.execute(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        done = set(store.applied_migrations())  # another process may have migrated meanwhile
        for name, sql in migrations:
            if name in done:
                continue
            conn.executescript(migration_sql(name, sql))
            conn.execute("INSERT INTO migrations(name, applied_at) VALUES (?, ?)", (name, stamp))
    conn._keys = conn._serial = None
