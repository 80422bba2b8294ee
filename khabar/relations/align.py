"""Sentence alignment between two articles: which sentences of one re-express which of the other.

The similarity of two sentences blends the cosine of their embeddings with the overlap of their
content words (shared wording is evidence of derivation that an embedding alone smooths away). The
alignment is a one-to-one matching of sentence pairs above a threshold, best pairs first; its
*order* is the share of pairs lying on the longest chain that keeps both articles' order (a rewrite
keeps the source's order with a few local moves; independent reports tell events in their own order).
"""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..models import SentencePair
from .text import content_words, words

__all__ = ["SentencePair", "Alignment", "SentenceSet", "sentence_set", "similarity_matrix", "align", "align_matrix"]

WORD_WEIGHT = 0.3  # weight of word overlap in the sentence similarity; the rest is the embedding cosine


@dataclass(frozen=True, slots=True)
class Alignment:
    """Aligned sentence pairs and how much of each article they cover."""

    pairs: tuple[SentencePair, ...]
    coverage_a: float  # share of the first article's sentence characters that are aligned
    coverage_b: float
    in_order: float  # share of pairs on the longest order-preserving chain (1.0 = same order)
    verbatim_share: float  # share of pairs that are verbatim


@dataclass(frozen=True)
class SentenceSet:
    """An article's sentences as what alignment needs: embeddings, content-word ids and lengths."""

    embeddings: np.ndarray  # (n, d) L2-normalised
    vocab: tuple[np.ndarray, ...]  # per sentence: sorted unique ids (crc32) of its content words
    lengths: np.ndarray  # (n,) characters per sentence

    def __len__(self) -> int:
        return len(self.lengths)


def sentence_set(texts: Sequence[str], embeddings: np.ndarray) -> SentenceSet:
    """Build the alignment view of sentences whose embeddings are already computed."""
    vocab = tuple(
        np.unique(np.array([zlib.crc32(w.encode("utf-8")) for w in content_words(words(t))], dtype=np.int64))
        for t in texts
    )
    lengths = np.array([len(t) for t in texts], dtype=np.float32)
    return SentenceSet(np.asarray(embeddings, dtype=np.float32), vocab, lengths)


def word_overlap(a: SentenceSet, b: SentenceSet) -> np.ndarray:
    """Dice coefficient of the content-word sets of every sentence pair, (len(a), len(b))."""
    # Dense 0/1 matrices over the pair's own vocabulary (a few hundred words): one small matmul.
    everything = np.unique(np.concatenate([*a.vocab, *b.vocab, np.zeros(0, dtype=np.int64)]))
    ma, mb = _indicator(a.vocab, everything), _indicator(b.vocab, everything)
    shared = ma @ mb.T
    total = ma.sum(1)[:, None] + mb.sum(1)[None, :]
    return np.divide(2 * shared, total, out=np.zeros_like(shared), where=total > 0)


def _indicator(vocab: tuple[np.ndarray, ...], columns: np.ndarray) -> np.ndarray:
    matrix = np.zeros((len(vocab), len(columns)), dtype=np.float32)
    for row, ids in enumerate(vocab):
        matrix[row, np.searchsorted(columns, ids)] = 1.0
    return matrix


def similarity_matrix(
    a: SentenceSet,
    b: SentenceSet,
    *,
    word_weight: float = WORD_WEIGHT,
    cosine_range: tuple[float, float] = (0.0, 1.0),
    cosine: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(blended similarity, word overlap) of every sentence pair, each (len(a), len(b)) in 0..1.

    ``cosine_range`` rescales the cosine first (a model whose unrelated sentences score 0.8 gets
    ``(0.8, 0.95)``); word overlap is the Dice coefficient of the content words. ``cosine``, when
    given, is the (len(a), len(b)) sentence cosine matrix to use instead of the sets' embeddings.
    """
    low, high = cosine_range
    raw = a.embeddings @ b.embeddings.T if cosine is None else cosine
    cosine = np.clip((raw - low) / (high - low), 0.0, 1.0)
    overlap = word_overlap(a, b)
    return (1 - word_weight) * cosine + word_weight * overlap, overlap


def align(
    a: SentenceSet,
    b: SentenceSet,
    *,
    threshold: float,
    verbatim: float = 0.8,
    word_weight: float = WORD_WEIGHT,
    cosine_range: tuple[float, float] = (0.0, 1.0),
) -> Alignment:
    """Match sentences one to one, best pairs first, keeping pairs with similarity >= ``threshold``."""
    return align_matrix(
        a, b, threshold=threshold, verbatim=verbatim, word_weight=word_weight, cosine_range=cosine_range
    )[0]


def align_matrix(
    a: SentenceSet,
    b: SentenceSet,
    *,
    threshold: float,
    verbatim: float = 0.8,
    word_weight: float = WORD_WEIGHT,
    cosine_range: tuple[float, float] = (0.0, 1.0),
    cosine: np.ndarray | None = None,
) -> tuple[Alignment, np.ndarray]:
    """:func:`align`, also returning the similarity matrix it matched on (``cosine``: see
    :func:`similarity_matrix`)."""
    if not len(a) or not len(b):
        return Alignment((), 0.0, 0.0, 0.0, 0.0), np.zeros((len(a), len(b)), dtype=np.float32)
    sim, overlap = similarity_matrix(a, b, word_weight=word_weight, cosine_range=cosine_range, cosine=cosine)
    pairs = _greedy_matching(sim, overlap, threshold, verbatim)
    covered_a = sum(a.lengths[p.a] for p in pairs) / max(a.lengths.sum(), 1.0)
    covered_b = sum(b.lengths[p.b] for p in pairs) / max(b.lengths.sum(), 1.0)
    ordered = _longest_chain([p.b for p in pairs]) / len(pairs) if pairs else 0.0
    verbatim_share = sum(p.verbatim for p in pairs) / len(pairs) if pairs else 0.0
    return Alignment(tuple(pairs), float(covered_a), float(covered_b), float(ordered), float(verbatim_share)), sim


def _greedy_matching(sim: np.ndarray, overlap: np.ndarray, threshold: float, verbatim: float) -> list[SentencePair]:
    candidates = np.argwhere(sim >= threshold)
    order = np.argsort(-sim[candidates[:, 0], candidates[:, 1]], kind="stable")
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for i, j in candidates[order]:
        if i in used_a or j in used_b:
            continue
        used_a.add(int(i))
        used_b.add(int(j))
        pairs.append(SentencePair(int(i), int(j), round(float(sim[i, j]), 4), bool(overlap[i, j] >= verbatim)))
    return sorted(pairs, key=lambda p: (p.a, p.b))


def _longest_chain(values: list[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []
    for v in values:
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
        else:
            tails[k] = v
    return len(tails)
