"""Reported counts with their qualifiers, kept as ranges ("at least 63" is 63 or more, not 63).

``parse_count("more than 200")`` -> ``Figure(value=200, qualifier="more_than", low=201, high=None)``.
``count_phrases(span)`` finds every count in a spaCy span (digits, number words, "two dozen",
"dozens", "7,000 to 12,000", "between 10 and 15") and returns each with the token that carries it
in the dependency parse, so that :mod:`khabar.events` and :mod:`khabar.facts` can decide what the
number counts (the dead, the wounded, fighters) from the words it hangs on. Money, percentages,
years and clock times are not counts and are skipped here.

Vague words get the smallest count the plural allows ("dozens" >= 24, "hundreds" >= 200), kept
open-ended, with qualifier ``vague``; the words themselves stay in ``Figure.text``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .models import Figure

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["parse_count", "count_phrases", "QUALIFIERS", "figures_compatible"]

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "lakh": 100_000,
    "crore": 10_000_000,
    "dozen": 12,
    "score": 20,
}
# Plural vague quantities: smallest count the word allows (two of the unit).
VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2_000, "tens": 20, "millions": 2_000_000}

# Qualifier phrases (lower case, longest first) -> normalised qualifier.
QUALIFIERS: dict[str, str] = {
    "no fewer than": "at_least",
    "no less than": "at_least",
    "not less than": "at_least",
    "a minimum of": "at_least",
    "at least": "at_least",
    "more than": "more_than",
    "in excess of": "more_than",
    "upwards of": "more_than",
    "well over": "more_than",
    "just over": "more_than",
    "over": "more_than",
    "above": "more_than",
    "as many as": "up_to",
    "as high as": "up_to",
    "up to": "up_to",
    "at most": "up_to",
    "no more than": "up_to",
    "fewer than": "fewer_than",
    "less than": "fewer_than",
    "just under": "fewer_than",
    "under": "fewer_than",
    "below": "fewer_than",
    "nearly": "about",
    "almost": "about",
    "close to": "about",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
    "an approximate": "about",
    "a reported": "exact",
    "between": "range",
}
_QUALIFIER_WORDS = sorted(QUALIFIERS, key=lambda q: -len(q.split()))
_HYPHENATED = re.compile(
    r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-"
    r"(one|two|three|four|five|six|seven|"
    r"eight|nine)\b"
)
_NUMERIC = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")
_CURRENCY = frozenset(
    "$ € £ ¥ ₹ rs rs. usd dollars dollar rupees rupee euros euro pounds afghanis naira shillings".split()
)
_DATE_WORD = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$|^(?:day|week|month|year|"
    r"decade|hour|minute|night|morning|evening|century)s?$"
)
_NOT_COUNT_AFTER = frozenset("percent per % pm am p.m. a.m. gmt hours:".split())


def parse_count(text: str, *, start: int = 0) -> Figure | None:
    """Parse a whole count phrase ("at least 63", "dozens", "7,000 to 12,000"); None if it is not one."""
    words = re.findall(r"[\w.,]+|-|–", _HYPHENATED.sub(r"\1_\2", text.lower()))
    words = [w.replace("_", "-") for w in words]
    words = [w.strip(",") if not _NUMERIC.match(w) else w for w in words]
    words = [w for w in words if w]
    qualifier, rest = _qualifier(words)
    return _figure(text, start, qualifier, rest)


def _qualifier(words: list[str]) -> tuple[str, list[str]]:
    for phrase in _QUALIFIER_WORDS:
        n = len(phrase.split())
        if " ".join(words[:n]) == phrase:
            return QUALIFIERS[phrase], words[n:]
    return "exact", words


def _figure(text: str, start: int, qualifier: str, words: list[str]) -> Figure | None:
    if not words:
        return None
    if len(words) == 1 and words[0] in VAGUE:
        return Figure(text, start, start + len(text), VAGUE[words[0]], "vague", VAGUE[words[0]], None)
    parts = _split_range(words, between=qualifier == "range")
    if parts is not None:
        low, high = (_words_value(p) for p in parts)
        if low is None or high is None or high < low:
            return None
        return Figure(text, start, start + len(text), low, "range", low, high)
    if qualifier == "range":
        return None
    value = _words_value(words)
    if value is None:
        return None
    low, high = _bounds(value, qualifier)
    return Figure(text, start, start + len(text), value, qualifier, low, high)


def _bounds(value: int, qualifier: str) -> tuple[int, int | None]:
    if qualifier == "at_least":
        return value, None
    if qualifier == "more_than":
        return value + 1, None
    if qualifier == "up_to":
        return 0, value
    if qualifier == "fewer_than":
        return 0, max(value - 1, 0)
    return value, value


def _split_range(words: list[str], *, between: bool) -> tuple[list[str], list[str]] | None:
    for sep in ("to", "-", "–", "and") if between else ("to", "-", "–"):
        if sep in words[1:-1]:
            i = words.index(sep, 1)
            left, right = words[:i], words[i + 1 :]
            # "7 to 12,000" means 7,000 to 12,000: carry the right side's scale word over.
            if right and right[-1] in _SCALES and left and left[-1] not in _SCALES:
                left = left + [right[-1]]
            if sep == "and" and _words_value(left) is not None and _words_value(right) is not None:
                return left, right
            if sep != "and":
                return left, right
    return None


def _words_value(words: list[str]) -> int | None:
    """Value of "1,500", "1.2 million", "two dozen", "one hundred and five", "a dozen"; None otherwise."""
    words = [w for w in words if w not in ("and", "a", "an")] or (["1"] if words else [])
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if _NUMERIC.match(w):
            current += float(w.replace(",", ""))
        elif w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif "-" in w and all(p in _TENS or p in _UNITS for p in w.split("-")):
            current += sum(_TENS.get(p, 0) + _UNITS.get(p, 0) for p in w.split("-"))
        elif w in _SCALES:
            current = (current or 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0.0
        else:
            return None
        seen = True
    value = total + current
    return int(round(value)) if seen and value == value else None


# --- spaCy spans -------------------------------------------------------------------------------

_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_SCALES) | frozenset(VAGUE)


def _is_number_token(tok) -> bool:
    low = tok.lower_
    if low in _NUMBER_WORDS or _NUMERIC.match(low):
        return True
    return "-" in low and all(p in _TENS or p in _UNITS for p in low.split("-"))


def count_phrases(span) -> list[tuple[Figure, Token]]:
    """Every count in a spaCy span, with its anchor token (the number's last word)."""
    tokens = list(span)
    out = []
    i = 0
    while i < len(tokens):
        if not _is_number_token(tokens[i]) or tokens[i].lower_ in ("zero",):
            i += 1
            continue
        j = _number_end(tokens, i)
        j = _range_end(tokens, j)
        first = _qualifier_start(tokens, i)
        figure = _span_figure(tokens, first, j)
        if figure is not None and not _not_a_count(tokens, i, j):
            out.append((figure, _anchor(tokens, i, j)))
        i = j + 1
    return out


_YEAR = re.compile(r"(1[5-9]|20)\d\d")


def _number_end(tokens: list, i: int) -> int:
    """Index of the last token of the number starting at ``i`` ("one hundred and five")."""
    j = i
    while j + 1 < len(tokens):
        nxt = tokens[j + 1]
        if _YEAR.fullmatch(tokens[j].text) or _YEAR.fullmatch(nxt.text):
            break  # "in 2007 five people": a year never joins a count
        if _is_number_token(nxt) and nxt.lower_ not in VAGUE:
            j += 1
        elif (
            nxt.lower_ == "and"
            and j + 2 < len(tokens)
            and tokens[j].lower_ in _SCALES
            and _is_number_token(tokens[j + 2])
        ):
            j += 2
        else:
            break
    return j


def _range_end(tokens: list, j: int) -> int:
    """Extend "7,000 to 12,000", "1,500-2,200" and "between 10 and 15" to the range's end."""
    if j + 2 < len(tokens) and tokens[j + 1].lower_ in ("to", "-", "–", "and") and _is_number_token(tokens[j + 2]):
        if tokens[j + 1].lower_ != "and" or _preceded_by(tokens, j, "between"):
            return _number_end(tokens, j + 2)
    return j


def _preceded_by(tokens: list, j: int, word: str) -> bool:
    return any(t.lower_ == word for t in tokens[max(0, j - 4) : j])


def _qualifier_start(tokens: list, i: int) -> int:
    for phrase in _QUALIFIER_WORDS:
        words = phrase.split()
        k = i - len(words)
        if k >= 0 and [t.lower_ for t in tokens[k:i]] == words:
            return k
    if i >= 1 and tokens[i - 1].lower_ in ("a", "an") and tokens[i].lower_ in _SCALES:
        return i - 1
    return i


def _span_figure(tokens: list, first: int, last: int) -> Figure | None:
    start = tokens[first].idx
    # the span's text from its tokens (Doc.text would rebuild the whole document's text)
    text = "".join(t.text_with_ws for t in tokens[first:last]) + tokens[last].text
    return parse_count(text, start=start)


def _not_a_count(tokens: list, i: int, j: int) -> bool:
    """Money, percentages, clock times, years and ordinals are not counts."""
    before = tokens[i - 1].lower_ if i else ""
    after = tokens[j + 1].lower_ if j + 1 < len(tokens) else ""
    ent = tokens[j].ent_type_
    if before in _CURRENCY or after in _CURRENCY or after in _NOT_COUNT_AFTER or ent in ("MONEY", "PERCENT", "TIME"):
        return True
    if ent == "DATE" and (_DATE_WORD.match(before) or _DATE_WORD.match(after)):
        return True  # "August 26", "26 August", "two days", "three years": part of a date or a duration
    if i == j and _day_of_month(tokens, i):
        return True  # "Around 9 May 2020, a man was found dead": the parser left the day out of the date
    text = tokens[i].text
    if i == j and re.fullmatch(r"(1[5-9]|20)\d\d", text) and ent in ("DATE", "") and before not in QUALIFIERS:
        return True  # a year, not 1,900 people ("1,900" keeps its comma)
    return ent == "DATE" and re.fullmatch(r"\d{4}", text) is not None


_MONTH = re.compile(
    r"^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?$"
)


def _day_of_month(tokens: list, i: int) -> bool:
    """ "9 May 2020", "May 9, 2020", "on 9 May": a number 1-31 beside a month name that is a date (tagged
    as one, or followed by a year) is the day of that month, whatever entity the number itself got."""
    text = tokens[i].text
    if not re.fullmatch(r"\d{1,2}", text) or not 1 <= int(text) <= 31:
        return False

    def dated(k: int) -> bool:
        if not 0 <= k < len(tokens) or not _MONTH.match(tokens[k].lower_):
            return False
        later = [t.text for n, t in enumerate(tokens[k + 1 : k + 4], k + 1) if n != i and t.text != ","]
        return tokens[k].ent_type_ == "DATE" or bool(later and _YEAR.fullmatch(later[0]))

    return dated(i + 1) or dated(i - 1)


def _anchor(tokens: list, i: int, j: int):
    """The token whose dependency head says what the number counts: the phrase's syntactic root."""
    first, last = tokens[i].i, tokens[j].i
    for k in range(j, i - 1, -1):
        if not first <= tokens[k].head.i <= last or tokens[k].head.i == tokens[k].i:
            return tokens[k]
    return tokens[j]


def figures_compatible(earlier: Figure, later: Figure, *, tolerance: float = 0.25) -> bool:
    """True when two figures can describe the same count (allowing ``tolerance`` for "about")."""
    slack1 = tolerance if earlier.qualifier in ("about", "vague") else 0.0
    slack2 = tolerance if later.qualifier in ("about", "vague") else 0.0
    lo1, lo2 = earlier.low * (1 - slack1), later.low * (1 - slack2)
    hi1 = None if earlier.high is None else earlier.high * (1 + slack1)
    hi2 = None if later.high is None else later.high * (1 + slack2)
    return (hi1 is None or lo2 <= hi1) and (hi2 is None or lo1 <= hi2)
