"""The run loop: sources -> clean -> language analysis -> entity resolution -> stages -> store.

Only this module knows the order of the stages, and only this module writes what they find. The
stage contract (docs/architecture.md):

* a **per-article stage** (:class:`ArticleStage`: events, facts, the relations fingerprint) is a pure
  function ``derive(result, doc) -> result`` of the article, its analysis, its entity resolution and
  the spaCy Doc; it fills its fields of the frozen :class:`~khabar.models.ArticleResult` and never
  sees the store. :func:`derive_article` runs them all: a function of plain values returning a
  picklable value, so it can run in another process or on another machine;
* a **cross-article stage** (:class:`CrossArticleStage`: relations with stored articles and the
  source groups they merge) reads the knowledge base through a narrow read-only Protocol
  (``RelationReader``; entity resolution reads ``EntityIndex``) and returns the result completed;
* :func:`save_result` writes an ``ArticleResult`` whole; :class:`_RunState` opens one transaction per
  article around resolution, linking and saving: an article is committed with everything derived
  from it, or not at all. A run killed half-way keeps everything already committed, and a re-run
  skips what is stored (article ids are content hashes) and finishes the job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from . import entities as entity_stage
from .clean import clean
from .entities import EntityIndex
from .events import EventStage
from .facts import FactStage
from .models import (
    Analysis,
    Article,
    ArticleResult,
    IngestReport,
    RawDocument,
    Rejection,
    RelationFindings,
    Resolution,
)
from .nlp import analyse, load_pipeline
from .relations.stage import RelationReader, RelationStage, group_changes, relate_article
from .relations.views import view_of_stored
from .settings import Settings
from .sources import list_sources, read_sources
from .store import Store

__all__ = ["ingest_paths", "IngestProgress", "ArticleStage", "CrossArticleStage", "KnowledgeView",
           "default_stages", "derive_article", "link_article", "save_result", "relate_stored"]


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """Where a run stands, reported after each file."""

    files_done: int
    files_total: int
    added: int
    unchanged: int
    rejected: int
    words: int
    seconds: float


class ArticleStage(Protocol):
    """A per-article stage: a pure function of one article's values (no store, no I/O).

    Constructors are cheap; heavy resources load on first use. ``derive`` returns ``result`` with
    the stage's fields filled (``dataclasses.replace``). ``doc`` is the spaCy Doc of the article's
    English view (offsets = clean-text offsets).
    """

    name: str

    def derive(self, result: ArticleResult, doc: Any) -> ArticleResult:
        ...


class KnowledgeView(EntityIndex, RelationReader, Protocol):
    """Everything cross-article work may read from the knowledge base (``Store`` provides it)."""


@runtime_checkable
class CrossArticleStage(Protocol):
    """A stage that also relates the article to the knowledge base, reading it only."""

    name: str

    def link(self, result: ArticleResult, kb: Any) -> ArticleResult:
        ...


def default_stages(settings: Settings) -> list[ArticleStage]:
    """The article stages of a normal run, in order."""
    stages: list[ArticleStage] = [RelationStage(settings)]  # copies, rewrites, source groups (issue 3)
    stages += [EventStage(), FactStage()]  # events and facts (issue 5): pure per-article extraction
    return stages


def derive_article(article: Article, analysis: Analysis, resolution: Resolution, doc: Any,
                   stages: Sequence[ArticleStage]) -> ArticleResult:
    """The per-article part: every stage's ``derive``; pure, and the result pickles."""
    result = ArticleResult(article, analysis, resolution)
    for stage in stages:
        result = stage.derive(result, doc)
    return result


def link_article(result: ArticleResult, kb: KnowledgeView, stages: Sequence[ArticleStage]) -> ArticleResult:
    """The cross-article part: every cross-article stage's ``link``, reading ``kb`` only."""
    for stage in stages:
        if isinstance(stage, CrossArticleStage):
            result = stage.link(result, kb)
    return result


def save_result(store: Store, result: ArticleResult) -> None:
    """Write an article with everything derived from it, in one transaction."""
    article = result.article
    with store.atomic():
        store.save_article(article, result.analysis, result.resolution)
        if result.relations is not None:
            _save_relations(store, result.relations)
        if result.events is not None:
            store.save_event_reports(article.id, result.events)
        if result.facts is not None:
            store.save_facts(article.id, result.facts)


def _save_relations(store: Store, found: RelationFindings) -> None:
    store.save_fingerprint(found.fingerprint, model=found.model)
    for comparison in found.comparisons:
        store.save_relation(comparison)
    if found.groups:
        store.set_source_groups(dict(found.groups))


def relate_stored(store: Store, *, settings: Settings) -> int:
    """Compute relations for stored articles that have none yet (oldest first); the number related."""
    stage = RelationStage(settings)
    done = 0
    for article_id in store.articles_without_fingerprint():
        with store.atomic():
            view = view_of_stored(store.stored_text(article_id))
            fp = stage.comparer.fingerprint(view)
            found = relate_article(store, view, fp, stage.index(store), stage.comparer,
                                   limit=settings.relation_candidates)
            findings = RelationFindings(fp, stage.comparer.embedders.english.name, tuple(found),
                                        group_changes(store, view, found))
            _save_relations(store, findings)
        done += 1
    return done


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    settings: Settings,
    outlet: str | None = None,
    published: str | None = None,
    encoding: str | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    stages: Sequence[ArticleStage] | None = None,
) -> IngestReport:
    """Read, clean, analyse and store every article under ``paths``; see the module docstring."""
    started = time.perf_counter()
    sources, missing = list_sources(paths)
    stages = default_stages(settings) if stages is None else stages
    state = _RunState(store, settings, stages, list(missing))
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

    def take(self, item: RawDocument | Rejection) -> None:
        result = item if isinstance(item, Rejection) else clean(
            item, min_words=self.settings.min_words, language_min_score=self.settings.language_min_score
        )
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
        for article, (analysis, doc) in zip(batch, analyses, strict=True):
            with self.store.atomic():
                resolution = entity_stage.resolve(analysis, article.text, index=self.store)
                result = derive_article(article, analysis, resolution, doc, self.stages)
                save_result(self.store, link_article(result, self.store, self.stages))
            self.added += 1
            self.words += len(article.text.split())

    def progress(self, done: int, total: int, started: float) -> IngestProgress:
        return IngestProgress(done, total, self.added, self.unchanged, len(self.rejected), self.words,
                              time.perf_counter() - started)
