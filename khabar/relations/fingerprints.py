"""Fingerprints: what the candidate index keeps of each article.

* MinHash of the word 5-shingles (datasketch, 128 permutations: standard error about 0.04 on an
  estimated Jaccard of 0.5), which finds copies whatever the size of the collection;
* a document vector from the English sentence model (the mean of the sentence vectors), which tells
  a rewrite or a report of the same story from a text that merely shares names;
* key terms (capitalised words and numbers), which find rewrites: a paraphrase changes the words
  but keeps the names, places and tolls;
* optionally a multilingual vector of the article's first words (the lede), which links articles
  across languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .embed import Embedder
from .text import key_terms, shingles, words
from .values import ArticleView, Fingerprint

if TYPE_CHECKING:
    from datasketch import LeanMinHash

# datasketch is imported where it is used: it imports scipy.integrate (0.3 s), which a command
# that reads the knowledge base (``who``, ``--help``) never needs (issue 16: fast small runs).

__all__ = [
    "NUM_PERM",
    "SHINGLE",
    "LEDE_WORDS",
    "fingerprint",
    "minhash_of",
    "document_vector",
    "lede_text",
    "sentence_texts",
]

NUM_PERM = 128
SHINGLE = 5
LEDE_WORDS = 100  # e5 on the first 100 words: Pearson 0.87 with SemEval en-en ratings vs 0.84 on 512 tokens
_SCHEME = "affine32"


def minhash_of(text: str) -> np.ndarray:
    """MinHash values (uint32) of the text's word 5-shingles."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, scheme=_SCHEME)
    m.update_batch([s.encode("utf-8") for s in shingles(words(text), SHINGLE)])
    return m.hashvalues.astype(np.uint32)


def as_minhash(values: np.ndarray) -> LeanMinHash:
    """A datasketch (lean) MinHash from stored values: no permutations to rebuild."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=1, hashvalues=values.astype(np.uint64), scheme=_SCHEME)


def sentence_texts(view: ArticleView) -> list[str]:
    """The sentence texts of an article (the whole text as one sentence when it has none)."""
    # Capped (issue 16): a 500,000-character article with no English sentence was embedded as one
    # "sentence" and took WordLlama to 3.5 GB; real sentences are far below the cap.
    texts = [s.text[:_SENTENCE_CAP] for s in view.sentences]
    return texts or ([view.text.strip()[:_SENTENCE_CAP]] if view.text.strip() else [])


_SENTENCE_CAP = 2_000


def document_vector(sentence_vectors: np.ndarray, dimensions: int) -> np.ndarray:
    """The L2-normalised mean of an article's sentence vectors (zeros when it has none)."""
    if not len(sentence_vectors):
        return np.zeros(dimensions, dtype=np.float32)
    mean = sentence_vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm if norm else mean).astype(np.float32)


def lede_text(text: str, limit: int = LEDE_WORDS) -> str:
    """The first ``limit`` words of a text (the headline-and-lead part that says what happened), and
    at most ``_LEDE_CHARS`` characters: a text without spaces is one "word", and e5's time grows with
    the characters it is given (1 s for 2,000, 146 s for 200,000), so a 2 MB junk input took minutes."""
    return " ".join(text[: _LEDE_CHARS * 4].split()[:limit])[:_LEDE_CHARS]


_LEDE_CHARS = 2_000  # 100 words of news are ~600-800 characters in English or Urdu


def fingerprint(
    view: ArticleView,
    embedder: Embedder,
    *,
    multilingual: Embedder | None = None,
    sentence_vectors: np.ndarray | None = None,
) -> Fingerprint:
    """Fingerprint an article (``sentence_vectors`` may be passed when already computed)."""
    if sentence_vectors is None:
        sentence_vectors = embedder.embed(sentence_texts(view))
    lede = multilingual.embed([lede_text(view.text)])[0] if multilingual is not None and view.text.strip() else None
    return Fingerprint(
        article_id=view.id,
        minhash=minhash_of(view.text),
        embedding=document_vector(sentence_vectors, embedder.dimensions),
        keys=key_terms(view.text),
        language=view.language,
        published=view.published,
        lede=lede,
    )


def fingerprints(
    views: Sequence[ArticleView], embedder: Embedder, *, multilingual: Embedder | None = None
) -> list[Fingerprint]:
    """Fingerprint several articles."""
    return [fingerprint(v, embedder, multilingual=multilingual) for v in views]
