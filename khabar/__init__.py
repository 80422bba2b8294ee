"""khabar: an evidence-linked knowledge base from news about armed groups and attacks.

The library is the product; the CLI (``khabar.cli``) and the web app are thin skins over these
functions. Every function taking ``db`` accepts a path to a SQLite file or an open :class:`Store`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import browse as _browse
from . import edits as _edits  # submodules named like functions below (edits, events, facts, export) load
from . import events as _events  # first, so that a later import of them cannot replace the function
from . import facts as _facts
from . import export as _export_pkg  # loaded first, so that the function export() below is what khabar.export names
from .dossier import build_dossier
from .errors import Ambiguous, InputError, KhabarError, ModelNotFound, NotFound, SettingError, StoreError
from .models import Article, Dossier, IngestReport, InputWarning, Rejection, SearchHit
from .models import AliasConflict, Edit, Place
from .models import ArticlePage, ArticleSummary, EntitySummary, Findings, ListPage, Overview
from .models import Conflict, Event, EventReport, Fact, Figure, ProfileFact, Toll
from .pipeline import IngestProgress, ingest_paths
from .relations.values import Comparison, Lineage, Relation, SourceGroup
from .settings import SETTINGS, Settings, load_settings
from .store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "open_kb", "ingest", "who", "search", "show", "ingest_running", "InputWarning",
    "merge", "split", "undo", "note", "edits", "alias_conflicts", "place", "Place", "Edit", "AliasConflict",
    "find", "article_page", "entities", "articles", "overview", "event", "event_places", "lineage_view",
    "export", "create_app",
    "fetch_urls", "watch_feeds", "live_sources",
    "compare", "lineage", "relate", "Comparison", "Lineage", "SourceGroup", "Relation",
    "ArticlePage", "ArticleSummary", "EntitySummary", "Findings", "Overview",
    "events", "facts", "timeline", "Event", "EventReport", "Fact", "Figure", "Toll", "Conflict", "ProfileFact",
    "Store", "Settings", "SETTINGS", "load_settings",
    "Article", "Dossier", "IngestReport", "IngestProgress", "Rejection", "SearchHit",
    "KhabarError", "NotFound", "Ambiguous", "InputError", "ModelNotFound", "SettingError", "StoreError",
    "list_entities", "list_articles", "list_events", "ListPage", "to_json", "__version__",
]

Db = str | Path | Store


def to_json(value, *, query: str = "", schema: str | None = None) -> dict:
    """A result as the JSON document that the CLI and /api/ give for it.

    Results: a Dossier, an Event or a list of them, a Comparison, a Lineage, an Article, edits or
    search hits. The document's ``schema`` field names its file in khabar/schemas/ (``schema=`` says
    what an empty list is)."""
    from .render.jsonout import to_json as _to_json

    return _to_json(value, query=query, schema=schema)


def open_kb(path: str | Path, *, create: bool = True) -> Store:
    """Open (creating and migrating if needed) the knowledge base at ``path``."""
    return open_store(path, create=create)


@contextmanager
def _using(db: Db, *, create: bool = False) -> Iterator[Store]:
    if isinstance(db, Store):
        yield db
        return
    store = open_store(db, create=create)
    try:
        yield store
    finally:
        store.close()


def ingest(
    paths: Iterable[str | Path], *, db: Db, settings: Settings | None = None, outlet: str | None = None,
    published: str | None = None, encoding: str | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
) -> IngestReport:
    """Ingest files and directories into the knowledge base; safe to re-run."""
    with _using(db, create=True) as store:
        return ingest_paths(store, paths, settings=settings, outlet=outlet, published=published,
                            encoding=encoding, progress=progress)


def who(name: str, *, db: Db, settings: Settings | None = None) -> Dossier:
    """Answer "Who is NAME?" with a cited dossier."""
    with _using(db) as store:
        try:
            return build_dossier(store, name, settings=settings)
        except NotFound as exc:
            running = store.running_ingest()
            if running is None:
                raise
            raise NotFound(f"{exc.message}, in what is stored so far: {running.describe()}; "
                           "ask again when it has finished") from None


def ingest_running(*, db: Db) -> str | None:
    """A one-line note when an ingest into ``db`` is running (answers cover what it has committed), else None."""
    with _using(db) as store:
        running = store.running_ingest()
    return f"note: {running.describe()}; this answer covers what it has committed so far" if running else None


def events(*, db: Db, actor: str | None = None, place: str | None = None, since: str | None = None,
           settings: Settings | None = None) -> list[Event]:
    """Attack events across articles (every report, tolls over time, support, conflicts), newest first.

    ``actor`` keeps events whose perpetrators include that name or alias; ``place`` events at that
    place or inside that region or country; ``since`` (ISO date or year) events on or after it.
    """
    from .events.query import find_events

    window = (settings or load_settings()).event_window_days
    with _using(db) as store:
        return find_events(store, actor=actor, place=place, since=since, window_days=window)


def facts(name: str, *, db: Db) -> list[ProfileFact]:
    """What the articles state about an actor (founded, leader, strength ...), each value with support."""
    with _using(db) as store:
        return list(build_dossier(store, name).facts)


def timeline(name: str, output: str | Path, *, db: Db) -> Path:
    """Draw the attacks of an actor on a timeline (PNG or SVG, by the file's extension)."""
    from .render.timeline import timeline_picture

    dossier = who(name, db=db)
    return timeline_picture(dossier.attacks, Path(output), title=f"Attacks attributed to {dossier.entity.name}")


def merge(source: str, target: str, *, db: Db, reason: str, analyst: str | None = None) -> Edit:
    """Merge entity ``source`` into ``target`` (ids or unique names); recorded and reversible."""
    from .edits import merge_entities

    with _using(db) as store:
        return merge_entities(store, source, target, reason=reason, analyst=_analyst(analyst))


def split(entity: str, names: Iterable[str], *, db: Db, reason: str, analyst: str | None = None) -> Edit:
    """Move the mentions and aliases of ``entity`` named by ``names`` to a new entity; reversible."""
    from .edits import split_entity

    with _using(db) as store:
        return split_entity(store, entity, list(names), reason=reason, analyst=_analyst(analyst))


def note(subject: str, text: str, *, db: Db, analyst: str | None = None) -> Edit:
    """Attach a note to an entity (id or name), an event (``ev:...``) or a fact (``ENTITY#attribute``).

    The note is recorded with who and when like an edit, and undone the same way."""
    from .edits import note_on

    with _using(db) as store:
        return note_on(store, subject, text, analyst=_analyst(analyst))


def undo(*, db: Db, analyst: str | None = None, edit_id: int | None = None) -> Edit:
    """Undo the latest analyst edit in force (or edit ``edit_id``); returns the edit undone."""
    from .edits import undo_edit

    with _using(db) as store:
        return undo_edit(store, analyst=_analyst(analyst), edit_id=edit_id)


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
    from .edits import find_entity

    with _using(db) as store:
        return store.place(find_entity(store, name_or_id).id)


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


def list_entities(*, db: Db, filters: dict[str, str] | None = None, q: str = "", sort: str = "-articles",
                  limit: int = 50, offset: int = 0) -> ListPage:
    """A page of entities with the total and facet counts (class, type, country, registry)."""
    with _using(db) as store:
        return _browse.entity_page(store, filters=filters or {}, q=q, sort=sort, limit=limit, offset=offset)


def list_articles(*, db: Db, filters: dict[str, str] | None = None, q: str = "", sort: str = "-published",
                  limit: int = 50, offset: int = 0) -> ListPage:
    """A page of articles with the total and facet counts (outlet, year, language)."""
    with _using(db) as store:
        return _browse.article_list_page(store, filters=filters or {}, q=q, sort=sort, limit=limit, offset=offset)


def list_events(*, db: Db, filters: dict[str, str] | None = None, actor: str | None = None, place: str | None = None,
                since: str | None = None, sort: str = "-date", limit: int = 50, offset: int = 0,
                settings: Settings | None = None) -> ListPage:
    """A page of events with the total and facet counts (type, year, country, status, actor)."""
    from .events.query import find_events

    window = (settings or load_settings()).event_window_days
    with _using(db) as store:
        found = find_events(store, actor=actor, place=place, since=since, window_days=window)
        return _browse.event_page(store, found, filters=filters or {}, sort=sort, limit=limit, offset=offset)


def overview(*, db: Db) -> Overview:
    """Counts of articles, outlets, sentences and entities in the knowledge base."""
    with _using(db) as store:
        return _browse.overview(store)


def event(event_id: str, *, db: Db) -> Event:
    """One event across articles, by id (as ``events`` lists them)."""
    with _using(db) as store:
        return _browse.event_by_id(store, event_id)


def event_places(events: list[Event], *, db: Db) -> dict[str, Place]:
    """Where each event happened, for the events whose place has coordinates (event id -> Place)."""
    with _using(db) as store:
        return _browse.event_places(store, events)


def lineage_view(*, db: Db, entity: str | None = None, article: str | None = None) -> _browse.LineageView:
    """Who copied or rewrote whom: the source groups of an entity's articles, of one article, or of all."""
    with _using(db) as store:
        return _browse.lineage_view(store, entity=entity, article=article)


def export(format: str, output: str | Path, *, db: Db, graph: str = "entities") -> list[Path]:
    """Write the knowledge base as STIX 2.1, GraphML, GEXF, CSV or JSON Lines; returns the files written."""
    with _using(db) as store:
        return _export_pkg.export(store, format, output, graph=graph)


def create_app(db: str | Path, *, token: str | None = None, settings: Settings | None = None):
    """The web app (a FastAPI application) over the knowledge base at ``db``; see docs/web.md."""
    from .web import create_app as _create_app

    return _create_app(db, token=token, settings=settings)


def compare(a: str | Path, b: str | Path, *, db: Db | None = None, settings: Settings | None = None) -> Comparison:
    """How two articles relate: copy, rewrite, same story or unrelated, with evidence and direction.

    Without ``db``, ``a`` and ``b`` are article files (cleaned and analysed as ingest would); with
    ``db``, they are stored articles (id, unique id prefix or source path).
    """
    from .relations.service import compare_files, compare_stored

    if db is None:
        return compare_files(a, b, settings=settings)
    with _using(db) as store:
        return compare_stored(store, str(a), str(b), settings=settings)


def lineage(*, db: Db) -> Lineage:
    """The independent source groups: articles linked by copy or rewrite, with who derived from whom."""
    from .relations.lineage import build_lineage

    with _using(db) as store:
        return build_lineage(store)


def relate(*, db: Db, settings: Settings | None = None) -> int:
    """Compare stored articles that were ingested before relations existed; the number compared."""
    from .pipeline import relate_stored

    with _using(db) as store:
        return relate_stored(store, settings=settings)


def fetch_urls(urls: Iterable[str], *, db: Db, settings: Settings | None = None, allow_net: Iterable[str] = (),
          again: bool = False):
    """Fetch web pages (politely, behind the network guard) and ingest them; see docs/sources.md.

    A URL fetched before (by canonical form) is skipped unless ``again``. Returns a
    :class:`khabar.fetch.FetchReport`: one outcome with its reason per URL, and the ingest report.
    """
    from .fetch import fetch_pages

    with _using(db, create=True) as store:
        return fetch_pages(store, urls, settings=settings or load_settings(), allow_net=tuple(allow_net),
                           again=again)


def watch_feeds(feeds: Iterable[str] = (), *, db: Db, settings: Settings | None = None, allow_net: Iterable[str] = ()):
    """One pass over feeds, OPML lists and sitemaps (all watched ones when none given).

    New entries are fetched and ingested, and state is kept for the next pass; returns one
    :class:`khabar.fetch.FeedReport` per feed.
    """
    from .fetch import watch_feeds as _watch

    with _using(db, create=True) as store:
        return _watch(store, feeds, settings=settings or load_settings(), allow_net=tuple(allow_net))


def live_sources(*, db: Db, limit: int = 50):
    """Watched feeds with their state and the latest fetches (a :class:`khabar.fetch.Sources`)."""
    from .fetch import list_sources

    with _using(db) as store:
        return list_sources(store, limit=limit)
