"""Cleaning: :class:`RawDocument` -> :class:`Article` (or a :class:`Rejection` saying why not).

Web pages go through trafilatura (main text, metadata, reader comments split off). Then every
paragraph, from HTML or plain text alike, is classified as article text or boilerplate by the rules
in ``data/boilerplate.toml`` (share prompts, calls to comment, related/also-read boxes, captions,
credits, reader-comment sections), and each kept paragraph gets a language. Dropped paragraphs are
kept on the Article with their reason, so nothing disappears without a trace.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, cast

from .language import identify, main_script
from .models import Article, DroppedParagraph, Paragraph, ParagraphKind, RawDocument, Rejection
from .settings import default_of

if TYPE_CHECKING:
    from trafilatura.settings import Document

__all__ = ["clean", "classify_paragraph", "normalise_text", "content_hash", "article_id", "extract_html"]

# In-body link boxes and asides that trafilatura keeps when they sit inside the story container.
# Kept narrow on purpose: a broad `contains(@class,"featured")` or `"share"` prune removed real
# article text on the extraction benchmark (F1 0.965 -> 0.933 / 0.943); these rules cost nothing there.
_PRUNE_XPATH = [
    '//*[contains(@class,"related") or contains(@class,"also-read") or contains(@class,"most-read")]',
    "//aside",
    '//*[(self::aside or self::section or self::ul or self::ol) and contains(@class,"featured")]',
    '//*[contains(@class,"share") and not(.//p)] | //*[contains(@class,"newsletter") and not(.//p)]'
    ' | //*[contains(@class,"cookie") and not(.//p)]',
]
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: ParagraphKind
    pattern: re.Pattern[str]
    max_chars: int


@dataclass(frozen=True, slots=True)
class _Page:
    """What trafilatura found in a web page."""

    paragraphs: list[str]
    comments: list[str]
    title: str | None
    author: str | None
    published: str | None
    outlet: str | None
    url: str | None


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[_Rule, ...], tuple[re.Pattern[str], ...]]:
    data = tomllib.loads(resources.files("khabar").joinpath("data/boilerplate.toml").read_text("utf-8"))
    rules = tuple(
        _Rule(ParagraphKind(r["kind"]), re.compile(r["pattern"], re.I), int(r["max_chars"])) for r in data["rule"]
    )
    starts = tuple(re.compile(p, re.I) for p in data["comments"]["start"])
    return rules, starts


def classify_paragraph(text: str) -> tuple[ParagraphKind, str]:
    """Classify one paragraph; returns (kind, reason). Article text is ``ParagraphKind.BODY``."""
    stripped = text.strip()
    rules, _ = _rules()
    for rule in rules:
        if len(stripped) <= rule.max_chars and rule.pattern.search(stripped):
            return rule.kind, f"matches the {rule.kind.value} rule /{rule.pattern.pattern[:48]}.../"
    return ParagraphKind.BODY, ""


def _starts_comments(text: str) -> bool:
    _, starts = _rules()
    stripped = text.strip()
    return len(stripped) <= 80 and any(p.search(stripped) for p in starts)


def normalise_text(text: str) -> str:
    """Normalise text for hashing: Unicode NFKC, case-folded, whitespace collapsed."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def content_hash(text: str) -> str:
    """Hash of the normalised clean text (the same text always gets the same hash)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def article_id(text: str, outlet: str | None) -> str:
    """Article id: hash of normalised text and outlet.

    The same text from the same outlet is one article, however often it is ingested; the same wire
    text carried by two outlets is two articles (that copy detection then links as copies).
    """
    key = content_hash(text) + "\x00" + normalise_text(outlet or "")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def extract_html(html: str, url: str | None = None) -> _Page | None:
    """Main text, comments and metadata of a page via trafilatura; None when no main text is found."""
    import trafilatura

    doc = cast(
        "Document | None",
        trafilatura.bare_extraction(  # a Document: as_dict is left off
            _tame(html),
            url=url,
            favor_precision=True,
            include_comments=True,
            include_tables=False,
            with_metadata=True,
            prune_xpath=_PRUNE_XPATH,
        ),
    )
    if doc is None or not (doc.text or "").strip():
        return None
    return _Page(
        paragraphs=[p for p in (doc.text or "").split("\n") if p.strip()],
        comments=[c for c in (doc.comments or "").split("\n") if c.strip()],
        title=doc.title,
        author=doc.author,
        published=doc.date,
        outlet=doc.sitename or doc.hostname,
        url=doc.url or url,
    )


# A tag whose attributes run past this many characters has them dropped before parsing: one <p> with
# 100,000 attributes (1 MB) took trafilatura 180 s; real pages stay far below (the longest attribute
# run on the extraction benchmark's pages is a few KB of inline JSON/style).
_LONG_TAG = re.compile(r"<([A-Za-z][\w:-]{0,30})\s[^<>]{20000,}>")


def _tame(html: str) -> str:
    """The page with pathological tags reduced so that parsing time stays bounded."""
    return _LONG_TAG.sub(r"<\1>", html)


def _words(text: str) -> int:
    """Words with at least one letter or digit (zero-width spaces and BOMs are not words)."""
    return sum(1 for w in text.split() if _VISIBLE.search(w))


_VISIBLE = re.compile(r"[^\W_]")


def clean(
    raw: RawDocument,
    *,
    min_words: int = default_of("min_words"),
    language_min_score: float = default_of("language_min_score"),
) -> Article | Rejection:
    """Clean one raw document into an Article, or reject it with a reason."""
    if raw.kind == "html":
        try:
            page = extract_html(raw.content, raw.url)
        except Exception as exc:  # lxml raises many types on broken markup; record, do not crash the run
            return Rejection(raw.source, "html", f"HTML could not be parsed ({type(exc).__name__}: {exc})")
        if page is None:
            return Rejection(raw.source, "no-text", "no main article text found in the HTML page")
        paragraphs, comments = page.paragraphs, page.comments
        meta = {
            "title": raw.title or page.title,
            "author": raw.author or page.author,
            "published": raw.published or page.published,
            "outlet": raw.outlet or page.outlet,
            "url": raw.url or page.url,
        }
    else:
        paragraphs = [p.strip() for p in _PARAGRAPH_SPLIT.split(raw.content) if p.strip()]
        comments = []
        meta = {
            "title": raw.title,
            "author": raw.author,
            "published": raw.published,
            "outlet": raw.outlet,
            "url": raw.url,
        }
    kept, dropped = _sort_paragraphs(paragraphs, comments)
    text = "\n\n".join(kept)
    words = _words(text)
    if words < min_words:
        return Rejection(
            raw.source, "too-short", f"only {words} words of article text after cleaning (min_words={min_words})"
        )
    spans = _paragraph_spans(kept)
    langs = _languages(kept, raw.language, language_min_score)
    return Article(
        id=article_id(text, meta["outlet"]),
        content_hash=content_hash(text),
        source=raw.source,
        kind=raw.kind,
        raw=raw.content,
        text=text,
        title=_one_line(meta["title"]),
        outlet=_one_line(meta["outlet"]),
        url=meta["url"],
        author=_one_line(meta["author"]),
        published=meta["published"],
        published_original=raw.published_original,
        published_precision=_precision(raw, meta["published"]),
        language=_main_language(kept, langs),
        paragraphs=tuple(Paragraph(i, s, e, g[0], g[1]) for i, ((s, e), g) in enumerate(zip(spans, langs))),
        dropped=tuple(dropped),
    )


def _precision(raw: RawDocument, published: str | None) -> str | None:
    # The page's own date (trafilatura/htmldate) is an ISO day; the source's was parsed by sources.py.
    if raw.published or not published:
        return raw.published_precision
    return "day"


def _one_line(value: str | None) -> str | None:
    return _WS.sub(" ", value).strip() or None if value else None


def _sort_paragraphs(paragraphs: list[str], comments: list[str]) -> tuple[list[str], list[DroppedParagraph]]:
    kept: list[str] = []
    dropped: list[DroppedParagraph] = []
    in_comments = False
    for index, text in enumerate(paragraphs):
        text = _WS.sub(" ", text).strip()
        if not in_comments and _starts_comments(text):
            in_comments = True
        if in_comments:
            dropped.append(DroppedParagraph(index, text, ParagraphKind.COMMENT, "in the reader-comment section"))
            continue
        kind, reason = classify_paragraph(text)
        if kind is ParagraphKind.BODY:
            kept.append(text)
        else:
            dropped.append(DroppedParagraph(index, text, kind, reason))
    offset = len(paragraphs)
    dropped.extend(
        DroppedParagraph(
            offset + i, _WS.sub(" ", c).strip(), ParagraphKind.COMMENT, "reader comment (page comment area)"
        )
        for i, c in enumerate(comments)
    )
    return kept, dropped


def _paragraph_spans(kept: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for text in kept:
        spans.append((pos, pos + len(text)))
        pos += len(text) + 2
    return spans


def _languages(kept: list[str], declared: str | None, min_score: float) -> list[tuple[str, float]]:
    guesses = [identify(p) for p in kept]
    main = declared or _majority([g.language for g in guesses], kept)
    out = []
    for text, guess in zip(kept, guesses):
        # Short Latin-script lines ("KABUL —", a name) fool any language-ID model: they inherit
        # the article's main language. Non-Latin scripts are trusted even when short.
        weak = guess.score < min_score or len(text.split()) < 4
        if weak and main_script(text) == "LATIN":
            out.append((main, guess.score))
        else:
            out.append((guess.language, guess.score))
    return out


def _majority(languages: list[str], kept: list[str]) -> str:
    weight: dict[str, int] = {}
    for lang, text in zip(languages, kept):
        weight[lang] = weight.get(lang, 0) + len(text)
    return max(weight, key=weight.__getitem__) if weight else "und"


def _main_language(kept: list[str], langs: list[tuple[str, float]]) -> str:
    return _majority([lang for lang, _ in langs], kept)
