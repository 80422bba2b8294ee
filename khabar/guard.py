"""The per-input guard: one input that breaks khabar becomes a rejection, and the run goes on.

Expected problems with an input are already values (:class:`~khabar.models.Rejection`). This guard is
for the unexpected: an exception raised while reading, cleaning, analysing or storing one input is
turned into a rejection with code ``internal`` (the exception's type and a one-line reason), its
traceback is appended to a log file named in the run's summary, and the run moves to the next input.
Bugs stay visible: the run counts its internal errors, ``khabar ingest`` exits with status 7 when
there were any, and the test suite fails on any (``tests/conftest.py``).

The guard also holds the per-input time budget (the ``input_seconds`` setting): an input that takes
longer is stopped and rejected with code ``timeout``. The clock is SIGALRM, so it can only interrupt
work on the main thread (the CLI); elsewhere (web ingest jobs) the budget is checked after each step.
"""

from __future__ import annotations

import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar, cast

from .models import Rejection

__all__ = ["InputGuard", "InputTimeout", "error_log_for", "internal_errors_seen"]

T = TypeVar("T")
_SEEN = [0]  # internal errors met by any guard in this process (the test suite asserts it stays 0)


def internal_errors_seen() -> int:
    """How many internal errors guards in this process have turned into rejections so far."""
    return _SEEN[0]


class InputTimeout(Exception):
    """Raised inside a guarded step when the input's time budget runs out."""


def error_log_for(db_path: str) -> Path:
    """Where the tracebacks of a run's internal errors go: beside the database (or in the temp folder)."""
    if db_path in ("", ":memory:"):
        return Path(tempfile.gettempdir()) / "khabar-errors.log"
    return Path(f"{db_path}.errors.log")


class InputGuard:
    """Runs each step of one input under the guard; see the module docstring."""

    def __init__(self, log_path: Path, *, seconds: float = 0.0) -> None:
        self.log_path, self.seconds = log_path, seconds
        self.internal = 0

    def run(self, source: str, step: Callable[[], T], *, count: bool = True) -> T | Rejection:
        """``step()``, or the rejection that says why it failed (``count=False``: retried, not counted)."""
        started = time.perf_counter()
        try:
            with self._budget():
                result = step()
        except InputTimeout:
            return self._timeout(source)
        except Exception as exc:  # noqa: BLE001 - the point of the guard: the run goes on
            return self._internal(source, exc, count)
        if self.seconds and time.perf_counter() - started > self.seconds:
            return self._timeout(source)
        return result

    def items(self, source: str, produce: Callable[[], Iterator[T]]) -> Iterator[T | Rejection]:
        """The items of ``produce()``; an exception part-way ends this input with a rejection."""
        iterator = produce()
        while True:
            item = self.run(source, lambda: next(iterator, _END))
            if item is _END:
                return
            yield cast("T | Rejection", item)  # anything but the _END sentinel is produce()'s or a rejection
            if isinstance(item, Rejection) and item.code in ("internal", "timeout") and item.source == source:
                return

    def _timeout(self, source: str) -> Rejection:
        return Rejection(
            source,
            "timeout",
            f"took longer than input_seconds={self.seconds:g} s and was stopped; raise it with --set input_seconds=N",
        )

    def _internal(self, source: str, exc: Exception, count: bool) -> Rejection:
        self.internal += count
        _SEEN[0] += count
        self._log(source, exc)
        message = " ".join(str(exc).split())[:200] or "(no message)"
        return Rejection(
            source,
            "internal",
            f"internal error {type(exc).__name__}: {message} (a bug in khabar; traceback in {self.log_path})",
        )

    def _log(self, source: str, exc: Exception) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=30))
        try:
            with self.log_path.open("a", encoding="utf-8") as out:
                out.write(f"--- {stamp} {source}\n{text}\n")
        except OSError:
            pass  # the rejection still says what happened

    @contextmanager
    def _budget(self) -> Iterator[None]:
        if not self.seconds or threading.current_thread() is not threading.main_thread() or _nested[0]:
            yield
            return

        def expire(signum, frame):
            raise InputTimeout()

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        _nested[0] = True
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            _nested[0] = False


_nested = [False]
_END = object()
