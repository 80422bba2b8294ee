"""Text features for comparing articles: words, shingles, sentences, key terms.

All functions here are pure and language-agnostic (Unicode word characters, no model), so the same
features serve the ingest stage, ``khabar compare`` on two files and the benchmark's synthetic corpus.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..models import Sentence

__all__ = ["words", "shingles", "content_words", "split_sentences", "key_terms", "names", "STOPWORDS"]

_WORD = re.compile(r"\w+(?:['’.-]\w+)*", re.UNICODE)
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*", re.UNICODE)
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
# A sentence ends at . ! ? followed by space or the end of a line; a line break between paragraphs
# always ends one. The Urdu/Arabic/Devanagari/CJK stops end a sentence even without a following space (Urdu papers
# often write "...کیا۔انہوں"): they are never decimal points or abbreviations.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|(?<=[。！？؟।۔])[\"'”’)\]]*\s*(?=\S|$)|\n\s*\n|\n(?=\S)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|St|Sen|Rep|Gov|Prof|No|vs|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|a\.m|p\.m|e\.g|i\.e)|\b[A-Z])\.$"
)

# Function words that carry no evidence of shared wording (English; other languages rely on
# the shingles and embeddings alone).
STOPWORDS = frozenset(
    "a an the and or but of in on at to for from by with as is was were are be been being it its this that these "
    "those he she they them his her their we our you your i not no so than then there here which who whom whose "
    "what when where why how also had has have do does did said says say would could should will can may might "
    "about after before into over under up down out more most some any all one two three".split()
)

# Words that start sentences or headlines without naming anything.
_NOT_NAMES = frozenset(
    "the a an in on at it he she they we this that these those there his her their its but and or as after before "
    "when while if on by for with from about officials police witnesses more some many most".split()
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    """Case-folded word tokens (internal apostrophes, hyphens and decimal points kept)."""
    return _WORD.findall(_fold(text))


def content_words(tokens: Sequence[str]) -> list[str]:
    """The tokens that are not function words."""
    return [t for t in tokens if t not in STOPWORDS]


def shingles(tokens: Sequence[str], size: int = 5) -> set[str]:
    """Word ``size``-shingles of a token list (the whole list as one shingle when it is shorter)."""
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def split_sentences(text: str, *, start: int = 0) -> tuple[Sentence, ...]:
    """Sentences of ``text`` by punctuation and line breaks, offsets into ``text`` (plus ``start``).

    Used where no spaCy analysis exists: non-English articles (blanked for the English model), two
    files given to ``khabar compare`` without a database, and evaluation data in other languages.
    """
    out: list[Sentence] = []
    pos = 0
    pieces: list[tuple[int, int]] = []
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[pos : match.start()].rstrip("\"'”’)]")) and "\n" not in match.group():
            continue
        if _wrapped(text, match):
            continue
        pieces.append((pos, match.start()))
        pos = match.end()
    pieces.append((pos, len(text)))
    for begin, end in pieces:
        chunk = text[begin:end]
        stripped = chunk.strip()
        if not any(c.isalnum() for c in stripped):
            continue
        first = begin + (len(chunk) - len(chunk.lstrip()))
        out.append(Sentence(len(out), start + first, start + first + len(stripped), stripped))
    return tuple(out)


def _wrapped(text: str, match: re.Match[str]) -> bool:
    """True for a line break inside a hard-wrapped sentence: one line break, not after a sentence's
    end, before a lower-case letter ("... a method used\\nin probability theory."). Plain-text files
    and wire feeds wrap lines at a fixed width; splitting there cut a sentence into fragments that
    aligned with nothing. Scripts without case (Urdu, Arabic) are unaffected.
    """
    if match.group() != "\n" or match.start() == 0 or text[match.start() - 1] in ".!?:;":
        return False
    following = text[match.end() : match.end() + 1]
    return following.islower()


def key_terms(text: str) -> frozenset[str]:
    """Capitalised words (not common sentence starters) and numbers of a text.

    A cheap, model-free stand-in for named entities: two reports of one event share rare names
    and numbers (places, people, tolls); unrelated reports rarely do.
    """
    terms = set()
    for match in _CAPITALISED.finditer(text):
        name = _fold(match.group()).removesuffix("'s").removesuffix("’s").strip("'’-")
        if name and name not in _NOT_NAMES and len(name) > 1:
            terms.add("n:" + name)
    for match in _NUMBER.finditer(text):
        digits = _ascii_digits(match.group()).replace(",", "").rstrip(".")
        if len(digits) > 1 or digits not in "0123456789":
            terms.add("d:" + digits)
    return frozenset(terms)


def _ascii_digits(text: str) -> str:
    """Arabic-Indic, Devanagari ... digits as ASCII, so that numbers match across scripts."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)


def names(text: str, sentences: Sequence[Sentence]) -> set[str]:
    """Capitalised words that do not open a sentence: proper names, in English and similar scripts."""
    found: set[str] = set()
    for sentence in sentences:
        for match in _CAPITALISED.finditer(sentence.text):
            if match.start() == 0:
                continue
            name = _fold(match.group()).removesuffix("'s").removesuffix("’s").strip("'’-")
            if len(name) > 1 and name not in _NOT_NAMES:
                found.add(name)
    return found
