"""Ingest runs in progress: recorded so that readers can say the knowledge base is being written."""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .clock import now

__all__ = ["RunQueries", "RunningIngest"]


@dataclass(frozen=True, slots=True)
class RunningIngest:
    """An ingest that has started and not finished (its process is alive)."""

    pid: int
    host: str
    started_at: str

    def describe(self) -> str:
        """One line for messages: 'an ingest is running (pid 123, since ...)'."""
        return f"an ingest into this knowledge base is running (pid {self.pid} on {self.host}, since {self.started_at})"


class RunQueries:
    """Mixin of :class:`khabar.store.Store`: the ``ingest_runs`` table."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:  # provided by the Store this mixes into

        def atomic(self) -> AbstractContextManager[sqlite3.Connection]: ...  # Store.atomic

    @contextmanager
    def ingest_running(self) -> Iterator[None]:
        """Record an ingest run for the duration of the block (the row goes when it ends: a finished
        run leaves the database as it would be without this table; a killed one leaves a row whose
        process is gone, which :meth:`running_ingest` ignores)."""
        with self.atomic():
            cur = self.conn.execute(
                "INSERT INTO ingest_runs(pid, host, started_at) VALUES (?,?,?)",
                (os.getpid(), socket.gethostname(), now()),
            )
        run_id = cur.lastrowid
        try:
            yield
        finally:
            with self.atomic():
                self.conn.execute("DELETE FROM ingest_runs WHERE id = ?", (run_id,))

    def running_ingest(self) -> RunningIngest | None:
        """The oldest unfinished ingest whose process still lives (a killed run does not count)."""
        rows = self.conn.execute(
            "SELECT pid, host, started_at FROM ingest_runs WHERE finished_at IS NULL ORDER BY id"
        ).fetchall()
        here = socket.gethostname()
        for pid, host, started in rows:
            if host != here or _alive(pid):
                return RunningIngest(pid, host, started)
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
