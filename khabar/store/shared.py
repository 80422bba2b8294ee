"""Values computed from the whole knowledge base, shared by the threads of one process (issue 16).

The web app answers from one SQLite connection per worker thread. Some answers need a value built
from every stored row: the events merged across articles (``corroborate.merge_reports``) that
every dossier, events page and export filters. Built per request, 50 clients asking for dossiers
at once on a 1,000-article KB kept both cores busy merging the same reports and most requests
timed out. :class:`SharedReads` keeps such values, one per key, until any connection commits.

How a change is seen: a connection of its own, which never writes, reads ``PRAGMA data_version``;
SQLite changes that number whenever another connection (this process or another, an ingest or an
analyst's edit) commits. The version is read *before* the value is built from the committed state,
so a value is never older than the version it is kept under; a commit in between only makes the
next request build it again. One thread builds a missing value while the others asking for it wait
(no stampede). PostgreSQL has no such counter: stores on it get no shared reads.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

__all__ = ["SharedReads"]


class SharedReads:
    """Per-process cache of whole-KB values, invalidated by any commit to the SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self._probe = sqlite3.connect(
            f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.Lock()  # guards _probe, _values and _building
        self._values: dict[Hashable, tuple[int, Any]] = {}
        self._building: dict[Hashable, threading.Lock] = {}
        self.builds = 0  # values built so far (for tests and benchmarks)

    def version(self) -> int:
        """The file's data version as this cache's own connection sees it."""
        with self._lock:
            return self._probe.execute("PRAGMA data_version").fetchone()[0]

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value kept under ``key`` while nothing was committed since, else ``build()``'s."""
        found = self._current(key)
        if found is not None:
            return found[1]
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one builder per key; the others wait for its value
            found = self._current(key)
            if found is not None:
                return found[1]
            version = self.version()
            value = build()
            with self._lock:
                self._values[key] = (version, value)
                self.builds += 1
            return value

    def _current(self, key: Hashable) -> tuple[int, Any] | None:
        with self._lock:
            version = self._probe.execute("PRAGMA data_version").fetchone()[0]
            found = self._values.get(key)
            if found is not None and found[0] != version:
                del self._values[key]
                return None
            return found

    def close(self) -> None:
        with self._lock:
            self._values.clear()
            self._probe.close()
