"""The run loop: sources -> clean -> language analysis -> entity resolution -> store -> stages.

Only this module knows the order of the stages. After the core (cleaning, spaCy, entity
resolution) each article goes through the *article stages* (relations between articles, events,
facts ...: see :func:`default_stages`), all inside the same transaction as the article itself:
an article is committed whole, with everything derived from it, or not at all. A run killed
half-way keeps everything already committed, and a re-run skips what is stored (article ids are
content hashes) and finishes the job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import entities as entity_stage
from .clean import clean
from .events import EventStage
from .facts import FactStage
from .models import Analysis, Article, IngestReport, RawDocument, Rejection, Resolution
from .nlp import analyse, load_pipeline
from .relations.stage import RelationStage
from .settings import Settings, load_settings
from .sources import list_sources, read_sources
from .store import Store

__all__ = ["ingest_paths", "IngestProgress", "ArticleStage", "default_stages"]


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """Where a run stands, reported after each file and after each article has been through the stages.

    ``articles_read`` counts articles read and cleaned so far (stored ones included); an article is
    done (``added`` or ``unchanged``) once committed with everything derived from it.
    """

    files_done: int
    files_total: int
    added: int
    unchanged: int
    rejected: int
    words: int
    seconds: float
    articles_read: int = 0


class ArticleStage(Protocol):
    """A stage that runs on each new article after the core analysis, inside its transaction.

    Constructors are cheap; heavy resources load on first use. ``process`` derives the stage's
    values from the article (pure functions in the stage's module) and saves them via the store.
    ``doc`` is the spaCy Doc of the article's English view (offsets = clean-text offsets).
    """

    name: str

    def process(self, store: Store, article: Article, analysis: Analysis, resolution: Resolution, doc) -> None:
        ...


def default_stages(settings: Settings) -> list[ArticleStage]:
    """The article stages of a normal run, in order."""
    stages: list[ArticleStage] = [RelationStage(settings)]  # copies, rewrites, source groups (issue 3)
    stages += [EventStage(), FactStage()]  # events and facts (issue 5): pure per-article extraction
    return stages


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    settings: Settings | None = None,
    outlet: str | None = None,
    published: str | None = None,
    encoding: str | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    stages: Sequence[ArticleStage] | None = None,
) -> IngestReport:
    """Read, clean, analyse and store every article under ``paths``; see the module docstring."""
    settings = settings or load_settings()
    started = time.perf_counter()
    sources, missing = list_sources(paths)
    stages = default_stages(settings) if stages is None else stages
    state = _RunState(store, settings, stages, list(missing))
    done = 0
    if progress:  # after each article too: a batch of articles runs the stages within one file
        state.on_article = lambda: progress(state.progress(done, len(sources), started))
    for rejection in missing:
        store.record_rejection(rejection)
    for done, source in enumerate(sources, start=1):
        items = read_sources([source], max_bytes=settings.max_bytes, encoding=encoding,
                             outlet=outlet, published=published)
        for item in items:
            state.take(item)
        if progress:
            progress(state.progress(done, len(sources), started))
    state.flush()
    if progress:
        progress(state.progress(len(sources), len(sources), started))
    return IngestReport(
        read=state.added + state.unchanged, added=state.added, unchanged=state.unchanged,
        rejected=tuple(state.rejected), seconds=time.perf_counter() - started, words=state.words,
    )


class _RunState:
    """Counters and the pending batch of one ingest run."""

    def __init__(self, store: Store, settings: Settings, stages: Sequence[ArticleStage], rejected: list[Rejection]):
        self.store, self.settings, self.stages = store, settings, stages
        self.rejected = rejected
        self.added = self.unchanged = self.words = 0
        self.pending: list[Article] = []
        self.pending_ids: set[str] = set()
        self.read = 0
        self.on_article: Callable[[], None] | None = None

    def take(self, item: RawDocument | Rejection) -> None:
        result = item if isinstance(item, Rejection) else clean(
            item, min_words=self.settings.min_words, language_min_score=self.settings.language_min_score
        )
        if not isinstance(result, Rejection):
            self.read += 1
        if isinstance(result, Rejection):
            self.rejected.append(result)
            self.store.record_rejection(result)
        elif result.id in self.pending_ids or self.store.has_article(result.id):
            self.unchanged += 1
        else:
            self.pending.append(result)
            self.pending_ids.add(result.id)
            if len(self.pending) >= self.settings.batch_size:
                self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        nlp = load_pipeline(self.settings.spacy_model)
        batch = self.pending
        self.pending, self.pending_ids = [], set()
        analyses = analyse(nlp, batch, batch_size=self.settings.batch_size, n_process=self.settings.n_process)
        for article, (analysis, doc) in zip(batch, analyses):
            with self.store.atomic():
                resolution = entity_stage.resolve(analysis, article.text, index=self.store)
                self.store.save_article(article, analysis, resolution)
                for stage in self.stages:
                    stage.process(self.store, article, analysis, resolution, doc)
            self.added += 1
            self.words += len(article.text.split())
            if self.on_article:
                self.on_article()

    def progress(self, done: int, total: int, started: float) -> IngestProgress:
        return IngestProgress(done, total, self.added, self.unchanged, len(self.rejected), self.words,
                              time.perf_counter() - started, articles_read=self.read)
