"""Story similarity: how alike two articles' stories are (the same event?), 0..1, calibrated.

Human raters of news pairs (SemEval-2022 task 8) judge whether two articles report the same event:
the same place, people, time and narrative. No single cosine tracks that well, so the score is a
small linear model over cheap features of the pair (:data:`FEATURES`), fitted by
``eval/fit_story.py`` on a fixed tuning half of the rated pairs and stored in
``khabar/data/story_model.json``. Its target is the rating mapped to 0..1 (1 "very similar" -> 1,
4 "very dissimilar" -> 0), so a story similarity of 0.6 reads "raters would put it at about 2.2 of
4", and the prediction is clipped to 0..1.

Three fitted models (:func:`story_kind`): ``wordllama`` for a pair where either side has no
multilingual lede vector (the default for English articles: WordLlama vectors and word features
only, no slow model); ``e5`` when both have one and either is not English (articles in other
languages); ``e5_english`` for two English articles with ledes (``multilingual=on``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .derivation import content_mask
from .fingerprints import document_vector
from .text import key_terms, words

__all__ = [
    "FEATURES",
    "HEAD_WORDS",
    "story_features",
    "story_similarity",
    "load_story_model",
    "head_text",
    "content_vector",
    "story_kind",
    "model_features",
]

MODEL = Path(__file__).resolve().parent.parent / "data" / "story_model.json"
HEAD_WORDS = 60  # the headline and first sentences: what happened, where, to whom

# Features of a pair, each 0..1 or a cosine:
# doc: WordLlama cosine of the mean sentence vectors (the whole story);
# content: WordLlama cosine of the mean vectors of the content sentences (headings, prompts, cookie
#   and paywall notices left out: :func:`~khabar.relations.derivation.content_mask`);
# head: WordLlama cosine of the first HEAD_WORDS words (the headline and lead);
# names: share of the capitalised names of the article with fewer that the other names too;
# numbers: the same for numbers (tolls, dates, sums);
# length: shorter / longer in words (a brief and a long feature on one event rate less alike);
# lede: e5 cosine of the first 100 words (0 when a side has none);
# same_language: 1 when both articles are in one language.
FEATURES = ("doc", "content", "head", "names", "numbers", "length", "lede", "same_language")


def head_text(text: str) -> str:
    """The first :data:`HEAD_WORDS` words of a text (its headline and lead)."""
    return " ".join(text[: HEAD_WORDS * 40].split()[:HEAD_WORDS])


def content_vector(texts: Sequence[str], vectors: np.ndarray, dimensions: int) -> np.ndarray:
    """The normalised mean of the content sentences' vectors (all sentences when none is content)."""
    mask = content_mask(texts)
    return document_vector(vectors[mask] if mask.any() else vectors, dimensions)


def story_features(
    text_a: str,
    text_b: str,
    document: tuple[np.ndarray, np.ndarray],
    head: tuple[np.ndarray | None, np.ndarray | None],
    content: tuple[np.ndarray | None, np.ndarray | None],
    lede: tuple[np.ndarray | None, np.ndarray | None],
    languages: tuple[str, str],
    *,
    used: Collection[str] = FEATURES,
) -> np.ndarray:
    """The :data:`FEATURES` of a pair from its texts and vectors (WordLlama document, head and content
    vectors, e5 lede vectors; a missing head or content vector falls back to the document cosine, a
    missing lede to 0).

    The word features (names, numbers, length) read both whole texts, so they are computed only when
    in ``used`` (the features a model reads, :func:`model_features`) and are 0 otherwise: the default
    English model reads the content cosine alone, and the relations stage scores many pairs.
    """
    names = numbers = length = 0.0
    if "names" in used or "numbers" in used:
        keys_a, keys_b = _keys(text_a), _keys(text_b)
        names = _shared(keys_a[0], keys_b[0])
        numbers = _shared(keys_a[1], keys_b[1])
    if "length" in used:
        length_a, length_b = len(words(text_a)), len(words(text_b))
        length = min(length_a, length_b) / max(length_a, length_b, 1)
    doc = float(document[0] @ document[1])
    ha, hb = head
    head_cosine = float(ha @ hb) if ha is not None and hb is not None else doc
    ca, cb = content
    content_cosine = float(ca @ cb) if ca is not None and cb is not None else doc
    la, lb = lede
    lede_cosine = float(la @ lb) if la is not None and lb is not None else 0.0
    same = 1.0 if languages[0] == languages[1] else 0.0
    return np.array([doc, content_cosine, head_cosine, names, numbers, length, lede_cosine, same], dtype=np.float64)


def story_kind(ledes: bool, language_a: str, language_b: str) -> str:
    """The story model for a pair: ``wordllama`` without both lede vectors, ``e5_english`` with them for
    two English articles, ``e5`` otherwise."""
    if not ledes:
        return "wordllama"
    return "e5_english" if language_a == language_b == "en" else "e5"


def story_similarity(features: Sequence[float] | np.ndarray, kind: str) -> float:
    """The calibrated story similarity (0..1) of a pair's features with the ``kind`` model
    (:func:`story_kind`)."""
    model = load_story_model()[kind]
    x = np.asarray(features, dtype=np.float64)
    used = [FEATURES.index(name) for name in model["features"]]
    value = float(np.dot(x[used], model["weights"]) + model["intercept"])
    return round(min(max(value, 0.0), 1.0), 4)


def model_features(kind: str) -> frozenset[str]:
    """The features the ``kind`` story model reads."""
    return frozenset(load_story_model()[kind]["features"])


@lru_cache(maxsize=1)
def load_story_model() -> dict:
    """The fitted story models (``khabar/data/story_model.json``)."""
    return json.loads(MODEL.read_text(encoding="utf-8"))["models"]


@lru_cache(maxsize=4096)
def _keys(text: str) -> tuple[frozenset[str], frozenset[str]]:
    terms = key_terms(text)
    return (
        frozenset(t for t in terms if t.startswith("n:")),
        frozenset(t for t in terms if t.startswith("d:")),
    )


def _shared(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
