"""Ingest jobs: uploaded files run through :func:`khabar.ingest` one job at a time, with progress.

A job runs on a single worker thread (one writer at a time, as SQLite wants), with its own store
connection; pages keep reading through theirs meanwhile (WAL). Jobs live in memory: a restarted
server forgets them, the database keeps what they stored.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import khabar

from ..errors import NotFound
from ..models import IngestReport, Rejection
from ..pipeline import IngestProgress
from ..settings import Settings

__all__ = ["Job", "JobRunner"]


@dataclass(frozen=True, slots=True)
class Job:
    """An ingest job as the job page and ``/api/jobs/{id}`` show it."""

    id: str
    files: tuple[str, ...]  # names of the uploaded files
    state: str  # queued, running, done, failed
    progress: IngestProgress | None = None
    report: IngestReport | None = None
    error: str = ""

    @property
    def finished(self) -> bool:
        """True once the job is done or failed."""
        return self.state in ("done", "failed")


class JobRunner:
    """Queues ingest jobs and keeps their latest state."""

    def __init__(self, db: Path, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="khabar-ingest")

    @staticmethod
    def new_id() -> str:
        """A fresh job id (also the name of the job's upload folder)."""
        return uuid.uuid4().hex[:12]

    def submit(self, job_id: str, files: list[Path], *, outlet: str | None = None, published: str | None = None) -> Job:
        """Queue the ingest of ``files`` (already in the data directory)."""
        job = Job(job_id, tuple(f.name for f in files), "queued")
        self._set(job)
        self._pool.submit(self._run, job_id, files, outlet, published)
        return job

    def get(self, job_id: str) -> Job:
        """The job's latest state."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"no ingest job {job_id!r} (jobs are forgotten when the server restarts)")
        return job

    def shutdown(self) -> None:
        """Let the running job finish; drop queued ones."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job_id: str, files: list[Path], outlet: str | None, published: str | None) -> None:
        self._update(job_id, state="running")
        try:
            report = khabar.ingest(
                files,
                db=self.db,
                settings=self.settings,
                outlet=outlet,
                published=published,
                progress=lambda p: self._update(job_id, progress=p),
            )
        except Exception as exc:  # the job page must say why, whatever went wrong
            self._update(job_id, state="failed", error=str(exc) or type(exc).__name__)
            return
        self._update(job_id, state="done", report=_relative(report, files))

    def _set(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.id] = job

    def _update(self, job_id: str, **changes) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)


def _relative(report: IngestReport, files: list[Path]) -> IngestReport:
    """The report with upload paths shortened to file names (the data directory is not the user's business)."""
    names = {str(f): f.name for f in files}

    def short(source: str) -> str:
        path, sep, rest = source.partition(":")
        return names.get(path, Path(path).name) + sep + rest

    return replace(report, rejected=tuple(Rejection(short(r.source), r.code, r.reason) for r in report.rejected))
