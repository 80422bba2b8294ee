"""Article views: an article's text and sentences as comparing needs them.

English paragraphs keep the sentences spaCy found (offsets into the clean text); paragraphs in other
languages were blanked for the English model, so their sentences come from a punctuation splitter.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Analysis, Article, Sentence
from .text import split_sentences
from .values import ArticleView

__all__ = ["view_of_article", "view_of_stored", "view_of_text"]


def view_of_article(article: Article, analysis: Analysis) -> ArticleView:
    """The view of a freshly analysed article."""
    paragraphs = [(p.start, p.end, p.language) for p in article.paragraphs]
    return _view(
        article.id,
        article.text,
        article.language,
        paragraphs,
        analysis.sentences,
        published=article.published,
        outlet=article.outlet,
        title=article.title,
        source=article.source,
    )


def view_of_stored(stored) -> ArticleView:
    """The view of a stored article (``store.stored_text(id)``)."""
    return _view(
        stored.id,
        stored.text,
        stored.language,
        stored.paragraphs,
        stored.sentences,
        published=stored.published,
        outlet=stored.outlet,
        title=stored.title,
        source=stored.source,
    )


def view_of_text(
    article_id: str,
    text: str,
    *,
    language: str = "en",
    published: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
) -> ArticleView:
    """A view of plain text split by punctuation (evaluation data, text without analysis)."""
    return ArticleView(article_id, text, split_sentences(text), language, published, outlet, title)


def _view(
    article_id: str,
    text: str,
    language: str,
    paragraphs: Iterable[tuple[int, int, str]],
    english: Iterable[Sentence],
    **meta,
) -> ArticleView:
    sentences = [s for s in english if s.text.strip()]
    for start, end, paragraph_language in paragraphs:
        if paragraph_language != "en":
            sentences.extend(split_sentences(text[start:end], start=start))
    if not sentences and text.strip():
        sentences = list(split_sentences(text))
    ordered = sorted(sentences, key=lambda s: s.start)
    renumbered = tuple(Sentence(i, s.start, s.end, s.text) for i, s in enumerate(ordered))
    return ArticleView(article_id, text, renumbered, language, **meta)
