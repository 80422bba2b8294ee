"""A spaCy component after the NER that trims entity spans to the name (issue 14).

Reads ``doc.ents``; writes ``doc.ents``. The small English model often takes in words around a
name: a leading article ("the United States", "the New York Yankees"), a trailing possessive,
score, ordinal or date ("Hong Kong 's", "Leeds United 2-1", "Robert Pires 46th", "BOSNIA
1996-08-31"), quotes and dashes, or a line break into the next line's name ("Jim Adams\\nWASHINGTON").
Each entity is cut to the first line that holds a word of it, then trimmed of such words at both
ends; the label never changes here ("the Shangri-La" trimmed is still the facility it was read as).

Registry matches (tokens with an ``ent_id``) are left exactly as the ruler matched them.

A place name inside an organisation's name is not a place: an entity that ends with an
organisation word ("Leeds United", "Kabul University", "Herat Council") or starts with a club
prefix ("Real Madrid", "FC Porto") is an ORG, and a place the NER read alone right after such a
prefix ("Real" + "Madrid") is joined to it as one ORG.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = ["SpanTrimmer", "COMPONENT", "ORG_WORDS", "CLUB_PREFIXES", "trimmed", "org_named_after"]

COMPONENT = "khabar_spans"
_NAMES = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"})
_LEADING = frozenset({"the", "a", "an"})
# A score, ordinal or date: "2-1", "46th", "1996-08-31"; a bare count ("Lotte 5") only ends the names
# of people and places: "Interstate 95", "Resolution 1701" and "Detachment 88" end with theirs.
_SCORE = re.compile(r"^[+-]?\d+([.,:/-]\d+)+$|^\d+(st|nd|rd|th)$", re.I)
_COUNT = re.compile(r"^\d+$")
_COUNT_ENDS = frozenset({"PERSON", "GPE", "NORP"})
_PUNCT = frozenset("\"'“”‘’«»-–—,;:/|*([")
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
# Words that make a name an organisation's even when it starts with a place ("Leeds United").
ORG_WORDS = frozenset(
    {
        "united",
        "rovers",
        "wanderers",
        "athletic",
        "athletico",
        "albion",
        "fc",
        "afc",
        "cf",
        "sc",
        "university",
        "college",
        "council",
        "club",
        "institute",
        "academy",
        "corporation",
        "bank",
        "airlines",
        "airways",
    }
)
CLUB_PREFIXES = frozenset(
    {"real", "fc", "ac", "sc", "cf", "inter", "sporting", "dynamo", "dinamo", "atletico", "olympique", "borussia"}
)
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "PERSON", "NORP"})


@Language.factory(COMPONENT)
def make_span_trimmer(nlp: Language, name: str) -> SpanTrimmer:
    return SpanTrimmer()


class SpanTrimmer:
    """Trims entity spans to the name and types place-named organisations as ORG (see module)."""

    def __call__(self, doc: Doc) -> Doc:
        ents: list[Span] = []
        for ent in doc.ents:
            span = ent if _from_registry(ent) or ent.label_ not in _NAMES else trimmed(ent)
            if span is not None:
                ents.append(_org_named(_with_prefix(doc, span, ents)))
        doc.ents = ents
        return doc


def _from_registry(ent: Span) -> bool:
    return any(t.ent_id_ for t in ent)


def trimmed(ent: Span) -> Span | None:
    """The entity cut to its first line with a word, without leading/trailing residue; None if nothing is left."""
    start, end = _first_line(ent)
    while start < end and _leading_residue(ent.doc[start], at_end=start + 1 == end):
        start += 1
    while end > start:
        if _split_score(ent.doc, start, end):
            end -= 3
        elif _trailing_residue(ent.doc[end - 1], count_ends=ent.label_ in _COUNT_ENDS):
            end -= 1
        else:
            break
    if start >= end or not any(_has_letter(t) for t in ent.doc[start:end]):
        return None
    if (start, end) == (ent.start, ent.end):
        return ent
    return Span(ent.doc, start, end, label=ent.label_)


def _first_line(ent: Span) -> tuple[int, int]:
    """(start, end) of the entity's first piece between line breaks that holds a word."""
    start = ent.start
    for token in ent:
        if "\n" in token.text or "\n" in token.whitespace_:
            end = token.i if "\n" in token.text else token.i + 1
            if any(_has_letter(t) for t in ent.doc[start:end]):
                return start, end
            start = token.i + 1
    return start, ent.end


def _split_score(doc: Doc, start: int, end: int) -> bool:
    """The span ends with a score the tokenizer split: "2", "-", "1"."""
    if end - start < 4:
        return False
    a, dash, b = doc[end - 3], doc[end - 2], doc[end - 1]
    return a.is_digit and b.is_digit and dash.text in ("-", "–", ":") and not a.whitespace_ and not dash.whitespace_


def _has_letter(token) -> bool:
    return any(c.isalpha() for c in token.text)


def _leading_residue(token, *, at_end: bool) -> bool:
    text = token.text
    return (
        token.lower_ in _LEADING
        or text in _PUNCT
        or bool(_SCORE.match(text) or _COUNT.match(text))
        or (token.is_space and not at_end)
    )


def _trailing_residue(token, *, count_ends: bool) -> bool:
    text = token.text
    number = bool(_SCORE.match(text)) or (count_ends and bool(_COUNT.match(text)))
    return text in _POSSESSIVE or text in _PUNCT or number or token.is_space


def org_named_after(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of the organisation named after the place at ``doc[start:end]``, when a capitalised
    club prefix comes right before it ("Real" Madrid) or an organisation word right after it (Leeds
    "United", Kabul "University") and that word is in no other entity; None otherwise."""
    if start > 0 and _free_name_word(doc[start - 1], CLUB_PREFIXES) and doc[start - 1].whitespace_ == " ":
        return start - 1, end
    if end < len(doc) and _free_name_word(doc[end], ORG_WORDS) and doc[end - 1].whitespace_ == " ":
        return start, end + 1
    return None


def _free_name_word(token, words: frozenset[str]) -> bool:
    return token.lower_ in words and token.text[:1].isupper() and token.ent_iob_ in ("O", "")


def _with_prefix(doc: Doc, span: Span, before: list[Span]) -> Span:
    """A place read alone next to a club prefix or organisation word ("Real" + "Madrid") is one ORG name."""
    if span.label_ not in _PLACE_LABELS:
        return span
    named = org_named_after(doc, span.start, span.end)
    if named is None or (before and before[-1].end > named[0]):
        return span
    return Span(doc, *named, label="ORG")


def _org_named(span: Span) -> Span:
    """An entity of two or more words ending with an organisation word, or starting with a club prefix, is an ORG."""
    if span.label_ not in _PLACE_LABELS or len(span) < 2:
        return span
    first, last = span[0], span[-1]
    if last.lower_ in ORG_WORDS or (first.lower_ in CLUB_PREFIXES and first.text[:1].isupper()):
        return Span(span.doc, span.start, span.end, label="ORG")
    return span
