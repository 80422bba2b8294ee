"""A spaCy component after the NER that fixes place names from the gazetteer.

Reads ``doc.ents``; writes ``doc.ents``:

* a name split after an Arabic article prefix is joined ("al-" + "Shabaab" -> "al-Shabaab");
* a PERSON entity whose whole text is a demonym ("Azerbaijani") becomes NORP;
* a NORP or PERSON entity whose whole text is a country or first-level region becomes GPE, and an
  ORG one after "of"; a PERSON or ORG entity whose whole text is a country, first-level region or
  town ("Kunduz" as a person, "Marawi", "Herat" as an organisation) becomes GPE only after a
  preposition of place ("in Marawi"), never after a title ("Mr Jordan") nor when it is the last name
  of a person named in full in the text;
* a one-word "place", organisation or NORP that is the last name of a person named in full in the
  text, and no gazetteer name, becomes PERSON ("Haqqani" read as a place, "Baghdadi" after "Abu
  Omar al-Baghdadi" read as an organisation);
* an organisation that is a country or region followed by common nouns only ("US military",
  "Malaysian navy") is cut to the place (GPE) or demonym (NORP): the nouns are no part of a name;
* a capitalised country, region or town (100,000+ people by default) name the NER missed becomes
  GPE, when it overlaps no other entity, is not a common word or given name (``not_places`` in
  ``data/places.toml``); a town's name with a score after it ("Watford 4 2 0 2") is a team in a
  results table and is added as ORG.

It runs after the NER (not before, like the registry ruler) so that the statistical model keeps
the last word on names the gazetteer shares with people and organisations ("Washington",
"Jordan"): measured on CoNLL-2003 and GeoWebNews (docs/entities.md).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from unidecode import unidecode

from ..names import in_compound, name_key
from ..places import load_gazetteer, place_rules
from .spans import org_named_after

__all__ = ["PlaceFixer", "COMPONENT"]

COMPONENT = "khabar_places"
_RELABEL = frozenset({"PERSON", "ORG", "NORP"})
_PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "from", "near", "across", "throughout", "into", "outside", "inside", "around", "towards", "toward"}
)
_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "lord",
        "lady",
        "president",
        "gen",
        "general",
        "minister",
        "king",
        "queen",
        "prince",
        "sheikh",
        "mullah",
        "judge",
        "senator",
        "rep",
    }
)


@Language.factory(COMPONENT, default_config={"min_population": 100_000})
def make_place_fixer(nlp: Language, name: str, min_population: int) -> PlaceFixer:
    return PlaceFixer(nlp, min_population=min_population)


class PlaceFixer:
    """Relabels place names read as people or organisations, and adds missed ones (see module)."""

    def __init__(self, nlp: Language, *, min_population: int) -> None:
        phrases, self.place_keys, self.region_keys = _phrase_set(nlp, min_population)
        # The place names as lower-case token tuples, indexed by first token: the same matches as a
        # spaCy PhraseMatcher on LOWER over the tokenized names, without tokenizing 60,000 names
        # and building the matcher at every load (issue 16: fast small runs; the set is cached).
        grouped: dict[str, set[tuple[str, ...]]] = {}
        for phrase in phrases:
            grouped.setdefault(phrase[0], set()).add(phrase)
        self.phrases: dict[str, frozenset[tuple[str, ...]]] = {
            first: frozenset(group) for first, group in grouped.items()
        }
        self.lengths = {first: sorted({len(p) for p in group}) for first, group in grouped.items()}
        self.level_words = frozenset(place_rules().level_words)

    def matches(self, doc: Doc) -> list[tuple[int, int]]:
        """(start, end) token spans whose lower-case words are a place name (overlaps included)."""
        words = [t.lower_ for t in doc]
        out: list[tuple[int, int]] = []
        for start, word in enumerate(words):
            lengths = self.lengths.get(word)
            if lengths is None:
                continue
            group = self.phrases[word]
            for n in lengths:
                end = start + n
                if end > len(words):
                    break
                if tuple(words[start:end]) in group:
                    out.append((start, end))
        return out

    def __call__(self, doc: Doc) -> Doc:
        ents = [_area_before_nouns(self._relabelled(doc, ent)) for ent in _joined(doc, list(doc.ents))]
        ents = self._lists(doc, ents)
        ents = self._chains(doc, ents)
        added = filter_spans(
            [self._team(_missed_span(doc, s, e)) for s, e in self.matches(doc) if self._missed_place(doc, s, e)]
        )
        for span in added:
            inside = [e for e in ents if e.start < span.end and span.start < e.end]
            if all(_replaceable(e, span) for e in inside):
                ents = [e for e in ents if e not in inside] + [span]
        doc.ents = sorted(ents, key=lambda e: e.start)
        for ent in doc.ents:
            if ent.label_ == "ORG" and not ent.id_ and ent.ent_id_ and not ent[0].ent_id_:
                for token in ent:  # a joined longer name ("the Syrian Arab Coalition") keeps no registry id
                    token.ent_id_ = ""
        return doc

    def _team(self, span: Span) -> Span:
        """A town's name with a score after it ("Watford 4 2 0 2", "CHICAGO 65 66 .496") is a team in
        a results table, an ORG; a country's stays a place (national sides: CoNLL-2003 LOC)."""
        if span.label_ != "GPE" or name_key(span.text) in self.region_keys or not _score_follows(span.doc, span.end):
            return span
        return Span(span.doc, span.start, span.end, label="ORG")

    def _missed_place(self, doc: Doc, start: int, end: int) -> bool:
        """A capitalised place name the NER missed, not "the X" unless X is a country or region:
        "the Shangri-La" (a hotel) and "the Kingsbury" name a facility or firm, not the town."""
        if not _capitalised(doc[start:end]):
            return False
        after_the = start > 0 and doc[start - 1].lower_ == "the"
        return not after_the or name_key(doc[start:end].text) in self.region_keys

    def _lists(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """A country or region read as PERSON/ORG in a list with places is a place ("attacked
        Nangarhar, Kunar and Herat"); lists of teams ("Essex, Kent and Surrey") hold no GPE."""
        changed = True
        while changed:
            changed = False
            for k, ent in enumerate(ents):
                if ent.label_ not in ("PERSON", "ORG") or ent.ent_id_ or name_key(ent.text) not in self.region_keys:
                    continue
                if _surname_of_person(doc, ent) or (ent.start and doc[ent.start - 1].lower_.rstrip(".") in _TITLES):
                    continue
                near = [ents[j] for j in (k - 1, k + 1) if 0 <= j < len(ents)]
                if any(o.label_ == "GPE" and _listed(doc, ent, o) for o in near):
                    ents[k] = Span(doc, ent.start, ent.end, label="GPE")
                    changed = True
        return ents

    def _chains(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Places written small to large after a preposition of place, read as organisations or
        people: "in Goniri (Gujiba LGA, Borno)", "in Puli Hisar district, Baghlan", "in Buena Vista,
        Guerrero". A name with a known region after it in the chain is a place; the last one only
        when the gazetteer has it as a country or region. "Tony Rominger (Switzerland)" opens with
        no preposition of place and "in Kabul, Amnesty International said" ends in no region. A chain
        also opens after "the village of" or with a bracket of areas after its first name ("attacked
        Sabongari (Gusau LGA, Zamfara)"): a bracket of two areas, or of one with a level word."""
        for chain in _chains_of(doc, ents):
            first = ents[chain[0]]
            if not (
                (first.start and doc[first.start - 1].lower_ in _PLACE_PREPOSITIONS)
                or (first.end < len(doc) and doc[first.end].lower_ in self.level_words)
                or _place_noun_of(doc, first)
                or _bracket_of_areas(doc, first, [ents[k] for k in chain], self.level_words)
            ):
                continue
            known = [ents[k].label_ in ("GPE", "LOC") or self._region(ents[k]) for k in chain]
            for n, k in enumerate(chain):
                ent = ents[k]
                if ent.label_ in ("GPE", "LOC") or ent.ent_id_ or not (ent.label_ in _RELABEL or known[n]):
                    continue  # a facility ("the Serena Hotel, Kabul") only when it is a region's name
                if (any(known[n + 1 :]) or known[n]) and _capitalised(ent) and len(ent) <= 4:
                    ents[k] = Span(doc, ent.start, ent.end, label="GPE")
        return ents

    def _region(self, ent: Span) -> bool:
        """True when the gazetteer has the name (less a level word) as a country or a region."""
        words = ent.text.split()
        if len(words) >= 2 and words[-1].lower() in self.level_words:
            words = words[:-1]
        return any(p.level in ("country", "admin1", "admin2") for p in load_gazetteer().lookup(" ".join(words)))

    def _relabelled(self, doc: Doc, ent: Span) -> Span:
        if (
            ent.label_ in ("GPE", "LOC")
            and len(ent) == 1
            and name_key(ent.text) not in self.place_keys
            and _surname_of_person(doc, ent)
        ):
            return Span(doc, ent.start, ent.end, label="PERSON")  # "Haqqani" after "Khalil Haqqani"
        if ent.label_ not in _RELABEL or ent.ent_id_:
            return ent
        if (
            ent.label_ in ("ORG", "NORP")
            and len(ent) == 1
            and name_key(ent.text) not in self.place_keys
            and _surname_of_person(doc, ent)
        ):
            return Span(doc, ent.start, ent.end, label="PERSON")  # "Baghdadi" after "Abu Omar al-Baghdadi"
        key = name_key(ent.text)
        before = doc[ent.start - 1].lower_.rstrip(".") if ent.start else ""
        if before in _TITLES or _surname_of_person(doc, ent):
            return ent
        if before == "the":  # "into the Punjab" is a place; "at the Shangri-La" (a town's name) is not
            ahead = doc[ent.start - 2].lower_ if ent.start > 1 else ""
            placed = ahead in _PLACE_PREPOSITIONS and key in self.region_keys
            return Span(doc, ent.start, ent.end, label="GPE") if placed else ent
        if ent.label_ == "PERSON" and len(ent) <= 2 and key in place_rules().demonyms and _capitalised(ent):
            return Span(doc, ent.start, ent.end, label="NORP")  # "Azerbaijani" read as a person
        if ent.label_ in ("NORP", "PERSON") and key in self.region_keys:
            return Span(doc, ent.start, ent.end, label="GPE")  # "Kunduz" or "Mozambique" as a person
        if key in self.region_keys and before == "of":  # "the president of Mozambique"
            return Span(doc, ent.start, ent.end, label="GPE")
        # A person or organisation named like a place is a place only after a preposition of place
        # ("fighting in Marawi", "from Herat"): "Leicestershire beat Somerset", "Real Madrid",
        # "Shane Warne" keep their labels (CoNLL-2003 ORG fell from 0.33 when this was unconditional).
        if before in _PLACE_PREPOSITIONS and (key in self.region_keys or (len(ent) <= 2 and key in self.place_keys)):
            return Span(doc, ent.start, ent.end, label="GPE")
        return ent


_AREA_LEVELS = frozenset({"country", "admin1", "region"})


def _area_before_nouns(ent: Span) -> Span:
    """An organisation read as a country or region followed by common nouns only is the place and
    its nouns: "US military", "U.S. forces", "Malaysian navy" -> "US" (GPE), "Malaysian" (NORP). A
    name is capitalised; its lower-case words are not part of it ("US Special Forces" stays ORG)."""
    if ent.label_ != "ORG" or ent.ent_id_ or len(ent) < 2:
        return ent
    head = 1
    while head < len(ent) and not ent[head].text.islower():
        head += 1
    tail = ent[head:]
    if not tail or len(tail) > 2 or not all(t.is_alpha and t.text.islower() for t in tail):
        return ent
    name = ent[:head]
    if not name.text[:1].isupper():
        return ent
    rules = place_rules()
    if name_key(name.text) in rules.demonyms:
        return Span(ent.doc, ent.start, ent.start + head, label="NORP")
    if any(p.level in _AREA_LEVELS for p in load_gazetteer().lookup(name.text)):
        return Span(ent.doc, ent.start, ent.start + head, label="GPE")
    return ent


def _phrase_set(nlp: Language, min_population: int) -> tuple[list[tuple[str, ...]], set[str], set[str]]:
    """(place names as lower-case token tuples, their name keys, country and region keys), cached
    on disk under a key of the gazetteer's inputs, this module, the setting and the spaCy model."""
    from importlib.metadata import version

    from ..cache import cached, source_digest
    from ..places import gazetteer_digest

    meta = nlp.meta
    digest = source_digest(
        ("nlp/gazetteer.py",),
        gazetteer_digest(),
        str(min_population),
        f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}",
        version("spacy"),
        " ".join(sorted(nlp.Defaults.stop_words)),
    )
    return cached("place-phrases", digest, lambda: _build_phrase_set(nlp, min_population))


def _build_phrase_set(nlp: Language, min_population: int) -> tuple[list[tuple[str, ...]], set[str], set[str]]:
    gazetteer, rules = load_gazetteer(), place_rules()
    names = {n for n, p in gazetteer.names(min_population=min_population)}
    names |= {unidecode(n) for n in names}
    names = {n for n in names if _usable(n, rules.not_places, nlp.Defaults.stop_words)}
    place_keys = {name_key(n) for n in names} - rules.not_places
    # Relabelling ORG/PERSON/NORP: countries and first-level regions only. Cities also name
    # teams and companies ("Leicestershire", "Chelsea"): relabelling them cost 160 ORG->LOC
    # errors on CoNLL-2003 for +0.01 LOC F1 (docs/entities.md).
    region_keys = {name_key(n) for n, p in gazetteer.names(min_population=10**12)} - rules.not_places
    phrases = {tuple(t.lower_ for t in nlp.tokenizer(n)) for n in sorted(n.lower() for n in names)}
    return sorted(p for p in phrases if p), place_keys, region_keys


_PLACE_NOUNS = frozenset({"village", "town", "city", "locality", "hamlet", "area", "settlement", "community"})


def _place_noun_of(doc: Doc, ent: Span) -> bool:
    """ "the village of X", "the town of X": the name after is a place's."""
    return ent.start >= 2 and doc[ent.start - 1].lower_ == "of" and doc[ent.start - 2].lower_ in _PLACE_NOUNS


def _bracket_of_areas(doc: Doc, first: Span, chain: list[Span], level_words: frozenset[str]) -> bool:
    """ "X (Y, Z)" or "X (Y district)": the areas containing a place, named in brackets after it. A
    person's name in full with a place in brackets ("Tony Rominger (Switzerland)") is no place."""
    if first.end >= len(doc) or doc[first.end].text != "(" or (first.label_ == "PERSON" and len(first) >= 2):
        return False
    inside = chain[1:]
    return len(inside) >= 2 or any(t.lower_ in level_words for e in inside for t in doc[e.start : e.end + 1])


def _chains_of(doc: Doc, ents: list[Span]) -> list[list[int]]:
    """Runs of two or more entities joined only by brackets, commas, level words and a capitalised
    word the NER left out ("X (Y, Z)", "Nacate (Meluco, Cabo Delgado)")."""
    words = set(place_rules().level_words)
    chains: list[list[int]] = []
    for k in range(1, len(ents)):
        between = doc[ents[k - 1].end : ents[k].start]
        joined = (
            0 < len(between) <= 5
            and all(t.text in ("(", ",", ")") or t.lower_ in words or (t.is_alpha and t.is_title) for t in between)
            and any(t.text in ("(", ",") for t in between)
        )
        if not joined:
            continue
        if chains and chains[-1][-1] == k - 1:
            chains[-1].append(k)
        else:
            chains.append([k - 1, k])
    return chains


def _missed_span(doc: Doc, start: int, end: int) -> Span:
    """A missed place name, or the organisation named after it ("Real Madrid", "Kabul University")."""
    named = org_named_after(doc, start, end)
    return Span(doc, *named, label="ORG") if named else Span(doc, start, end, label="GPE")


def _score_follows(doc: Doc, end: int) -> bool:
    """Whether a score or table figure follows the name on its line ("Watford 4 2 0 2", "CHICAGO 65
    66 .496", "Chicago 11 TORONTO 2"): a team in a results table, not the town (CoNLL-2003: 91 of the
    tuning half's ORG errors were teams the fixer added as places). A date ("LONDON 1996-08-30")
    is no score."""
    if end >= len(doc) or "\n" in doc[end - 1].whitespace_:
        return False
    nxt = doc[end].text
    if end + 1 < len(doc) and not doc[end].whitespace_ and doc[end + 1].text in ("-", "/", "."):
        return False  # "1996-08-30", "30/08": a date the tokenizer split
    return nxt.isdigit() or (nxt.startswith(".") and nxt[1:].isdigit())


def _listed(doc: Doc, a: Span, b: Span) -> bool:
    """Whether two entities are neighbours in a list: only ",", "and" or ", and" between them."""
    first, second = (a, b) if a.start < b.start else (b, a)
    between = [t.lower_ for t in doc[first.end : second.start]]
    return between in ([","], ["and"], [",", "and"], ["or"])


def _joined(doc: Doc, ents: list[Span]) -> list[Span]:
    """Join a name the NER split after an article prefix: "al-" + "Shabaab" -> "al-Shabaab"; and a
    registry name that is only the end of a longer organisation name ("the Syrian" + "Arab
    Coalition"): the longer name is another organisation, so it keeps no registry id (issue 14)."""
    out: list[Span] = []
    for ent in ents:
        prev = out[-1] if out else None
        if ent.label_ in ("ORG", "NORP", "PERSON") and (
            in_compound(doc, ent.start) or ent.text.lower().startswith(("pro-", "anti-"))
        ):
            continue  # "anti-Taliban militia": the Taliban's enemies, not the Taliban (nor a group called so)
        if (
            prev is not None
            and prev.end == ent.start
            and prev.text.endswith("-")
            and len(prev.text) <= 4
            and prev.text[:-1].lower() not in ("pro", "anti")
        ):
            out[-1] = Span(doc, prev.start, ent.end, label=ent.label, kb_id=ent.kb_id, span_id=ent.id)
        elif prev is not None and _name_continues(prev, ent):
            out[-1] = Span(doc, prev.start, ent.end, label="ORG")
        else:
            out.append(ent)
    return out


def _name_continues(prev: Span, ent: Span) -> bool:
    """The NER's organisation runs straight into a registry organisation name: one longer name."""
    return (
        prev.end == ent.start
        and prev.label_ == "ORG"
        and ent.label_ == "ORG"
        and not prev.ent_id_
        and bool(ent.ent_id_)
        and len(ent) >= 2
        and prev[-1].is_alpha
        and prev[-1].text[:1].isupper()
        and ent[0].text[:1].isupper()
        and not ent[0].is_upper
    )


def _replaceable(ent: Span, place: Span) -> bool:
    """A place name may replace an entity strictly inside it that the NER split off as a person or
    organisation ("Mazar" + "Sharif" for "Mazar-i-Sharif"), never a registry match."""
    inside = place.start <= ent.start and ent.end <= place.end and len(place) > len(ent)
    return inside and ent.label_ in _RELABEL and not ent.ent_id_


def _usable(name: str, not_places: frozenset[str], stop_words: set[str]) -> bool:
    return (
        len(name) >= 4
        and any(c.isupper() for c in name)
        and name_key(name) not in not_places
        and name.lower() not in stop_words
    )


def _capitalised(span: Span) -> bool:
    """First and last words capitalised ("Mazar-i-Sharif", "Bosnia and Herzegovina")."""
    words = [t for t in span if t.is_alpha]
    return bool(words) and words[0].text[:1].isupper() and words[-1].text[:1].isupper()


def _surname_of_person(doc: Doc, ent: Span) -> bool:
    last = ent.text.lower()
    return any(e.label_ == "PERSON" and len(e) > 1 and e[-1].lower_ == last for e in doc.ents)
