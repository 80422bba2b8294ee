"""Relations between articles: views for comparison, fingerprints, comparisons, lineage and source groups.

Part of :mod:`khabar.models` (which re-exports every name): frozen dataclasses with no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from .articles import Sentence

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "Relation",
    "ArticleView",
    "StoredText",
    "Fingerprint",
    "SentenceVector",
    "SentencePair",
    "Comparison",
    "ArticleRef",
    "LineageEdge",
    "SourceGroup",
    "Lineage",
]


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


@dataclass(frozen=True, eq=False)
class SentenceVector:
    """A sentence model's vector of one sentence, keyed by a hash of the sentence's text."""

    model: str  # the sentence model ("minilm")
    key: str  # khabar.relations.compare.sentence_key(text): what the store keeps instead of the text
    vector: np.ndarray  # float32, L2-normalised


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
