"""Syntax helpers shared by the event and fact readers: names, negation, hypotheticals, group names.

``Name`` is a named-entity mention with its entity; :func:`is_unreal` says whether an act at a token
is negated, hypothetical, planned or foiled; :func:`is_groupish` and :func:`widen` deal with the
small spaCy model's habit of splitting group names or reading them as people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon, lexicon

__all__ = [
    "Name",
    "token_at",
    "is_generic",
    "is_unreal",
    "is_negated",
    "is_hypothetical",
    "is_groupish",
    "widen",
    "GROUP_WORDS",
    "NOT_A_GROUP",
    "PLACE_WORDS",
]

_GENERIC_DETS = frozenset(
    {
        "many",
        "several",
        "other",
        "such",
        "some",
        "more",
        "numerous",
        "previous",
        "past",
        "earlier",
        "frequent",
        "repeated",
        "similar",
        "smaller",
        "larger",
        "recent",
        "further",
        "few",
        "countless",
        "dozens",
        "hundreds",
        "most",
    }
)
_SPECIFIC_MODS = frozenset(
    {
        "twin",
        "two",
        "three",
        "four",
        "coordinated",
        "simultaneous",
        "serial",
        "both",
        "these",
        "those",
        "the",
        "weekend",
        "sunday",
        "easter",
        "suicide",
    }
)
GROUP_WORDS = re.compile(
    r"(?i)\b(?:jamaa?t|jama'?atu|harakat|tehrik|lashkar|state|front|army|brigades?|movement|network|taliban|"
    r"shabaa?b|haram|qaeda|qaida|group|party|council|union|forces?|mujahideen|ahrar|jaish|hizb|ansar|katiba|"
    r"province|wilayat|isis|isil|daesh)\b|-ul-|-e-|-i-"
)
NOT_A_GROUP = re.compile(
    r"(?i)\b(?:government|ministry|police|armed forces|command|nations|agency|news|press|times|post|herald|"
    r"bank|company|university|college|hospital|council|embassy|department|committee|commission|court|"
    r"parliament|congress|cabinet|office|club|airport|hotel|school|television|radio|reuters|"
    r"hall|nightclub|airlines?|airways|airbus|boeing|theatre|theater|arena|stadium|mall|plaza|venue|cinema|"
    r"restaurant|cafe|café|tower|centre|center|corp|corporation|inc|ltd|limited|plc)\b"
)
PLACE_WORDS = re.compile(
    r"(?i)\b(?:gate|street|road|square|bridge|market|mosque|church|province|district|"
    r"city|airport|station|camp|base|hall|palace|temple|valley|river|island)\b"
)


@dataclass(frozen=True, slots=True)
class Name:
    """A named-entity mention of the article (clean-text offsets) with its entity id, if resolved."""

    start: int
    end: int
    text: str
    label: str
    entity_id: str | None = None
    canonical: str = ""  # the name of its entity (or in-article group), e.g. "Islamic State Khorasan Province"
    level: str = ""  # places: country, admin1, admin2, city or unresolved (from the gazetteer), "" unknown
    area: str = ""  # places: "country code/first-level region" of its gazetteer entry ("BF/Centre"), "" unknown


def token_at(sent, start: int, end: int):
    """The syntactic head of the tokens in [start, end) (the phrase's last noun, usually)."""
    inside = [t for t in sent if start <= t.idx < end]
    if not inside:
        return None
    for tok in inside:
        if not start <= tok.head.idx < end or tok.head.i == tok.i:
            return tok
    return inside[-1]


def is_generic(tok) -> bool:
    """ "many smaller bombings", "attacks on the capital" (no determiner): not one event."""
    if tok.pos_ != "NOUN" or tok.tag_ not in ("NNS", "NNPS"):
        return False
    dets = [c for c in tok.children if c.dep_ in ("det", "poss", "nummod", "amod", "predet")]
    if any(c.lower_ in _GENERIC_DETS for c in dets):
        return True
    if any(c.lower_ in _SPECIFIC_MODS for c in dets):
        return False
    if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.tag_ in ("VBD", "VBN"):
        return False  # "Bombs tore through three churches": a past act, not a habit
    return not any(c.dep_ in ("det", "poss", "nummod") for c in tok.children)


def is_unreal(tok, lex: Lexicon | None = None) -> bool:
    """True when the act at ``tok`` is negated, hypothetical, planned, foiled or only feared."""
    lex = lex or lexicon()
    for node in _clause_chain(tok):
        if is_negated(node, lex) or is_hypothetical(node, lex):
            return True
        if node is not tok and node.lemma_.lower() in lex.unreal and node.pos_ in ("VERB", "AUX", "NOUN"):
            return True
    return False


def _clause_chain(tok, limit: int = 4):
    """``tok`` and its heads up to the first finite clause root (or ``limit`` steps)."""
    node, out = tok, [tok]
    for _ in range(limit):
        if node.head.i == node.i or node.dep_ in ("ccomp", "advcl", "conj", "relcl", "parataxis"):
            break
        node = node.head
        out.append(node)
    return out


def is_negated(tok, lex: Lexicon) -> bool:
    for child in tok.children:
        if child.dep_ == "neg":
            return True
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and (
            child.lower_ in ("nobody", "none", "nothing", "noone")
            or any(g.dep_ == "det" and g.lower_ == "no" for g in child.children)
        ):
            return True
    return tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children)


def is_hypothetical(tok, lex: Lexicon) -> bool:
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
    if any(a.lower_ == "had" and subjects and a.i < subjects[0].i for a in auxes):
        return True  # "had it exploded", "had the building held": a condition, not a fact
    modal = [a for a in auxes if a.lower_ in lex.modal]
    if modal and any(a.lower_ == "have" for a in auxes):
        return True  # "could have killed"
    if modal and any(a.lower_ in ("would", "could", "might", "will", "shall") for a in modal):
        return True  # "would kill", "will attack"
    for child in tok.children:
        if child.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in lex.conditional for g in child.children):
            return tok.pos_ == "VERB" and bool(modal)
        if child.dep_ == "mark" and child.lower_ in ("if", "unless"):
            return True
    return False


def is_groupish(name: Name) -> bool:
    """An armed-group-like name: a registry actor, an ORG that is not a state body, company or outlet,
    or a NORP/PERSON-labelled name with group words (the small model reads "al-Shabaab" and
    "Jamaat-ul-Ahrar" as people, "Islamic State" as a nationality)."""
    if (name.entity_id or "").startswith("actor:"):
        return True
    if name.label == "ORG":
        return NOT_A_GROUP.search(name.text) is None or GROUP_WORDS.search(name.text) is not None
    return name.label in ("NORP", "PERSON") and GROUP_WORDS.search(name.text) is not None


def widen(name: Name, doc) -> Name:
    """ "Islamic" (NORP) + "State" -> "Islamic State": the small model splits group names."""
    if (name.entity_id or "").startswith("actor:"):
        return name
    span = doc.char_span(name.start, name.end, alignment_mode="expand")
    if span is None:
        return name
    first, last = span.start, span.end
    while first > span.sent.start and doc[first - 1].pos_ == "PROPN" and doc[first - 1].text[0].isupper():
        first -= 1
    while last < span.sent.end and doc[last].pos_ == "PROPN" and doc[last].text[:1].isupper():
        last += 1
    if (first, last) == (span.start, span.end):
        return name
    wide = doc[first:last]
    text = wide.text[4:] if wide.text.lower().startswith("the ") else wide.text
    text = text[:-2] if text.endswith(("'s", "’s")) else text
    return Name(wide.start_char, wide.end_char, wide.text, name.label, name.entity_id, text)
