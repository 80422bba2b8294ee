"""Is one sentence a paraphrase of the other? A fitted sentence-pair model over the MiniLM cosine and cheap wording.

The aligner pairs two sentences when their blended similarity (MiniLM cosine and content-word overlap,
:mod:`khabar.relations.align`) reaches ``sentence_similarity``. That similarity barely sees what makes a
near-paraphrase a different statement: above all a clause or detail one sentence adds (the length gap and
the one-way n-gram precisions carry the largest weights), less so another figure ("killed 12" / "killed
21") or a negation ("did not claim"). :func:`paraphrase_probability` combines the cosine with such
wording features in a logistic regression fitted by ``eval/fit_paraphrase.py`` on the tuning split of MRPC
(weights in ``khabar/data/paraphrase_model.json``): a pair is a paraphrase at probability >=
:data:`PARAPHRASE_THRESHOLD`.

It is *not* the aligner's gate. MRPC's sense of paraphrase ("the same statement") is narrower than what a
rewrite keeps of its source: vetoing aligned pairs below 0.5 found 12 instead of 18 of Clough's 19 heavy
rewrites (below 0.1: 16), so the aligner keeps its similarity threshold, chosen for articles. The model
was fitted with MiniLM cosines of English sentences (:func:`applies`).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import numpy as np

from .text import STOPWORDS, words

__all__ = [
    "PARAPHRASE_FEATURES",
    "PARAPHRASE_THRESHOLD",
    "applies",
    "features",
    "load_paraphrase_model",
    "paraphrase_probability",
]

MODEL_PATH = "data/paraphrase_model.json"
PARAPHRASE_THRESHOLD = 0.5
PARAPHRASE_FEATURES = (
    "cosine",  # MiniLM cosine of the two sentences
    "dice",  # Dice coefficient of their content-word sets
    "jaccard",  # Jaccard coefficient of their word sets (function words included)
    "numbers",  # figures found in one sentence only (count, capped at 4, / 4)
    "negation",  # 1 when one sentence is negated (not, never, no, n't ...) and the other is not
    "length_ratio",  # shorter / longer, in words
    "length_gap",  # difference in words / 10
    "grams1_min",  # word 1-gram precision, the lower of the two directions
    "grams1_max",  # ... the higher
    "grams2_min",
    "grams2_max",
    "grams3_min",
    "grams3_max",
    "grams4_min",
    "grams4_max",
    "chars3_min",  # character 3-gram precision (words joined by one space), lower direction
    "chars3_max",
    "chars5_min",
    "chars5_max",
)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without)\b|n't", re.I)
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def applies(model: str, cross_lingual: bool) -> bool:
    """True when the fitted model judges pairs of this sentence model (MiniLM, one language)."""
    return not cross_lingual and model == load_paraphrase_model().get("sentence_model")


@lru_cache(maxsize=1)
def load_paraphrase_model() -> dict:
    """The fitted paraphrase model (``khabar/data/paraphrase_model.json``, written by ``eval/fit_paraphrase.py``)."""
    return json.loads(resources.files("khabar").joinpath(MODEL_PATH).read_text("utf-8"))


@lru_cache(maxsize=8192)
def _sentence(text: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str], bool, tuple[frozenset, ...]]:
    """(words, content words, numbers, negated, (word 1..4-gram sets, char 3- and 5-gram sets)) of a sentence."""
    tokens = tuple(words(text))
    numbers = frozenset(_number(m.group()) for m in _NUMBER.finditer(text)) - {""}
    joined = " ".join(tokens)
    grams = tuple(frozenset(zip(*[tokens[i:] for i in range(k)])) for k in (1, 2, 3, 4))
    chars = tuple(frozenset(joined[i : i + k] for i in range(len(joined) - k + 1)) for k in (3, 5))
    content = frozenset(t for t in tokens if t not in STOPWORDS)
    return tokens, content, numbers, bool(_NEGATION.search(text)), grams + chars


def _number(text: str) -> str:
    import unicodedata

    out = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    return out.replace(",", "").rstrip(".")


def features(a: str, b: str, cosine: float) -> np.ndarray:
    """The :data:`PARAPHRASE_FEATURES` of two sentences whose (MiniLM) cosine is ``cosine``."""
    wa, ca, na, nega, ga = _sentence(a)
    wb, cb, nb, negb, gb = _sentence(b)
    dice = 2 * len(ca & cb) / max(len(ca) + len(cb), 1)
    ua, ub = set(wa), set(wb)
    jaccard = len(ua & ub) / max(len(ua | ub), 1)
    out = [
        float(cosine),
        dice,
        jaccard,
        min(len(na ^ nb), 4) / 4,
        float(nega != negb),
        min(len(wa), len(wb)) / max(len(wa), len(wb), 1),
        abs(len(wa) - len(wb)) / 10,
    ]
    for x, y in zip(ga, gb, strict=True):
        shared = len(x & y)
        pa, pb = shared / max(len(x), 1), shared / max(len(y), 1)
        out += [min(pa, pb), max(pa, pb)]
    return np.array(out, dtype=float)


def paraphrase_probability(a: str, b: str, cosine: float, *, model: dict | None = None) -> float:
    """Probability that ``a`` and ``b`` say the same thing (MRPC's sense), from their cosine and wording."""
    m = (load_paraphrase_model() if model is None else model)["paraphrase"]
    z = (features(a, b, cosine) - np.asarray(m["mean"])) / np.asarray(m["scale"])
    return float(1 / (1 + np.exp(-np.clip(m["bias"] + z @ np.asarray(m["coef"]), -30, 30))))
