"""Documents as read, fetched, cleaned and analysed: raw input, paragraphs, articles, sentences, mentions.

Part of :mod:`khabar.models` (which re-exports every name): frozen dataclasses with no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "RawDocument",
    "FetchRecord",
    "Rejection",
    "ParagraphKind",
    "Paragraph",
    "DroppedParagraph",
    "Article",
    "Sentence",
    "Mention",
    "Analysis",
    "IngestReport",
    "InputWarning",
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
