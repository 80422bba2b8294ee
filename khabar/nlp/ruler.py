"""An entity ruler fed from the registry, placed before spaCy's statistical NER.

The small English model misreads rare names ("Islamic State-Khorasan Province" split, "ISKP" in
parentheses missed, provinces read as people). Rules from the registry fix those: long names match
case-insensitively (``LOWER``), acronyms and short names match exactly (``ORTH``) so that the alias
"IS" never matches the verb "is". Each match carries ``ent_id`` = the registry id.

A case-insensitive match must still be written as a name: every word of it that is not a particle
("al", "of", "the", "e" in "Lashkar-e-Taiba"...) starts with a capital (or the text is in capitals, as
in a headline). "An Islamic state" (a state under Islamic law) and "the resistance front" (a common
phrase) are not the Islamic State or The Resistance Front. And a name inside a "pro-" or "anti-"
compound ("pro-Islamic State fighters", "anti-Taliban militia") names the group's supporters or
enemies, not the group: no mention of it.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..names import CONNECTIVES, in_compound, is_acronym
from ..registry import load_registry

__all__ = ["add_ruler", "registry_patterns", "written_as_name", "part_of_longer_name", "CASE_CHECK"]

CASE_CHECK = "khabar_name_case"
# Words of a name that news write in lower case: the name connectives ("al", "e", "the") and these.
_PARTICLES = CONNECTIVES | {
    "ur",
    "wal",
    "of",
    "and",
    "in",
    "for",
    "de",
    "du",
    "la",
    "le",
    "des",
    "del",
    "bin",
    "ibn",
    "bint",
    "y",
    "da",
    "do",
    "ag",
    "ould",
    "mohammed",
}
# Designators news write in lower case after a capitalised name ("the Haqqani network", "Kurdish
# peshmerga"); accepted only when another word of the match is capitalised.
_DESIGNATORS = frozenset(
    {
        "network",
        "group",
        "movement",
        "front",
        "army",
        "militia",
        "militias",
        "forces",
        "force",
        "brigade",
        "brigades",
        "battalion",
        "party",
        "organisation",
        "organization",
        "faction",
        "council",
        "coalition",
        "alliance",
        "peshmerga",
        "police",
        "military",
        "guard",
        "guards",
        "corps",
        "regiment",
        "unit",
        "units",
        "mujahideen",
        "jihad",
        "insurgency",
    }
)


def registry_patterns() -> tuple[list[dict], list[dict]]:
    """(case-insensitive patterns, exact-case patterns) for every registry name."""
    registry = load_registry()
    loose: list[dict] = []
    exact: list[dict] = []
    entries = [(f"actor:{a.id}", "ORG", a.names) for a in registry.actors]
    entries += [(f"person:{p.id}", "PERSON", p.names) for p in registry.people]
    # Names several actors share ("al-Shabaab", "Taliban") are names all the same; resolution
    # decides which actor by context (entities.py), so they carry no id.
    entries += [("", "ORG", a.ambiguous_aliases) for a in registry.actors]
    for ent_id, label, names in entries:
        for name in dict.fromkeys(n for written in names for n in _spellings(written)):
            pattern = {"label": label, "pattern": name, **({"id": ent_id} if ent_id else {})}
            (exact if is_acronym(name) or len(name) <= 4 else loose).append(pattern)
    return loose, exact


def _spellings(name: str) -> tuple[str, ...]:
    """A registry name and the spelling of it with its leading Arabic article spaced: "al-Shabaab"
    is as often written "Al Shabaab" or "Al shabaab" (the case check accepts the latter, see
    ``_transliterated``)."""
    if name[:3].lower() in ("al-", "el-") and len(name) > 4:
        return name, f"{name[:2]} {name[3:]}"
    return (name,)


def add_ruler(nlp) -> None:
    """Add the two registry rulers before "ner" (no-op when they are already there)."""
    _add_place_fixer(nlp)
    if "khabar_names" in nlp.pipe_names:
        return
    loose, exact = registry_patterns()
    if not loose and not exact:
        return
    before = "ner" if "ner" in nlp.pipe_names else None
    ruler = nlp.add_pipe(
        "entity_ruler",
        name="khabar_names",
        before=before,
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": False},
    )
    # The rulers match on LOWER and ORTH, which need only the tokenizer: spaCy would otherwise run
    # the tagger and parser over each of the 2,000 patterns (1 s of every load; issue 16).
    with nlp.select_pipes(disable=nlp.pipe_names):
        ruler.add_patterns(loose)
    nlp.add_pipe(CASE_CHECK, after="khabar_names", config={"lowercase": sorted(_lowercase_words(loose))})
    exact_ruler = nlp.add_pipe("entity_ruler", name="khabar_acronyms", before=before, config={"overwrite_ents": False})
    with nlp.select_pipes(disable=nlp.pipe_names):
        exact_ruler.add_patterns(exact)


def _add_place_fixer(nlp) -> None:
    """The span trimmer right after "ner" (``spans.py``; issue 14), then the gazetteer's place-name
    fixer (``gazetteer.py``; issue 4), which reads the trimmed spans."""
    from . import spans
    from .gazetteer import COMPONENT

    if "ner" not in nlp.pipe_names:
        return
    if spans.COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(spans.COMPONENT, after="ner")
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, after=spans.COMPONENT)


def _lowercase_words(patterns: list[dict]) -> set[str]:
    # Words the registry itself writes in lower case ("Philippine military", "Afghan army").
    return {w for p in patterns for w in p["pattern"].replace("-", " ").split() if w.isalpha() and w.islower()}


def written_as_name(tokens, lowercase: frozenset[str] | set[str] = frozenset()) -> bool:
    """True when the words of a case-insensitive match are capitalised like a name (see the module)."""
    words = [t for t in tokens if t.is_alpha]
    if not words or all(t.is_upper for t in words):
        return bool(words)
    named = [t for t in words if t.text[:1].isupper() and t.lower_ not in _PARTICLES]
    return all(
        t.text[:1].isupper() or t.lower_ in _PARTICLES or t.lower_ in lowercase or (named and t.lower_ in _DESIGNATORS)
        for t in words
    )


_NOT_NAME_PARTS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    | {"january", "february", "march", "april", "may", "june", "july", "august", "september"}
    | {"october", "november", "december"}
)


def part_of_longer_name(doc: Doc, ent: Span) -> bool:
    """A one-word case-insensitive match followed by another capitalised word of the same name, in
    running text: "Shane" in "Shane Warne" is a given name, not the alias "Shane" of the OLA. Headlines
    in title case ("Taliban Attack Kills Five"), weekdays and months ("the Taliban Sunday") do not count."""
    if len(ent) != 1 or ent.end >= len(doc):
        return False
    nxt = doc[ent.end]
    if not (nxt.is_alpha and nxt.is_title and ent[0].whitespace_ == " ") or nxt.lower_ in _NOT_NAME_PARTS:
        return False
    return not _title_case_line(doc, ent.start)


def _title_case_line(doc: Doc, i: int) -> bool:
    """Whether most words of the line around token ``i`` start with a capital (a headline)."""
    start, end = i, i
    while start > 0 and "\n" not in doc[start - 1].whitespace_ and "\n" not in doc[start - 1].text:
        start -= 1
    while end < len(doc) - 1 and "\n" not in doc[end].whitespace_ and "\n" not in doc[end + 1].text:
        end += 1
    words = [t for t in doc[start : end + 1] if t.is_alpha and not t.is_stop]
    return sum(t.text[:1].isupper() for t in words) >= 0.7 * len(words)


# Arabic articles that open a transliterated name: "Al shabaab", "al-shabaab", "Al qaeda" are
# names however the rest is written (no English phrase begins so).
_ARTICLES = frozenset({"al", "el"})
# Nouns for the members of a group: "Islamic state militants" are the Islamic State's, whereas
# "an Islamic state" is a state under Islamic law.
_FIGHTERS = frozenset(
    {"militants", "fighters", "jihadists", "insurgents", "gunmen", "rebels", "militiamen", "members", "cells"}
)


def _transliterated(ent: Span) -> bool:
    """ "Al shabaab", "al-shabaab": a match that opens with an Arabic article written "Al " or "al-"."""
    first = ent[0]
    if len(ent) < 2 or first.lower_ not in _ARTICLES:
        return False
    return first.text[:1].isupper() or (ent[1].text == "-" and not first.whitespace_)


def _before_fighters(doc: Doc, ent: Span) -> bool:
    """ "Islamic state militants": a match opening with a capital and followed by a members noun."""
    return ent[0].text[:1].isupper() and ent.end < len(doc) and doc[ent.end].lower_ in _FIGHTERS


class _NameCase:
    """Drop the loose ruler's matches not written as names, inside pro-/anti- compounds, or the first
    word of a longer name (before NER)."""

    def __init__(self, lowercase: list[str]):
        self.lowercase = frozenset(lowercase)

    def __call__(self, doc: Doc) -> Doc:
        kept: list[Span] = []
        dropped: list[Span] = []
        for e in doc.ents:
            named = (written_as_name(e, self.lowercase) or _transliterated(e) or _before_fighters(doc, e)) and not (
                in_compound(doc, e.start)
            )
            (kept if named and not part_of_longer_name(doc, e) else dropped).append(e)
        if dropped:
            doc.ents = kept
            for e in dropped:
                for token in e:
                    token.ent_id_ = ""
        return doc


@Language.factory(CASE_CHECK, default_config={"lowercase": []})
def _name_case(nlp, name: str, lowercase: list[str]) -> _NameCase:
    return _NameCase(lowercase)
