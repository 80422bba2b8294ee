"""Attack events, tolls, dates, perpetrators, facts about actors, and how reports of them agree or conflict.

Part of :mod:`khabar.models` (which re-exports every name): frozen dataclasses with no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from .entities import Citation

__all__ = [
    "DateValue",
    "Figure",
    "Perpetrator",
    "EventReport",
    "Fact",
    "SupportedValue",
    "TollPoint",
    "Toll",
    "Responsibility",
    "Uncertain",
    "Conflict",
    "Event",
    "Question",
    "ProfileFact",
]


@dataclass(frozen=True, slots=True)
class DateValue:
    """A date stated in text, resolved against the article's publication date."""

    text: str
    start: int
    end: int
    value: str | None  # ISO date of the first day of the period; None when unresolved
    precision: str  # day, week, month, year, decade, or "none" (unresolved)
    note: str = ""  # how it was resolved, or why it could not be


@dataclass(frozen=True, slots=True)
class Figure:
    """A reported count ("at least 63", "dozens", "7,000 to 12,000") kept as a range."""

    text: str
    start: int
    end: int
    value: int  # the number as written (lower end of a range; conventional floor of "dozens")
    qualifier: str  # exact, at_least, more_than, about, up_to, fewer_than, range, vague
    low: int  # smallest count the wording allows
    high: int | None = None  # largest count the wording allows; None when open-ended


@dataclass(frozen=True, slots=True)
class Perpetrator:
    """Who is said to be behind an event, how firmly, and who says so."""

    name: str
    status: str  # claimed, attributed, suspected, denied
    source: str  # who said so ("the group", "US officials"); "" when the article does not say
    start: int
    end: int
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class EventReport:
    """One article's account of one attack or violent event."""

    article_id: str
    index: int  # position among the article's events (0 = the article's main event)
    type: str  # one of khabar.events.EVENT_TYPES
    date: DateValue | None
    place: str | None
    place_id: str | None
    perpetrators: tuple[Perpetrator, ...]
    killed: Figure | None
    injured: Figure | None
    target: str | None  # one of khabar.events.TARGET_TYPES
    start: int  # the first sentence reporting it
    end: int
    evidence: tuple[tuple[int, int], ...] = ()  # every sentence that contributed
    published: str | None = None
    place_start: int = -1  # the place's mention, when one is named
    place_end: int = -1


@dataclass(frozen=True, slots=True)
class Fact:
    """One statement about an actor: (subject, attribute, value) normalised, with its sentence."""

    article_id: str
    subject: str
    subject_id: str | None
    attribute: str  # one of khabar.facts.ATTRIBUTES
    value: str  # normalised: a year, a count range "1500-2200", a name key
    display: str  # readable value as the article puts it
    qualifier: str  # "late", "about", "as high as", "" ...
    start: int  # the evidence sentence
    end: int
    object_id: str | None = None  # entity id of the value, when it is an actor or place
    subject_start: int = -1  # the subject's mention, when the sentence names it
    subject_end: int = -1
    high: int | None = None  # upper end of a count range (strength)
    on: str = ""  # bounty: the person the reward is offered for


@dataclass(frozen=True, slots=True)
class SupportedValue:
    """A value with the articles and independent source groups that state it."""

    value: str
    display: str
    articles: int
    source_groups: int
    citations: tuple[Citation, ...]
    qualifier: str = ""
    object_id: str | None = None
    confidence: float = 1.0  # from measured rule precision and independent sources (khabar/confidence.py)


@dataclass(frozen=True, slots=True)
class TollPoint:
    """A toll as one report gave it, at that report's time."""

    published: str | None
    figure: Figure
    citation: Citation


@dataclass(frozen=True, slots=True)
class Toll:
    """Reported tolls over report time: the range and the latest figure (never an average)."""

    series: tuple[TollPoint, ...]  # oldest report first
    low: int  # lowest figure reported
    high: int | None  # highest figure reported (None when only open-ended figures exist)
    latest: TollPoint


@dataclass(frozen=True, slots=True)
class Responsibility:
    """An actor named as behind an event, with status, who says so and support."""

    name: str
    entity_id: str | None
    status: str  # claimed, attributed, suspected, denied
    sources: tuple[str, ...]
    articles: int
    source_groups: int
    citations: tuple[Citation, ...]
    confidence: float = 1.0  # from measured rule precision and independent sources (khabar/confidence.py)


@dataclass(frozen=True, slots=True)
class Uncertain:
    """A value held back from the dossier because its confidence is below ``min_confidence``."""

    what: str  # "fact: leader", "relation: affiliate_of", "attack: perpetrator"
    value: str
    confidence: float
    reason: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources that disagree: the competing values side by side, each with its support."""

    kind: str  # founded, strength, leader, responsibility, toll, ...
    subject: str  # the actor or event the disagreement is about
    values: tuple[SupportedValue, ...]
    note: str


@dataclass(frozen=True, slots=True)
class Event:
    """One event across articles: every report, tolls over time, perpetrators, support, conflicts."""

    id: str
    type: str
    date: DateValue | None
    place: str | None
    place_id: str | None
    perpetrators: tuple[Responsibility, ...]
    killed: Toll | None
    injured: Toll | None
    target: str | None
    reports: tuple[EventReport, ...]
    citations: tuple[Citation, ...]  # aligned with reports
    articles: int
    source_groups: int
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    """An open question a dossier raises (an unclaimed attack, a disputed value), with its sources."""

    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class ProfileFact:
    """An attribute of an actor with every value stated for it and each value's support."""

    attribute: str
    values: tuple[SupportedValue, ...]  # best supported first
