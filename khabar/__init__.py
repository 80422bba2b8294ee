"""khabar: an evidence-linked knowledge base from news about armed groups and attacks.

The library is the product; the CLI (``khabar.cli``) and the web app (``khabar.web``) are thin skins
over these functions, and the library imports neither. Every function taking ``db`` accepts a path
to a SQLite file or an open :class:`Store`. Every function taking ``settings`` uses the ones given,
or else reads them once (:func:`load_settings`: defaults, then ``KHABAR_*`` environment variables)
and passes them down: nothing deeper in the library reads settings on its own.
"""

from collections.abc import Callable as _Callable
from collections.abc import Iterable as _Iterable
from collections.abc import Iterator as _Iterator
from contextlib import contextmanager as _contextmanager
from pathlib import Path as _Path

from . import browse as _browse
from . import edits as _edits  # submodules named like functions below (edits, events, facts, export) load
from . import events as _events  # noqa: F401  (loaded first, so that a later import cannot replace the function)
from . import export as _export
from . import facts as _facts  # noqa: F401
from .dossier import build_dossier as _build_dossier
from .errors import Ambiguous, InputError, KhabarError, ModelNotFound, NotFound, SettingError, StoreError
from .models import (
    AliasConflict,
    Article,
    ArticlePage,
    ArticleSummary,
    Comparison,
    Conflict,
    Dossier,
    Edit,
    EntitySummary,
    Event,
    EventReport,
    Fact,
    Figure,
    Findings,
    IngestReport,
    InputWarning,
    Lineage,
    ListPage,
    Overview,
    Place,
    ProfileFact,
    Rejection,
    Relation,
    SearchHit,
    SourceGroup,
    Toll,
)
from .pipeline import IngestProgress
from .pipeline import ingest_paths as _ingest_paths
from .settings import SETTINGS, Settings, load_settings
from .store import Store
from .store import open_store as _open_store

__version__ = "0.1.0"

__all__ = [  # sorted by (casefold, name); tests/test_architecture.py checks it names every public value
    "__version__",
    "alias_conflicts",
    "AliasConflict",
    "Ambiguous",
    "Article",
    "article_page",
    "ArticlePage",
    "articles",
    "ArticleSummary",
    "compare",
    "Comparison",
    "Conflict",
    "Db",
    "Dossier",
    "Edit",
    "edits",
    "entities",
    "EntitySummary",
    "Event",
    "event",
    "event_places",
    "EventReport",
    "events",
    "export",
    "Fact",
    "facts",
    "fetch_urls",
    "Figure",
    "find",
    "Findings",
    "ingest",
    "ingest_running",
    "IngestProgress",
    "IngestReport",
    "InputError",
    "InputWarning",
    "KhabarError",
    "Lineage",
    "lineage",
    "lineage_view",
    "list_articles",
    "list_entities",
    "list_events",
    "ListPage",
    "live_sources",
    "load_settings",
    "merge",
    "ModelNotFound",
    "note",
    "NotFound",
    "open_kb",
    "Overview",
    "overview",
    "Place",
    "place",
    "ProfileFact",
    "Rejection",
    "relate",
    "Relation",
    "search",
    "SearchHit",
    "SettingError",
    "SETTINGS",
    "Settings",
    "show",
    "SourceGroup",
    "split",
    "Store",
    "StoreError",
    "timeline",
    "to_json",
    "Toll",
    "undo",
    "watch_feeds",
    "who",
]

Db = str | _Path | Store


def to_json(value, *, query: str = "", schema: str | None = None) -> dict:
    """A result as the JSON document that the CLI and /api/ give for it.

    Results: a Dossier, an Event or a list of them, a Comparison, a Lineage, an Article, edits or
    search hits. The document's ``schema`` field names its file in khabar/schemas/ (``schema=`` says
    what an empty list is)."""
    from .render.jsonout import to_json as _to_json

    return _to_json(value, query=query, schema=schema)


def open_kb(path: str | _Path, *, create: bool = True) -> Store:
    """Open (creating and migrating if needed) the knowledge base at ``path``."""
    return _open_store(path, create=create)


@_contextmanager
def _using(db: Db, *, create: bool = False) -> _Iterator[Store]:
    if isinstance(db, Store):
        yield db
        return
    store = _open_store(db, create=create)
    try:
        yield store
    finally:
        store.close()


def _settings(settings: Settings | None) -> Settings:
    """The settings given, or the defaults and environment, read here once for the call."""
    return settings if settings is not None else load_settings()


def ingest(
    paths: _Iterable[str | _Path],
    *,
    db: Db,
    settings: Settings | None = None,
    outlet: str | None = None,
    published: str | None = None,
    encoding: str | None = None,
    progress: _Callable[[IngestProgress], None] | None = None,
) -> IngestReport:
    """Ingest files and directories into the knowledge base; safe to re-run."""
    with _using(db, create=True) as store:
        return _ingest_paths(
            store,
            paths,
            settings=_settings(settings),
            outlet=outlet,
            published=published,
            encoding=encoding,
            progress=progress,
        )


def who(name: str, *, db: Db, settings: Settings | None = None) -> Dossier:
    """Answer "Who is NAME?" with a cited dossier."""
    with _using(db) as store:
        try:
            return _build_dossier(store, name, settings=_settings(settings))
        except NotFound as exc:
            running = store.running_ingest()
            if running is None:
                raise
            raise NotFound(
                f"{exc.message}, in what is stored so far: {running.describe()}; ask again when it has finished"
            ) from None


def ingest_running(*, db: Db) -> str | None:
    """A one-line note when an ingest into ``db`` is running (answers cover what it has committed), else None."""
    with _using(db) as store:
        running = store.running_ingest()
    return f"note: {running.describe()}; this answer covers what it has committed so far" if running else None


def events(
    *,
    db: Db,
    actor: str | None = None,
    place: str | None = None,
    since: str | None = None,
    settings: Settings | None = None,
) -> list[Event]:
    """Attack events across articles (every report, tolls over time, support, conflicts), newest first.

    ``actor`` keeps events whose perpetrators include that name or alias; ``place`` events at that
    place or inside that region or country; ``since`` (ISO date or year) events on or after it.
    """
    from .events.query import find_events

    window = _settings(settings).event_window_days
    with _using(db) as store:
        return find_events(store, actor=actor, place=place, since=since, window_days=window)


def facts(name: str, *, db: Db, settings: Settings | None = None) -> list[ProfileFact]:
    """What the articles state about an actor (founded, leader, strength ...), each value with support."""
    return list(who(name, db=db, settings=settings).facts)


def timeline(name: str, output: str | _Path, *, db: Db, settings: Settings | None = None) -> _Path:
    """Draw the attacks of an actor on a timeline (PNG or SVG, by the file's extension)."""
    from .render.timeline import timeline_picture

    dossier = who(name, db=db, settings=settings)
    return timeline_picture(dossier.attacks, _Path(output), title=f"Attacks attributed to {dossier.entity.name}")


def merge(source: str, target: str, *, db: Db, reason: str, analyst: str | None = None) -> Edit:
    """Merge entity ``source`` into ``target`` (ids or unique names); recorded and reversible."""
    with _using(db) as store:
        return _edits.merge_entities(store, source, target, reason=reason, analyst=_analyst(analyst))


def split(entity: str, names: _Iterable[str], *, db: Db, reason: str, analyst: str | None = None) -> Edit:
    """Move the mentions and aliases of ``entity`` named by ``names`` to a new entity; reversible."""
    with _using(db) as store:
        return _edits.split_entity(store, entity, list(names), reason=reason, analyst=_analyst(analyst))


def note(subject: str, text: str, *, db: Db, analyst: str | None = None, settings: Settings | None = None) -> Edit:
    """Attach a note to an entity (id or name), an event (``ev:...``) or a fact (``ENTITY#attribute``).

    The note is recorded with who and when like an edit, and undone the same way."""
    from .edits import note_on

    window = _settings(settings).event_window_days
    with _using(db) as store:
        return note_on(store, subject, text, analyst=_analyst(analyst), window_days=window)


def undo(*, db: Db, analyst: str | None = None, edit_id: int | None = None) -> Edit:
    """Undo the latest analyst edit in force (or edit ``edit_id``); returns the edit undone."""
    with _using(db) as store:
        return _edits.undo_edit(store, analyst=_analyst(analyst), edit_id=edit_id)


def edits(*, db: Db) -> list[Edit]:
    """Every analyst edit, in the order made (undone ones included, marked)."""
    with _using(db) as store:
        return store.edits()


def alias_conflicts(*, db: Db) -> list[AliasConflict]:
    """Names that would have joined two registry entities, kept apart for the analyst."""
    with _using(db) as store:
        return store.alias_conflicts()


def place(name_or_id: str, *, db: Db) -> Place | None:
    """The gazetteer entry (coordinates, level, country) of a place entity, by id or name."""
    with _using(db) as store:
        return store.place(_edits.find_entity(store, name_or_id).id)


def _analyst(name: str | None) -> str:
    return name or load_settings().analyst or "analyst"


def search(query: str, *, db: Db, limit: int = 20) -> list[SearchHit]:
    """Full-text search over stored sentences."""
    with _using(db) as store:
        return store.search(query, limit=limit)


def show(ref: str, *, db: Db) -> Article:
    """A stored article by id, id prefix or source path, with what the cleaner dropped."""
    with _using(db) as store:
        return store.get_article(ref)


def find(query: str, *, db: Db, limit: int = 20) -> Findings:
    """Search entities by name, articles by title or outlet, and sentences by words, at once."""
    with _using(db) as store:
        return _browse.find(store, query, limit=limit)


def article_page(ref: str, *, db: Db) -> ArticlePage:
    """An article with its sentences, marked entity mentions and independent source group."""
    with _using(db) as store:
        return _browse.article_page(store, ref)


def entities(*, db: Db, cls: str | None = None, limit: int = 100, offset: int = 0) -> list[EntitySummary]:
    """Entities (of class PERSON, GROUP or PLACE when given), most-mentioned first."""
    with _using(db) as store:
        return _browse.entity_list(store, cls=cls, limit=limit, offset=offset)


def articles(*, db: Db, limit: int = 50, offset: int = 0) -> list[ArticleSummary]:
    """Stored articles, newest first."""
    with _using(db) as store:
        return _browse.article_list(store, limit=limit, offset=offset)


def list_entities(
    *,
    db: Db,
    filters: dict[str, str] | None = None,
    q: str = "",
    sort: str = "-articles",
    limit: int = 50,
    offset: int = 0,
) -> ListPage:
    """A page of entities with the total and facet counts (class, type, country, registry)."""
    with _using(db) as store:
        return _browse.entity_page(store, filters=filters or {}, q=q, sort=sort, limit=limit, offset=offset)


def list_articles(
    *,
    db: Db,
    filters: dict[str, str] | None = None,
    q: str = "",
    sort: str = "-published",
    limit: int = 50,
    offset: int = 0,
) -> ListPage:
    """A page of articles with the total and facet counts (outlet, year, language)."""
    with _using(db) as store:
        return _browse.article_list_page(store, filters=filters or {}, q=q, sort=sort, limit=limit, offset=offset)


def list_events(
    *,
    db: Db,
    filters: dict[str, str] | None = None,
    actor: str | None = None,
    place: str | None = None,
    since: str | None = None,
    sort: str = "-date",
    limit: int = 50,
    offset: int = 0,
    settings: Settings | None = None,
) -> ListPage:
    """A page of events with the total and facet counts (type, year, country, status, actor)."""
    from .events.query import find_events

    window = _settings(settings).event_window_days
    with _using(db) as store:
        found = find_events(store, actor=actor, place=place, since=since, window_days=window)
        return _browse.event_page(store, found, filters=filters or {}, sort=sort, limit=limit, offset=offset)


def overview(*, db: Db) -> Overview:
    """Counts of articles, outlets, sentences and entities in the knowledge base."""
    with _using(db) as store:
        return _browse.overview(store)


def event(event_id: str, *, db: Db, settings: Settings | None = None) -> Event:
    """One event across articles, by id (as ``events`` lists them with the same settings)."""
    window = _settings(settings).event_window_days
    with _using(db) as store:
        return _browse.event_by_id(store, event_id, window_days=window)


def event_places(events: list[Event], *, db: Db) -> dict[str, Place]:
    """Where each event happened, for the events whose place has coordinates (event id -> Place)."""
    with _using(db) as store:
        return _browse.event_places(store, events)


def lineage_view(*, db: Db, entity: str | None = None, article: str | None = None) -> _browse.LineageView:
    """Who copied or rewrote whom: the source groups of an entity's articles, of one article, or of all."""
    with _using(db) as store:
        return _browse.lineage_view(store, entity=entity, article=article)


def export(
    format: str, output: str | _Path, *, db: Db, graph: str = "entities", settings: Settings | None = None
) -> list[_Path]:
    """Write the knowledge base as STIX 2.1, GraphML, GEXF, CSV, JSON Lines, MISP or GeoJSON.

    Returns the files written."""
    with _using(db) as store:
        return _export.export(store, format, output, graph=graph, settings=_settings(settings))


def compare(a: str | _Path, b: str | _Path, *, db: Db | None = None, settings: Settings | None = None) -> Comparison:
    """How two articles relate: copy, rewrite, same story or unrelated, with evidence and direction.

    Without ``db``, ``a`` and ``b`` are article files (cleaned and analysed as ingest would); with
    ``db``, they are stored articles (id, unique id prefix or source path).
    """
    from .relations.service import compare_files, compare_stored

    if db is None:
        return compare_files(a, b, settings=_settings(settings))
    with _using(db) as store:
        return compare_stored(store, str(a), str(b), settings=_settings(settings))


def lineage(*, db: Db) -> Lineage:
    """The independent source groups: articles linked by copy or rewrite, with who derived from whom."""
    from .relations.lineage import build_lineage

    with _using(db) as store:
        return build_lineage(store)


def relate(*, db: Db, settings: Settings | None = None) -> int:
    """Compare stored articles that were ingested before relations existed; the number compared."""
    from .pipeline import relate_stored

    with _using(db) as store:
        return relate_stored(store, settings=_settings(settings))


def fetch_urls(
    urls: _Iterable[str],
    *,
    db: Db,
    settings: Settings | None = None,
    allow_net: _Iterable[str] = (),
    again: bool = False,
):
    """Fetch web pages (politely, behind the network guard) and ingest them; see docs/sources.md.

    A URL fetched before (by canonical form) is skipped unless ``again``. Returns a
    :class:`khabar.fetch.FetchReport`: one outcome with its reason per URL, and the ingest report.
    """
    from .fetch import fetch_pages

    with _using(db, create=True) as store:
        return fetch_pages(store, urls, settings=_settings(settings), allow_net=tuple(allow_net), again=again)


def watch_feeds(
    feeds: _Iterable[str] = (), *, db: Db, settings: Settings | None = None, allow_net: _Iterable[str] = ()
):
    """One pass over feeds, OPML lists and sitemaps (all watched ones when none given).

    New entries are fetched and ingested, and state is kept for the next pass; returns one
    :class:`khabar.fetch.FeedReport` per feed.
    """
    from .fetch import watch_feeds as _watch

    with _using(db, create=True) as store:
        return _watch(store, feeds, settings=_settings(settings), allow_net=tuple(allow_net))


def live_sources(*, db: Db, limit: int = 50):
    """Watched feeds with their state and the latest fetches (a :class:`khabar.fetch.Sources`)."""
    from .fetch import list_sources

    with _using(db) as store:
        return list_sources(store, limit=limit)
