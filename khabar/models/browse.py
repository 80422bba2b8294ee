"""Browsing surfaces: search hits, summaries, article pages, overviews and paged lists.

Part of :mod:`khabar.models` (which re-exports every name): frozen dataclasses with no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from .articles import Article, Sentence
from .entities import Citation

__all__ = [
    "SearchHit",
    "ArticleSummary",
    "EntitySummary",
    "Mark",
    "ArticlePage",
    "Findings",
    "Overview",
    "CoMention",
    "ListPage",
]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A sentence matching a full-text search."""

    citation: Citation
    rank: float


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """An article as listed: id, metadata and length, without its text."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    language: str
    words: int


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """An entity as listed: id, name, type, class and how much it is mentioned."""

    id: str
    name: str
    type: str  # spaCy label: PERSON, ORG, NORP, GPE, LOC, FAC
    cls: str  # PERSON, GROUP or PLACE
    registry_id: str | None
    articles: int
    mentions: int


@dataclass(frozen=True, slots=True)
class Mark:
    """A span of an article's clean text to mark on its page: a mention of an entity, or an event."""

    start: int
    end: int
    kind: str  # "mention" | "event"
    label: str  # spaCy label for mentions, event type for events
    entity_id: str | None = None
    note: str = ""  # what the mark stands for, shown on hover


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """Everything an article's page shows: the article (without its raw page), sentences and marks."""

    article: Article
    sentences: tuple[Sentence, ...]
    marks: tuple[Mark, ...]
    group: tuple[ArticleSummary, ...] = ()  # the other articles of its independent source group


@dataclass(frozen=True, slots=True)
class Findings:
    """What a search found: entities by name, articles by title or outlet, sentences by words."""

    query: str
    entities: tuple[EntitySummary, ...]
    articles: tuple[ArticleSummary, ...]
    sentences: tuple[SearchHit, ...]


@dataclass(frozen=True, slots=True)
class Overview:
    """Counts that describe a knowledge base at a glance."""

    articles: int
    outlets: int
    sentences: int
    entities: int
    groups: int  # entities of class GROUP
    people: int
    places: int
    rejected: int


@dataclass(frozen=True, slots=True)
class CoMention:
    """Two entities mentioned in the same articles: how many articles and sentences they share."""

    a: str  # entity id (a < b)
    b: str
    articles: int
    sentences: int


@dataclass(frozen=True, slots=True)
class ListPage:
    """One page of a list (entities, articles, events): the items, how many match, facet counts.

    ``facets`` maps a facet (``type``, ``outlet``, ``year`` ...) to (value, count) pairs over every
    item matching the filters, most frequent first; ``filters`` are the filters applied.
    """

    items: tuple
    total: int
    offset: int
    limit: int
    sort: str
    filters: tuple[tuple[str, str], ...] = ()
    facets: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    kind: str = ""  # entities, articles or events: names the JSON schema (khabar.entities/2 ...)
