"""Browsing the knowledge base: store -> the typed values that pages, the API and exports show.

No SQL here (that is ``store/browse.py``) and no formatting (that is ``render/`` and ``web/``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import NotFound
from .lookup import best_entity
from .models import (
    ArticlePage,
    ArticleSummary,
    EntitySummary,
    Event,
    EventReport,
    Findings,
    ListPage,
    Mark,
    Overview,
    Place,
)
from .store import Store

__all__ = [
    "overview",
    "find",
    "article_page",
    "entity_list",
    "article_list",
    "event_by_id",
    "event_places",
    "LineageView",
    "lineage_view",
    "entity_page",
    "article_list_page",
    "event_page",
    "EVENT_FACETS",
    "EVENT_SORTS",
]


def overview(store: Store) -> Overview:
    """Counts that describe the knowledge base."""
    return store.overview()


def find(store: Store, query: str, *, limit: int = 20) -> Findings:
    """Entities whose names start with ``query``, articles titled with it, sentences containing its words
    (a query asked again before the next commit is answered from the web app's shared reads)."""
    return store.cached(("find", query, limit), lambda: _find(store, query, limit))


def _find(store: Store, query: str, limit: int) -> Findings:
    return Findings(
        query=query,
        entities=tuple(store.search_entities(query, limit=limit)),
        articles=tuple(store.search_articles(query, limit=limit)),
        sentences=tuple(store.search(query, limit=limit)),
    )


def article_page(store: Store, ref: str) -> ArticlePage:
    """An article (by id, id prefix or source) with its sentences, marked mentions and source group."""
    article = store.get_article(ref)
    marks = [
        Mark(m.start, m.end, "mention", m.label, entity_id, m.cluster if m.cluster != m.text else "")
        for m, entity_id in store.mentions(article.id)
    ]
    for r in store.event_reports(article_ids=[article.id]):
        spans = r.evidence or ((r.start, r.end),)
        marks += [Mark(start, end, "event", r.type, None, _event_note(r)) for start, end in spans]
    return ArticlePage(
        article=replace(article, raw=""),  # the raw page can be megabytes; `khabar show` has it
        sentences=tuple(store.sentences(article.id)),
        marks=tuple(sorted(marks, key=lambda k: (k.start, -k.end))),
        group=tuple(store.article_summaries(ids=store.group_peers(article.id))),
    )


def _event_note(r: EventReport) -> str:
    """What an event mark says on hover: type, place, date, toll and who is said to be behind it."""
    parts = [r.type.replace("_", " ") + (f" in {r.place}" if r.place else "")]
    if r.date and r.date.value:
        parts.append(r.date.value)
    if r.killed:
        parts.append(f"killed: {r.killed.text}")
    parts += [f"{p.name} ({p.status})" for p in r.perpetrators]
    return "; ".join(parts)


def entity_list(store: Store, *, cls: str | None = None, limit: int = 100, offset: int = 0) -> list[EntitySummary]:
    """Entities (of class PERSON, GROUP or PLACE when given), most-mentioned first."""
    return store.entity_summaries(cls=cls, limit=limit, offset=offset)


def article_list(store: Store, *, limit: int = 50, offset: int = 0) -> list[ArticleSummary]:
    """Articles, newest first."""
    return store.article_summaries(limit=limit, offset=offset)


def event_by_id(store: Store, event_id: str, *, window_days: int) -> Event:
    """One event across articles, by its id."""
    from .events.query import find_events

    for event in find_events(store, window_days=window_days):
        if event.id == event_id:
            return event
    raise NotFound(f"no event {event_id!r}; `khabar events` lists them")


def event_places(store: Store, events: list[Event]) -> dict[str, Place]:
    """Event id -> the located place of the event (events at unlocated places are left out)."""
    out = {}
    for event in events:
        place = store.place(event.place_id) if event.place_id else None
        if place is not None and place.resolved:
            out[event.id] = place
    return out


@dataclass(frozen=True, slots=True)
class LineageView:
    """Source groups (copies and rewrites, with directions) about a subject, and the knowledge base's totals."""

    subject: str | None  # the entity's name or the article's title; None for the whole knowledge base
    groups: tuple  # of khabar.relations.values.SourceGroup, largest first
    total: object  # khabar.relations.values.Lineage of the whole knowledge base


def lineage_view(store: Store, *, entity: str | None = None, article: str | None = None) -> LineageView:
    """The source groups containing an article, or any article mentioning an entity (all when neither)."""
    from .relations.lineage import build_lineage

    total = build_lineage(store)
    if article:
        found = store.get_article(article)
        keep, subject = {found.id}, found.title or found.id
    elif entity:
        ref, _ = best_entity(store, entity)
        keep, subject = set(store.entity_article_ids(ref.id)), ref.name
    else:
        return LineageView(None, total.groups, total)
    groups = tuple(g for g in total.groups if keep & {m.id for m in g.members})
    return LineageView(subject, groups, total)


# --- faceted lists (the web app's lists, /api/entities, /api/articles, /api/events) -------------

EVENT_FACETS = ("type", "year", "country", "status", "actor")
EVENT_SORTS = {
    "-date": lambda e: _date_key(e),
    "date": lambda e: _date_key(e),
    "-killed": lambda e: e.killed.low if e.killed else -1,
    "killed": lambda e: e.killed.low if e.killed else -1,
    "-articles": lambda e: e.articles,
    "articles": lambda e: e.articles,
}


def _date_key(e: Event) -> str:
    return e.date.value if e.date and e.date.value else ""


def entity_page(
    store: Store, *, filters: dict[str, str], q: str = "", sort: str = "-articles", limit: int = 50, offset: int = 0
) -> ListPage:
    """Entities with facets (class, type, country, registry); ``filters`` keys outside those are ignored."""
    return store.entity_page(filters=filters, q=q, sort=sort, limit=limit, offset=offset)


def article_list_page(
    store: Store, *, filters: dict[str, str], q: str = "", sort: str = "-published", limit: int = 50, offset: int = 0
) -> ListPage:
    """Articles with facets (outlet, year, language)."""
    return store.article_page_list(filters=filters, q=q, sort=sort, limit=limit, offset=offset)


def event_page(
    store: Store, events: list[Event], *, filters: dict[str, str], sort: str = "-date", limit: int = 50, offset: int = 0
) -> ListPage:
    """Events with facets (type, year, country, perpetrator status, actor) over ``events``, sorted and paged."""
    places = event_places(store, events)
    values = {e.id: _event_facets(e, places.get(e.id)) for e in events}

    def keep(e: Event, skip: str | None = None) -> bool:
        return all(v in values[e.id].get(k, ()) for k, v in filters.items() if k != skip and k in EVENT_FACETS)

    chosen = [e for e in events if keep(e)]
    key = EVENT_SORTS.get(sort, EVENT_SORTS["-date"])
    chosen.sort(key=key, reverse=sort.startswith("-") or sort not in EVENT_SORTS)
    facets = []
    for facet in EVENT_FACETS:
        counts: dict[str, int] = {}
        for e in events:
            if keep(e, skip=facet):
                for v in values[e.id].get(facet, ()):
                    counts[v] = counts.get(v, 0) + 1
        facets.append((facet, tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:30])))
    return ListPage(
        tuple(chosen[offset : offset + limit]),
        len(chosen),
        offset,
        limit,
        sort,
        tuple(sorted(filters.items())),
        tuple(facets),
        "events",
    )


def _event_facets(e: Event, place: Place | None) -> dict[str, set[str]]:
    return {
        "type": {e.type},
        "year": {_date_key(e)[:4]} - {""},
        "country": {place.country} if place and place.country else set(),
        "status": {p.status for p in e.perpetrators},
        "actor": {p.name for p in e.perpetrators},
    }
