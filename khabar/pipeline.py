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
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from . import entities as entity_stage
from .cache import set_cache_dir
from .clean import clean
from .entities import EntityIndex
from .events import EventStage
from .facts import FactStage
from .guard import InputGuard, error_log_for
from .models import (
    Analysis,
    Article,
    ArticleResult,
    FetchRecord,
    IngestReport,
    InputWarning,
    RawDocument,
    Rejection,
    RelationFindings,
    Resolution,
)
from .nlp import analyse, load_pipeline
from .relations.stage import RelationReader, RelationStage, group_changes, relate_article
from .relations.views import view_of_stored
from .settings import Settings
from .sources import dated, list_sources, read_sources
from .store import Store

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "ingest_paths",
    "ingest_documents",
    "IngestProgress",
    "ArticleStage",
    "CrossArticleStage",
    "KnowledgeView",
    "default_stages",
    "derive_article",
    "link_article",
    "save_result",
    "relate_stored",
]


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
    """A per-article stage: a pure function of one article's values (no store, no I/O).

    Constructors are cheap; heavy resources load on first use. ``derive`` returns ``result`` with
    the stage's fields filled (``dataclasses.replace``). ``doc`` is the spaCy Doc of the article's
    English view (offsets = clean-text offsets).
    """

    name: str

    def derive(self, result: ArticleResult, doc: Any) -> ArticleResult: ...


class KnowledgeView(EntityIndex, RelationReader, Protocol):
    """Everything cross-article work may read from the knowledge base (``Store`` provides it)."""


@runtime_checkable
class CrossArticleStage(Protocol):
    """A stage that also relates the article to the knowledge base, reading it only."""

    name: str

    def link(self, result: ArticleResult, kb: Any) -> ArticleResult: ...


def default_stages(settings: Settings) -> list[ArticleStage]:
    """The article stages of a normal run, in order."""
    stages: list[ArticleStage] = [RelationStage(settings)]  # copies, rewrites, source groups (issue 3)
    stages += [EventStage(), FactStage()]  # events and facts (issue 5): pure per-article extraction
    return stages


def derive_article(
    article: Article, analysis: Analysis, resolution: Resolution, doc: Any, stages: Sequence[ArticleStage]
) -> ArticleResult:
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
    store.save_sentence_vectors(found.vectors)
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
            found = relate_article(
                store, view, fp, stage.index(store), stage.comparer, limit=settings.relation_candidates
            )
            findings = RelationFindings(
                fp, stage.comparer.embedders.english.name, tuple(found), group_changes(store, view, found)
            )
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
    sources, missing = list_sources(paths, hidden=settings.hidden_files)
    stages = default_stages(settings) if stages is None else stages
    state = _RunState(store, settings, stages, list(missing))
    done = 0
    if progress:  # after each article too: a batch of articles runs the stages within one file
        state.on_article = lambda: progress(state.progress(done, len(sources), started))
    for rejection in missing:
        store.record_rejection(rejection)
    with store.ingest_running():
        for done, source in enumerate(sources, start=1):
            if source.kind == "warc":  # a web archive resumes at its last committed record
                source = replace(source, start=store.archive_resume_offset(str(source.path)))
            state.read_source(source, encoding=encoding, outlet=outlet, published=published)
            if progress:
                progress(state.progress(done, len(sources), started))
        state.flush()
    if progress:
        progress(state.progress(len(sources), len(sources), started))
    return IngestReport(
        read=state.added + state.unchanged,
        added=state.added,
        unchanged=state.unchanged,
        rejected=tuple(state.rejected),
        seconds=time.perf_counter() - started,
        words=state.words,
        warnings=tuple(state.warnings),
        internal_errors=state.guard.internal,
        error_log=str(state.guard.log_path) if state.guard.internal else None,
    )


def ingest_documents(
    store: Store,
    items: Iterable[RawDocument | Rejection],
    *,
    settings: Settings,
    stages: Sequence[ArticleStage] | None = None,
) -> IngestReport:
    """Clean, analyse and store documents that were read elsewhere (fetched pages, feed entries).

    The same path as :func:`ingest_paths`; every article is committed when this returns.
    """
    started = time.perf_counter()
    state = _RunState(store, settings, default_stages(settings) if stages is None else stages, [])
    for item in items:
        state.take(item)
    state.flush()
    return IngestReport(
        read=state.added + state.unchanged,
        added=state.added,
        unchanged=state.unchanged,
        rejected=tuple(state.rejected),
        seconds=time.perf_counter() - started,
        words=state.words,
        warnings=tuple(state.warnings),
        internal_errors=state.guard.internal,
        error_log=str(state.guard.log_path) if state.guard.internal else None,
    )


def _analyse_one(nlp, article: Article) -> tuple[Analysis, Doc]:
    """spaCy over one article (a batch that failed is retried one article at a time)."""
    return next(analyse(nlp, [article], batch_size=1))


class _RunState:
    """Counters and the pending batch of one ingest run."""

    def __init__(self, store: Store, settings: Settings, stages: Sequence[ArticleStage], rejected: list[Rejection]):
        self.store, self.settings, self.stages = store, settings, stages
        self.rejected = rejected
        self.warnings: list[InputWarning] = []
        self.added = self.unchanged = self.words = 0
        self.pending: list[Article] = []
        self.pending_ids: set[str] = set()
        self.guard = InputGuard(error_log_for(store.path), seconds=settings.input_seconds)
        self.read = 0
        self.on_article: Callable[[], None] | None = None

    def read_source(self, source, **meta) -> None:
        """Read one source under the guard (issue 16): a failure of one input never ends the run."""

        def produce():
            return read_sources([source], max_bytes=self.settings.max_bytes, **meta)

        for item in self.guard.items(str(source.path), produce):
            self.take(item)

    def take(self, item: RawDocument | Rejection | InputWarning) -> None:
        if isinstance(item, InputWarning):
            self.warnings.append(item)
            return
        if isinstance(item, RawDocument) and item.published and item.published_precision is None:
            *_, item = self._dated(item)  # documents read elsewhere (fetched pages, feeds): parse once here
        result: Article | Rejection
        if isinstance(item, Rejection):
            result = item
        else:
            raw = item
            result = self.guard.run(
                raw.source,
                lambda: clean(
                    raw, min_words=self.settings.min_words, language_min_score=self.settings.language_min_score
                ),
            )
        if isinstance(item, RawDocument) and item.response is not None:
            self._keep_response(item, item.response, result)
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

    def _dated(self, item: RawDocument) -> list[RawDocument]:
        parsed = list(dated(item))
        self.warnings += [w for w in parsed if isinstance(w, InputWarning)]
        return [d for d in parsed if isinstance(d, RawDocument)]

    def _keep_response(self, item: RawDocument, response: FetchRecord, result: Article | Rejection) -> None:
        """The raw response of a fetched or archived page, stored beside the article it gave."""
        if isinstance(result, Rejection):
            self.store.save_fetch(item.source, response, outcome="rejected", reason=result.reason)
            return
        known = result.id in self.pending_ids or self.store.has_article(result.id)
        self.store.save_fetch(item.source, response, outcome="unchanged" if known else "added", article_id=result.id)

    def flush(self) -> None:
        if not self.pending:
            return
        set_cache_dir(self.settings.cache_dir)  # where the model's gazetteer caches are (cache.py)
        nlp = load_pipeline(self.settings.spacy_model)
        batch = self.pending
        self.pending, self.pending_ids = [], set()
        for article, analysed in zip(batch, self._analysed(nlp, batch)):
            outcome = (
                analysed
                if isinstance(analysed, Rejection)
                else self.guard.run(article.source, partial(self._store, article, *analysed))
            )
            if isinstance(outcome, Rejection):
                self.rejected.append(outcome)
                self.store.record_rejection(outcome)
            elif outcome:
                self.added += 1
                self.words += len(article.text.split())
            else:
                self.unchanged += 1
            if self.on_article:
                self.on_article()

    def _analysed(self, nlp, batch: list[Article]) -> list:
        """spaCy over the batch; when the batch fails, each article alone, so only the bad one is lost."""
        whole = self.guard.run(
            "(batch)",
            lambda: list(analyse(nlp, batch, batch_size=self.settings.batch_size, n_process=self.settings.n_process)),
            count=False,
        )
        if not isinstance(whole, Rejection):
            return whole
        return [self.guard.run(a.source, partial(_analyse_one, nlp, a)) for a in batch]

    def _store(self, article: Article, analysis: Analysis, doc) -> bool:
        """Save the article and run the stages in one transaction; False when another run stored it first."""
        with self.store.atomic():
            if not self.store.claim_article(article.id):  # a concurrent ingest got there first (issue 16)
                return False
            resolution = entity_stage.resolve(analysis, article.text, index=self.store)
            result = derive_article(article, analysis, resolution, doc, self.stages)
            save_result(self.store, link_article(result, self.store, self.stages))
        return True

    def progress(self, done: int, total: int, started: float) -> IngestProgress:
        return IngestProgress(
            done,
            total,
            self.added,
            self.unchanged,
            len(self.rejected),
            self.words,
            time.perf_counter() - started,
            articles_read=self.read,
        )
