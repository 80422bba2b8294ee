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
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["SharedReads", "CachedReads"]

T = TypeVar("T")


class CachedReads:
    """Mixin of :class:`khabar.store.Store`: :meth:`cached` reads through the store's shared reads."""

    shared: SharedReads | None = None  # set by the web app on each of its threads' stores

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, or the value built under ``key`` by any thread since the last commit to the
        KB when this store shares reads (the web app's stores do)."""
        return build() if self.shared is None else self.shared.get(key, build)


class SharedReads:
    """Per-process cache of whole-KB values, invalidated by any commit to the SQLite file."""

    def __init__(self, path: str | Path, *, max_values: int = 256) -> None:
        self._probe = sqlite3.connect(
            f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.Lock()  # guards _probe, _values and _building
        self._values: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()  # least recently used first
        self._max = max_values
        self._building: dict[Hashable, threading.Lock] = {}
        self.builds = 0  # values built so far (for tests and benchmarks)
        self.built: Counter[Hashable] = Counter()  # the same, by a tuple key's first item

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
                while len(self._values) > self._max:
                    self._values.popitem(last=False)
                self._building.pop(key, None)
                self.builds += 1
                self.built[key[0] if isinstance(key, tuple) and key else key] += 1
            return value

    def _current(self, key: Hashable) -> tuple[int, Any] | None:
        with self._lock:
            version = self._probe.execute("PRAGMA data_version").fetchone()[0]
            found = self._values.get(key)
            if found is None:
                return None
            if found[0] != version:  # something was committed since: drop the values built before
                for stale in [k for k, (v, _) in self._values.items() if v != version]:
                    del self._values[stale]
                return None
            self._values.move_to_end(key)
            return found

    def close(self) -> None:
        with self._lock:
            self._values.clear()
            self._probe.close()
