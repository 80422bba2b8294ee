"""``khabar ingest PATH --workers N`` / ``--scheduler tcp://HOST:8786``: the per-article work on Dask.

The split follows the stage contract (``khabar.pipeline``, docs/architecture.md):

* **workers** (``dask.distributed``, one thread per process, models loaded once per process) take
  batches of cleaned articles and return, per article, an :class:`Worked`: the contract's
  :class:`~khabar.models.ArticleResult` with the analysis (spaCy) and the relations fingerprint
  filled, the spaCy Doc as bytes, and the article's sentence vectors for every sentence model
  the comparisons may use (the expensive part of relation finding; computed here for every
  article, where a single process computes them only for articles that meet a candidate);
* the **driver** (this process) cleans and de-duplicates the inputs, sends batches out, and takes
  the results back *in input order*; for each article it runs, in one transaction, what needs
  the knowledge base as it stands: entity resolution, the per-article stages that depend on it
  (events, facts), the cross-article stages (relations against the stored articles, source
  groups) with the sentence vectors from the worker, and :func:`~khabar.pipeline.save_result`.
  The knowledge base is therefore the one a single-process run builds from the same inputs.

Failures: a worker that dies mid-batch loses nothing; the scheduler runs its batch again on
another worker (``distributed.scheduler.allowed-failures`` times). A driver killed mid-run leaves
every committed article whole (one transaction each); a re-run skips them (ids are content hashes),
fingerprints any stored article the relations stage never saw, and finishes.

Needs ``pip install 'khabar[cluster]'``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .entities import resolve
from .errors import KhabarError
from .models import Article, ArticleResult, IngestReport, Resolution
from .pipeline import IngestProgress, _RunState, default_stages, link_article, relate_stored, save_result
from .settings import Settings
from .sources import list_sources, read_sources
from .store import Store

if TYPE_CHECKING:
    from spacy.vocab import Vocab

__all__ = ["Worked", "ClusterError", "ingest_cluster", "work_batch", "open_client"]

_NO_RESOLUTION = Resolution((), (), ())


class ClusterError(KhabarError):
    """The cluster could not be started or reached."""


@dataclass(frozen=True, slots=True)
class Worked:
    """What a worker hands back for one article (plain values: it pickles)."""

    result: ArticleResult  # article, analysis and relations fingerprint; resolution comes on the driver
    doc: bytes  # the spaCy Doc of the English view (Doc.to_bytes), for the stages that need resolution
    prepared: tuple[Any, ...]  # khabar.relations.classify.Prepared per sentence model: comparer cache
    seconds: float  # worker time spent on the article (its share of the batch)


# --- the worker side ----------------------------------------------------------------------------

_WORKER: dict[Settings, Any] = {}  # per process: settings -> relations stage (models loaded once)


def _relation_stage(settings: Settings):
    from .relations.stage import RelationStage

    stage = _WORKER.get(settings)
    if stage is None:
        stage = _WORKER[settings] = RelationStage(settings)
    return stage


def work_batch(articles: Sequence[Article], settings: Settings) -> list[Worked]:
    """The per-article part for a batch: spaCy, fingerprints, sentence vectors (pure; runs anywhere)."""
    from .cache import set_cache_dir
    from .nlp import analyse, load_pipeline
    from .relations.views import view_of_article

    started = time.perf_counter()
    set_cache_dir(settings.cache_dir)
    nlp = load_pipeline(settings.spacy_model)
    stage = _relation_stage(settings)
    comparer = stage.comparer
    models = [m for m in (comparer.embedders.sentences, comparer.embedders.english) if m is not None]
    out = []
    for article, (analysis, doc) in zip(articles, analyse(nlp, articles, batch_size=settings.batch_size)):
        result = stage.derive(ArticleResult(article, analysis, _NO_RESOLUTION), doc)
        view = view_of_article(article, analysis)
        prepared = []
        if view.language == "en":
            prepared = [comparer.prepared(view, model) for model in dict.fromkeys(models)]
        out.append(Worked(result, doc.to_bytes(exclude=["tensor", "user_data"]), tuple(prepared), 0.0))
    share = (time.perf_counter() - started) / max(len(out), 1)
    return [replace(w, seconds=share) for w in out]


# --- the driver side ----------------------------------------------------------------------------


def open_client(*, workers: int | None = None, scheduler: str | None = None, memory_limit: str = "auto"):
    """A Dask client: to an existing scheduler, or to a new LocalCluster of ``workers`` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--workers/--scheduler need Dask: pip install 'khabar[cluster]'") from None
    try:
        if scheduler:
            return Client(scheduler, timeout="30s")
        cluster = LocalCluster(
            n_workers=workers or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            memory_limit=memory_limit,
        )
        return Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {exc}") from None


def ingest_cluster(
    store: Store,
    paths: Iterable[str | Path],
    *,
    client=None,
    workers: int | None = None,
    scheduler: str | None = None,
    settings: Settings,
    outlet: str | None = None,
    published: str | None = None,
    encoding: str | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    batch: int = 8,
) -> IngestReport:
    """Like :func:`khabar.pipeline.ingest_paths`, with the per-article work on a Dask cluster.

    ``client``: a ``distributed.Client`` to use (else one is opened from ``workers``/``scheduler``
    and closed at the end). ``batch``: articles per task.
    """
    own = client is None
    client = client or open_client(workers=workers, scheduler=scheduler)
    try:
        with store.ingest_running():  # `who` and the web app say an ingest is running, as for a local run
            return _ingest(store, paths, client, settings, outlet, published, encoding, progress, batch)
    finally:
        if own:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()


def _ingest(
    store: Store, paths, client, settings: Settings, outlet, published, encoding, progress, batch: int
) -> IngestReport:
    relate_stored(store, settings=settings)  # a stored article a killed run never fingerprinted
    driver = _Driver(store, settings, client, batch=batch)
    started = time.perf_counter()
    sources, missing = list_sources(paths)
    done = 0
    if progress:
        driver.on_article = lambda: progress(driver.progress(done, len(sources), started))
    for rejection in missing:
        store.record_rejection(rejection)
    driver.rejected += list(missing)
    for done, source in enumerate(sources, start=1):
        for item in read_sources(
            [source], max_bytes=settings.max_bytes, encoding=encoding, outlet=outlet, published=published
        ):
            driver.take(item)
        if progress:
            progress(driver.progress(done, len(sources), started))
    driver.finish()
    if progress:
        progress(driver.progress(len(sources), len(sources), started))
    return IngestReport(
        read=driver.added + driver.unchanged,
        added=driver.added,
        unchanged=driver.unchanged,
        rejected=tuple(driver.rejected),
        seconds=time.perf_counter() - started,
        words=driver.words,
    )


class _Driver(_RunState):
    """Cleans inputs, keeps a window of batches in flight, saves results in input order."""

    def __init__(self, store: Store, settings: Settings, client, *, batch: int) -> None:
        super().__init__(store, settings, default_stages(settings), [])
        self.client, self.batch = client, max(1, batch)
        self.inflight: deque = deque()
        self.window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or 1)
        self.worker_seconds = 0.0
        self._vocab: Vocab | None = None

    def flush(self) -> None:
        """Send the pending articles out in batches; save results while the window is full.

        (``take``, inherited, fills ``pending`` as a single-process run does; ``pending_ids`` keeps
        the ids in flight until they are saved, so a repeated article is not sent twice.)"""
        pending, self.pending = self.pending, []
        for start in range(0, len(pending), self.batch):
            chunk = pending[start : start + self.batch]
            self.inflight.append(self.client.submit(work_batch, chunk, self.settings, pure=False, retries=2))
            while len(self.inflight) >= self.window:
                self._save(self.inflight.popleft())

    def finish(self) -> None:
        self.flush()
        while self.inflight:
            self._save(self.inflight.popleft())

    def _save(self, future) -> None:
        for worked in future.result():
            self._save_one(worked)
        future.release()

    def _save_one(self, worked: Worked) -> None:
        from .relations.stage import RelationStage
        from .relations.views import view_of_article

        result = worked.result
        article, analysis = result.article, result.analysis
        self.pending_ids.discard(article.id)
        if self.store.has_article(article.id):  # stored meanwhile (another run on the same database)
            self.unchanged += 1
            return
        relations = next((s for s in self.stages if isinstance(s, RelationStage)), None)
        if relations is not None and result.relations is not None:
            relations.comparer.remember(result.relations.fingerprint)
            view = view_of_article(article, analysis)
            for prepared in worked.prepared:
                relations.comparer.keep(view, prepared)
        doc = self._doc(worked.doc)
        with self.store.atomic():
            resolution = resolve(analysis, article.text, index=self.store)
            result = replace(result, resolution=resolution)
            for stage in self.stages:
                if stage is not relations:
                    result = stage.derive(result, doc)
            save_result(self.store, link_article(result, self.store, self.stages))
        self.added += 1
        self.words += len(article.text.split())
        self.worker_seconds += worked.seconds
        if self.on_article:
            self.on_article()

    def _doc(self, data: bytes):
        from spacy.tokens import Doc

        if self._vocab is None:
            from .cache import set_cache_dir
            from .nlp import load_pipeline

            set_cache_dir(self.settings.cache_dir)
            self._vocab = load_pipeline(self.settings.spacy_model).vocab
        return Doc(self._vocab).from_bytes(data)
