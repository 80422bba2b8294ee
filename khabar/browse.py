"""Browsing the knowledge base: store -> the typed values that pages, the API and exports show.

No SQL here (that is ``store/browse.py``) and no formatting (that is ``render/`` and ``web/``).
"""

from __future__ import annotations

from dataclasses import replace

from .errors import NotFound
from .models import ArticlePage, ArticleSummary, EntitySummary, Event, Findings, Mark, Overview, Place
from .store import Store

__all__ = ["overview", "find", "article_page", "entity_list", "article_list", "event_by_id", "event_places"]


def overview(store: Store) -> Overview:
    """Counts that describe the knowledge base."""
    return store.overview()


def find(store: Store, query: str, *, limit: int = 20) -> Findings:
    """Entities whose names start with ``query``, articles titled with it, sentences containing its words."""
    return Findings(
        query=query,
        entities=tuple(store.search_entities(query, limit=limit)),
        articles=tuple(store.search_articles(query, limit=limit)),
        sentences=tuple(store.search(query, limit=limit)),
    )


def article_page(store: Store, ref: str) -> ArticlePage:
    """An article (by id, id prefix or source) with its sentences, marked mentions and source group."""
    article = store.get_article(ref)
    marks = [Mark(m.start, m.end, "mention", m.label, entity_id, m.cluster if m.cluster != m.text else "")
             for m, entity_id in store.mentions(article.id)]
    return ArticlePage(
        article=replace(article, raw=""),  # the raw page can be megabytes; `khabar show` has it
        sentences=tuple(store.sentences(article.id)),
        marks=tuple(sorted(marks, key=lambda k: (k.start, -k.end))),
        group=tuple(store.article_summaries(ids=store.group_members(article.id))),
    )


def entity_list(store: Store, *, cls: str | None = None, limit: int = 100, offset: int = 0) -> list[EntitySummary]:
    """Entities (of class PERSON, GROUP or PLACE when given), most-mentioned first."""
    return store.entity_summaries(cls=cls, limit=limit, offset=offset)


def article_list(store: Store, *, limit: int = 50, offset: int = 0) -> list[ArticleSummary]:
    """Articles, newest first."""
    return store.article_summaries(limit=limit, offset=offset)


def event_by_id(store: Store, event_id: str) -> Event:
    """One event across articles, by its id."""
    from .events.query import find_events

    for event in find_events(store):
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

