"""Politeness: robots.txt rules (protego) and a per-host rate limit and concurrency cap.

robots.txt is read once per origin per run, following RFC 9309: a 4xx answer (no file) allows
everything, a 5xx answer or an unreachable server disallows everything until a later run, and a
file larger than 500 KiB is read only up to that size (the limit Google documents; one larger
than ``max_bytes`` is not read at all, and then nothing is fetched from the site).
A ``Crawl-delay`` larger than the configured per-host delay is honoured.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

__all__ = ["Robots", "RobotsRules", "HostGate", "ROBOTS_MAX_BYTES"]

ROBOTS_MAX_BYTES = 500 * 1024


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one origin's robots.txt says, or why it could not be read."""

    parser: Protego | None  # None: no rules (allow all) or unreadable (see ``blocked``)
    blocked: str = ""  # non-empty: everything is disallowed, for this reason

    def allows(self, url: str, agent: str) -> bool:
        if self.blocked:
            return False
        return self.parser is None or self.parser.can_fetch(url, agent)

    def delay(self, agent: str) -> float:
        value = self.parser.crawl_delay(agent) if self.parser else None
        return float(value or 0.0)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


class Robots:
    """robots.txt rules per origin, read on first use through ``load(url) -> (status, text | reason)``."""

    def __init__(self, load: Callable[[str], tuple[int, str]]) -> None:
        self._load = load
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def rules(self, url: str) -> RobotsRules:
        origin = _origin(url)
        with self._guard:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one robots.txt request per origin, even with many threads
            if origin not in self._rules:
                self._rules[origin] = self._read(origin)
            return self._rules[origin]

    def _read(self, origin: str) -> RobotsRules:
        status, text = self._load(f"{origin}/robots.txt")
        if 200 <= status < 300:
            return RobotsRules(Protego.parse(text))
        if 400 <= status < 500:
            return RobotsRules(None)
        what = f"HTTP {status}" if status else text
        return RobotsRules(
            None,
            blocked=f"robots.txt of {origin} could not be read ({what}); "
            "RFC 9309 says to fetch nothing from the site until it can",
        )


class HostGate:
    """At most ``per_host`` requests at once to one host, started at least ``delay`` seconds apart."""

    def __init__(self, *, delay: float, per_host: int) -> None:
        self.delay, self.per_host = delay, max(1, per_host)
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, url: str, *, delay: float = 0.0) -> Iterator[None]:
        """Hold a slot for ``url``'s host for the duration of one request."""
        host = urlsplit(url).hostname or ""
        with self._lock:
            slot = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with slot:
            self._wait_turn(host, max(self.delay, delay))
            yield

    def _wait_turn(self, host: str, delay: float) -> None:
        with self._lock:
            start = max(time.monotonic(), self._next.get(host, 0.0))
            self._next[host] = start + delay
        pause = start - time.monotonic()
        if pause > 0:
            time.sleep(pause)
