"""The stage contract (docs/architecture.md): what the per-article stages hand back to the pipeline.

Part of :mod:`khabar.models` (which re-exports every name): frozen dataclasses with no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from .articles import Analysis, Article
from .entities import Resolution
from .events import EventReport, Fact
from .relations import Comparison, Fingerprint, SentenceVector

__all__ = ["RelationFindings", "ArticleResult"]


@dataclass(frozen=True, slots=True)
class RelationFindings:
    """What the relations stage found for one new article.

    ``fingerprint`` (with the embedding ``model`` of its document vector) is derived from the article
    alone; ``comparisons`` (copies, rewrites, same-story pairs with stored articles) and ``groups``
    (article -> source group for every article whose group the new links touch; empty when none) are
    found against the knowledge base through a read-only view. ``vectors`` are the sentence vectors
    the comparisons embedded that the knowledge base did not hold yet (saved so that no later run
    embeds those sentences again).
    """

    fingerprint: Fingerprint
    model: str
    comparisons: tuple[Comparison, ...] = ()
    groups: tuple[tuple[str, str], ...] = ()
    vectors: tuple[SentenceVector, ...] = ()


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
