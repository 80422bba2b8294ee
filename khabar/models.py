"""Typed values that cross khabar's stage boundaries.

Every value here is a frozen dataclass with no I/O. Character offsets (``start``, ``end``) always
point into an article's *clean text* (``Article.text``), so any output can be traced back to the
exact span of the article that states it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "RawDocument",
    "FetchRecord", "FeedEntry", "Feed", "FetchRow",
    "Rejection",
    "ParagraphKind",
    "Paragraph",
    "DroppedParagraph",
    "Article",
    "Sentence",
    "Mention",
    "Analysis",
    "EntityRef",
    "EntityRecord",
    "AliasRecord",
    "Resolution",
    "Citation",
    "AliasSupport",
    "Neighbour",
    "Dossier",
    "SearchHit",
    "IngestReport",
    "InputWarning",
    "Place", "AliasConflict", "EntityLink", "Edit",
    "ArticleSummary", "EntitySummary", "Mark", "ArticlePage", "Findings", "Overview", "CoMention",
    "DateValue", "Figure", "Perpetrator", "EventReport", "Fact", "SupportedValue", "TollPoint", "Toll",
    "Responsibility", "Conflict", "Event", "ProfileFact", "Question",
]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document as read from a source, before cleaning.

    ``content`` is decoded text: an HTML page (``kind == "html"``) or plain article text
    (``kind == "text"``). Metadata fields are whatever the source itself provided.
    """

    source: str  # path, or path#line for JSON Lines records
    kind: str  # "html" | "text"
    content: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO 8601 date or datetime (sources.py parses other forms at the edge)
    author: str | None = None
    language: str | None = None
    published_original: str | None = None  # the value as the source gave it, when it was not plain ISO
    published_precision: str | None = None  # day | time (published set); month | year | unknown (published None)
    response: FetchRecord | None = None  # set for pages fetched over HTTP or read from a web archive


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """The raw HTTP response a document came from (a live fetch, or a web-archive record).

    URLs are stored with any user name, password or secret-looking query value redacted;
    ``headers`` leave out cookies and authorisation headers.
    """

    url: str  # as asked for
    final_url: str  # after redirects
    canonical_url: str  # final_url normalised (courlan): the key that stops a page being fetched twice
    status: int
    fetched_at: str  # ISO 8601 UTC; the capture date (WARC-Date) for archive records
    body_hash: str  # sha256 of the body bytes as received (after content-encoding)
    size: int  # body bytes
    content_type: str = ""
    charset: str = ""  # as declared in the headers, '' when none
    http_version: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    redirects: tuple[str, ...] = ()  # every URL before final_url, in order
    seconds: float = 0.0
    via: str = "http"  # http | warc | arc


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not be used, with a one-line reason saying what to do."""

    source: str
    code: str  # short machine code: binary, empty, encoding, too-large, json, no-text, ...
    reason: str


class ParagraphKind(str, Enum):
    """What a paragraph of a page is, as decided by the cleaner."""

    BODY = "body"
    SHARE = "share"  # share prompts, "follow us"
    CALL_TO_ACTION = "call-to-action"  # "what are your views? tell us in the comments"
    RELATED = "related"  # "also read", "related", "featured", "most read" boxes
    COMMENT = "comment"  # reader comments
    CAPTION = "caption"  # photo captions and credits
    CREDIT = "credit"  # "(With inputs from agencies)", bylines repeated in the body
    ADVERT = "advert"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A kept paragraph of an article's clean text, with its language."""

    index: int
    start: int
    end: int
    language: str  # ISO 639-1/3 code from the language-ID model, "und" when unknown
    language_score: float


@dataclass(frozen=True, slots=True)
class DroppedParagraph:
    """A paragraph the cleaner removed, kept for inspection (``khabar show``)."""

    index: int  # position among all paragraphs of the source text
    text: str
    kind: ParagraphKind
    reason: str


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: main text, metadata, paragraphs with languages, what was dropped."""

    id: str
    content_hash: str
    source: str
    kind: str
    raw: str
    text: str
    title: str | None
    outlet: str | None
    url: str | None
    author: str | None
    published: str | None
    language: str
    paragraphs: tuple[Paragraph, ...]
    dropped: tuple[DroppedParagraph, ...] = ()
    published_original: str | None = None  # as the source gave it (see RawDocument)
    published_precision: str | None = None

    def english_spans(self) -> list[tuple[int, int]]:
        """Character spans of the paragraphs that English extraction may read."""
        return [(p.start, p.end) for p in self.paragraphs if p.language == "en"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article's clean text."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention, with the in-article group (``cluster``) it belongs to.

    ``cluster`` is the canonical surface form of the group within this article (the longest
    form: "Islamic State Khorasan Province" for a mention "ISKP" in the same article).
    """

    start: int
    end: int
    text: str
    label: str  # spaCy label: PERSON, ORG, NORP, GPE, LOC, FAC, DATE, CARDINAL, MONEY, ...
    sentence: int
    cluster: str
    ent_id: str = ""  # registry or gazetteer id set by the entity ruler, if any


@dataclass(frozen=True, slots=True)
class Analysis:
    """What language analysis found in one article."""

    article_id: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A stored entity, by id, name and type."""

    id: str
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """An entity as resolution creates or confirms it."""

    id: str
    name: str
    type: str  # majority spaCy label: PERSON, ORG, NORP, GPE, LOC, FAC
    cls: str  # PERSON, GROUP or PLACE
    registry_id: str | None = None


@dataclass(frozen=True, slots=True)
class AliasRecord:
    """A name of an entity and where it was used or asserted."""

    entity_id: str
    alias: str
    source: str  # "text", "stated", "registry", "analyst"
    article_id: str = ""
    start: int = -1
    end: int = -1
    resolved_id: str = ""  # the resolver's entity before analyst edits, when they differ


@dataclass(frozen=True, slots=True)
class Resolution:
    """Entity ids for an article's mentions (aligned with ``Analysis.mentions``; None for non-names)."""

    entity_ids: tuple[str | None, ...]
    entities: tuple[EntityRecord, ...]
    aliases: tuple[AliasRecord, ...]
    article_id: str = ""
    resolved_ids: tuple[str | None, ...] = ()  # the resolver's choice before analyst edits (issue 4)
    places: tuple[Place, ...] = ()  # gazetteer entries (or unresolved places) of the place entities
    conflicts: tuple[AliasConflict, ...] = ()  # aliases that would have joined two registry entities


@dataclass(frozen=True, slots=True)
class Citation:
    """A cited span of an article: the unit of evidence."""

    article_id: str
    outlet: str | None
    title: str | None
    published: str | None
    start: int
    end: int
    text: str
    url: str | None = None
    group_id: str | None = None  # independent source group of the article, when known


@dataclass(frozen=True, slots=True)
class AliasSupport:
    """One name of an entity with where it was used or asserted."""

    alias: str
    articles: int
    outlets: int
    sources: tuple[str, ...]  # "stated" (asserted as an alias), "text" (used), "registry", "analyst"
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class Neighbour:
    """An entity often mentioned together with another, with how often."""

    entity: EntityRef
    articles: int
    sentences: int


@dataclass(frozen=True, slots=True)
class Dossier:
    """The answer to "Who is X?" (first slice: identity, aliases, reach, neighbours, evidence)."""

    query: str
    entity: EntityRef
    aliases: tuple[AliasSupport, ...]
    articles: int
    outlets: int
    source_groups: int  # independent source groups among the articles (copies/rewrites collapsed)
    neighbours: tuple[Neighbour, ...]
    evidence: tuple[Citation, ...]
    candidates: tuple[EntityRef, ...] = ()  # other entities the query also matched
    links: tuple[EntityLink, ...] = ()  # parent, affiliates, rivals, roles (registry and analyst)
    place: Place | None = None  # gazetteer entry when the entity is a place
    conflicts: tuple[AliasConflict, ...] = ()  # alias conflicts involving the entity, for the analyst
    facts: tuple[ProfileFact, ...] = ()  # founded, leader, based in, strength ... each value with support (issue 5)
    relations: tuple[ProfileFact, ...] = ()  # affiliate of, linked to, rival of, leads / led by, from the text
    attacks: tuple[Event, ...] = ()  # events the actor is named as behind, oldest first
    disputes: tuple[Conflict, ...] = ()  # where sources disagree: founding, strength, leader, responsibility, tolls
    questions: tuple[Question, ...] = ()  # open questions, each with the citations that raise it
    uncertain: tuple[Uncertain, ...] = ()  # values below min_confidence, with the reason (issue 10)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A sentence matching a full-text search."""

    citation: Citation
    rank: float


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest run did."""

    read: int
    added: int
    unchanged: int
    rejected: tuple[Rejection, ...]
    seconds: float
    words: int
    warnings: tuple[InputWarning, ...] = ()  # inputs stored, but with something to know (a date not understood)
    internal_errors: int = 0  # rejections with code "internal": a bug in khabar met on that input
    error_log: str | None = None  # file with the tracebacks of the internal errors

    @property
    def ok(self) -> bool:
        """False only when nothing at all could be read."""
        return self.read > 0 or not self.rejected


@dataclass(frozen=True, slots=True)
class InputWarning:
    """An input that was stored, with something the user should know (a ``published`` not understood ...)."""

    source: str
    code: str
    message: str


# --- events, facts, corroboration (issue 5) ---------------------------------------------------


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


# --- actors, aliases and places (issue 4) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry a place mention resolved to, or an unresolved place kept with its reason.

    ``level`` is "country", "admin1" (province, state, region), "admin2" (district, county) or
    "city"; "unresolved" when no gazetteer entry fits, and then latitude and longitude are None
    (never 0, 0) and ``note`` says why.
    """

    id: str  # entity id: "place:<GeoNames id>", or "e:..." when unresolved
    name: str
    level: str
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None  # name of the first-level region containing it
    latitude: float | None
    longitude: float | None
    population: int = 0
    geonames_id: int | None = None
    note: str = ""  # how it was chosen, or why it is unresolved
    confidence: float | None = None  # the geocoding ranker's probability for this entry (None: not ranked)

    @property
    def resolved(self) -> bool:
        """True when the place has a gazetteer entry with coordinates."""
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True, slots=True)
class AliasConflict:
    """A name that would have joined two registry entities; kept apart for the analyst to decide."""

    alias: str
    entity_id: str  # the entity the name's group was resolved to
    other_id: str  # the registry entity the name itself belongs to
    reason: str
    article_id: str = ""
    start: int = -1
    end: int = -1


@dataclass(frozen=True, slots=True)
class EntityLink:
    """A typed link from an entity to another: parent, affiliate, rival, role ..."""

    relation: str  # affiliate_of, has_affiliate, faction_of, rival_of, linked_to, leader_of, ...
    entity: EntityRef
    source: str  # "registry" or "analyst"
    articles: int = 0  # articles of this knowledge base mentioning the linked entity
    note: str = ""  # e.g. the role's start year


@dataclass(frozen=True, slots=True)
class Edit:
    """An analyst's merge or split, with who, when and why; ``undone_at`` is set once undone."""

    id: int
    action: str  # "merge" | "split"
    entity_id: str  # merge: the entity merged away; split: the entity split
    target_id: str  # merge: the entity kept; split: the new entity
    aliases: tuple[str, ...]  # split: the names moved to the new entity
    reason: str
    analyst: str
    created_at: str
    undone_at: str | None = None


# --- browsing surfaces and exports (issue 6) --------------------------------------------------


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


# --- analyst edits as rules (issue 4; a value the resolver applies, so it lives with the models) -----


@dataclass(frozen=True, slots=True)
class EditRules:
    """The edits in force, in order, as a function from (resolver's entity, name key) to entity."""

    edits: tuple[Edit, ...] = ()
    retired: tuple[tuple[str, str], ...] = ()  # (entity made by an undone split, entity it came from)

    @classmethod
    def of(cls, edits: Sequence[Edit]) -> EditRules:
        """Rules from every edit made (undone ones included: their new entities are retired)."""
        retired = tuple((e.target_id, e.entity_id) for e in edits if e.undone_at and e.action == "split")
        return cls(tuple(e for e in edits if not e.undone_at), retired)

    def apply(self, entity_id: str | None, norm: str) -> str | None:
        """The entity a mention or alias named ``norm`` belongs to after the edits."""
        for new, old in self.retired:
            if entity_id == new:
                entity_id = old
        for edit in self.edits:
            if entity_id != edit.entity_id:
                continue
            if edit.action == "merge" or (edit.action == "split" and norm in edit.aliases):
                entity_id = edit.target_id
        return entity_id


# --- relations between articles (issue 3; moved here from relations/values.py, which re-exports) ----


class Relation(str, Enum):
    """How two articles relate, strongest first."""

    COPY = "copy"  # the same text up to formatting, boilerplate and small edits
    REWRITE = "rewrite"  # one article's content re-expressed (or partly copied) by the other
    SAME_STORY = "same-story"  # independent reports of the same event
    UNRELATED = "unrelated"
    UNDETERMINED = "undetermined"  # khabar cannot tell (no text, or languages it cannot compare)

    @property
    def derived(self) -> bool:
        """True when one article derives from the other (they are one source, not two)."""
        return self in (Relation.COPY, Relation.REWRITE)


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What comparing needs of an article: its text, sentences (offsets into the text) and metadata."""

    id: str
    text: str
    sentences: tuple[Sentence, ...]
    language: str
    published: str | None = None
    outlet: str | None = None
    title: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class StoredText:
    """What comparing needs of a stored article: text, metadata, paragraph languages, English sentences."""

    id: str
    text: str
    language: str
    published: str | None
    outlet: str | None
    title: str | None
    source: str  # articles.source is NOT NULL
    paragraphs: tuple[tuple[int, int, str], ...]  # (start, end, language)
    sentences: tuple[Sentence, ...]  # spaCy sentences of the English paragraphs


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """The index entry of an article: MinHash of its 5-shingles, document vectors and key terms."""

    article_id: str
    minhash: np.ndarray  # uint32 MinHash values of the word 5-shingles
    embedding: np.ndarray  # float32 document vector (English model), L2-normalised
    keys: frozenset[str]  # capitalised words and numbers (see text.key_terms)
    language: str
    published: str | None = None
    lede: np.ndarray | None = None  # float32 multilingual vector of the first words, when enabled


@dataclass(frozen=True, slots=True)
class SentencePair:
    """Sentence ``a`` of the first article aligned with sentence ``b`` of the second."""

    a: int
    b: int
    similarity: float  # 0..1 blend of embedding cosine and word overlap
    verbatim: bool  # nearly the same words (a copied sentence rather than a paraphrase)


@dataclass(frozen=True, slots=True)
class Comparison:
    """The relation between two articles, with its evidence.

    ``origin`` names the article the other derives from (copy and rewrite only) and
    ``direction_reason`` says why; ``pairs`` are the aligned sentences (indexes into ``a.sentences``
    and ``b.sentences``) with their similarity.
    """

    a: ArticleView
    b: ArticleView
    relation: Relation
    score: float  # 0..1: how alike the two stories are (1 = the same text)
    reason: str
    coverage_a: float = 0.0  # share of a's sentence text aligned with b
    coverage_b: float = 0.0
    shared_passages: float = 0.0  # share of the shorter article's word 5-grams found in the other
    in_order: float = 0.0
    pairs: tuple[SentencePair, ...] = ()
    origin: str | None = None  # id of the article the other derives from
    direction_reason: str = ""
    model: str = ""  # sentence-embedding model used for the alignment
    derivation: float = 0.0  # 0..1: probability that one text was written from the other
    features: tuple[float, ...] = ()  # the derivation evidence (khabar.relations.derivation.FEATURES)

    @property
    def story_similarity(self) -> float:
        """0..1: how alike the two stories are (the ``score``; what SemEval ratings measure)."""
        return self.score

    @property
    def derived(self) -> str | None:
        """Id of the derived article (the copy or rewrite), when a direction is known."""
        if self.origin is None:
            return None
        return self.b.id if self.origin == self.a.id else self.a.id


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article as lineage lists it."""

    id: str
    outlet: str | None
    title: str | None
    published: str | None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class LineageEdge:
    """A stored copy or rewrite relation: ``derived`` derives from ``origin`` (both None: unknown)."""

    a: str
    b: str
    relation: Relation
    score: float
    origin: str | None
    reason: str
    direction_reason: str


@dataclass(frozen=True, slots=True)
class SourceGroup:
    """Articles linked by copy or rewrite: one independent source, named after its originating article."""

    id: str  # id of the originating (earliest) article
    origin: ArticleRef
    members: tuple[ArticleRef, ...]  # origin first, then by publication
    edges: tuple[LineageEdge, ...]


@dataclass(frozen=True, slots=True)
class Lineage:
    """Every source group of a knowledge base with two or more members, and the totals."""

    groups: tuple[SourceGroup, ...]
    articles: int  # articles in the knowledge base
    independent: int  # independent source groups (a lone article counts as one)
    same_story: int = 0  # stored same-story links (not derivations; not drawn as groups)
    notes: tuple[str, ...] = field(default=())


# --- the stage contract (issue 9; see docs/architecture.md) ----------------------------------------


@dataclass(frozen=True, slots=True)
class RelationFindings:
    """What the relations stage found for one new article.

    ``fingerprint`` (with the embedding ``model`` of its document vector) is derived from the article
    alone; ``comparisons`` (copies, rewrites, same-story pairs with stored articles) and ``groups``
    (article -> source group for every article whose group the new links touch; empty when none) are
    found against the knowledge base through a read-only view.
    """

    fingerprint: Fingerprint
    model: str
    comparisons: tuple[Comparison, ...] = ()
    groups: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """Everything khabar derives from one article, saved whole by the pipeline in one transaction.

    The per-article stages fill it from the article alone (pure functions, no store): it is a plain
    picklable value, so that part may run in another process or on another machine. A field left
    ``None`` means its stage did not run (nothing is written for it).
    """

    article: Article
    analysis: Analysis
    resolution: Resolution
    events: tuple[EventReport, ...] | None = None
    facts: tuple[Fact, ...] | None = None
    relations: RelationFindings | None = None


__all__ += [
    "EditRules", "Relation", "ArticleView", "StoredText", "Fingerprint", "SentencePair", "Comparison", "ArticleRef",
    "LineageEdge", "SourceGroup", "Lineage", "RelationFindings", "ArticleResult",
]
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
# --- live sources (issue 12): feeds, sitemaps and what was fetched ---------------------------------


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item a feed or sitemap lists: a page to fetch."""

    key: str  # the entry's id, else its link
    url: str
    title: str = ""
    published: str = ""


@dataclass(frozen=True, slots=True)
class Feed:
    """A watched feed or sitemap with its conditional-GET state and entry counts."""

    url: str
    parent: str = ""
    kind: str = ""
    title: str = ""
    etag: str = ""
    last_modified: str = ""
    added_at: str = ""
    checked_at: str = ""
    last_status: int = 0
    last_outcome: str = ""
    last_reason: str = ""
    pending: int = 0
    done: int = 0
    refused: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class FetchRow:
    """A stored fetch, as listed by ``khabar sources`` and the web app."""

    source: str
    final_url: str
    status: int
    fetched_at: str
    via: str
    outcome: str
    article_id: str | None
    reason: str
