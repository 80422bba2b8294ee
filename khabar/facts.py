"""Facts about actors from article sentences: (subject, attribute, value) with the sentence as evidence.

``extract_facts(doc, names, article_id=...)`` reads each sentence with dependency rules, one
small reader per attribute (``ATTRIBUTES``): founded, based_in, active_in, strength, leader,
affiliate_of, linked_to, rival_of, designated_by, bounty. ("responsible for" an event comes from
the events stage: see :mod:`khabar.corroborate`.)

The subject is the group the clause is about: a group named as its subject, the group a relative
or participle clause hangs on ("Lashkar-e-Taiba, founded in 1987"), or, for "the group", "it",
"the movement", the group the article last named. Values are normalised so that differently worded
statements of one fact group together: founding dates as ``YYYY`` (or ``YYYY-MM``), counts as
numbers with their qualifier and range, money as a USD number, actors and places by their name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from .events.syntax import Name, is_groupish, is_unreal
from .events.syntax import widen as widen_name
from .models import ArticleResult, Fact
from .names import label_class, name_key
from .numbers import count_phrases, parse_count

__all__ = ["extract_facts", "FactStage", "ATTRIBUTES"]

ATTRIBUTES = (
    "founded",
    "based_in",
    "active_in",
    "strength",
    "leader",
    "affiliate_of",
    "linked_to",
    "rival_of",
    "designated_by",
    "bounty",
)

_FOUND_VERBS = frozenset({"found", "form", "establish", "create", "emerge", "launch", "set", "start", "begin"})
_STRENGTH_NOUNS = frozenset(
    {
        "fighter",
        "member",
        "militant",
        "follower",
        "man",
        "combatant",
        "recruit",
        "gunman",
        "soldier",
        "insurgent",
        "cadre",
        "supporter",
        "adherent",
    }
)
_STRENGTH_VERBS = frozenset(
    {
        "have",
        "number",
        "claim",
        "count",
        "field",
        "estimate",
        "command",
        "boast",
        "include",
        "be",
        "comprise",
        "muster",
        "grow",
    }
)
_PORTION_WORDS = frozenset(
    {
        "part",
        "much",
        "most",
        "area",
        "swathe",
        "swath",
        "parts",
        "region",
        "stretch",
        "town",
        "city",
        "village",
        "island",
        "province",
        "district",
        "valley",
    }
)
_ANAPHORA = frozenset(
    {
        "group",
        "it",
        "movement",
        "organisation",
        "organization",
        "network",
        "sect",
        "militia",
        "faction",
        "which",
        "outfit",
        "they",
        "insurgency",
        "branch",
        "affiliate",
        "that",
        "who",
    }
)
_AFFILIATE_NOUNS = frozenset(
    {"affiliate", "branch", "offshoot", "franchise", "wing", "part", "arm", "province", "subsidiary", "member"}
)
_LINK_WORDS = {
    "link": "linked_to",
    "tie": "linked_to",
    "ally": "linked_to",
    "allied": "linked_to",
    "front": "linked_to",
    "close": "linked_to",
    "associate": "linked_to",
    "connect": "linked_to",
    "rival": "rival_of",
    "enemy": "rival_of",
    "foe": "rival_of",
    "affiliate": "affiliate_of",
    "loyal": "affiliate_of",
    "allegiance": "affiliate_of",
    "pledge": "affiliate_of",
    "join": "affiliate_of",
    "belong": "affiliate_of",
}
_ACTIVE_VERBS = frozenset({"operate", "fight", "control", "hold", "active", "stronghold", "wage", "insurgency"})
_BASE_WORDS = frozenset({"base", "headquarter", "headquarters", "stronghold"})
_DESIGNATE = re.compile(r"(?i)\b(?:designat\w*|list(?:ed|s)?|banned|proscribed|outlawed|blacklisted)\b")
_TERROR_LIST = re.compile(r"(?i)terror\w*|proscribed|banned|outlawed")
_USD = re.compile(r"(?:US)?\$\s?(\d[\d,.]*)\s*(million|billion|thousand|m|bn)?", re.I)


def extract_facts(doc, names: Sequence[Name], *, article_id: str) -> list[Fact]:
    """Every fact the article states about an actor (see the module docstring)."""
    ordered = sorted(names, key=lambda n: n.start)
    out: list[Fact] = []
    salience: Counter[str] = Counter()
    latest: dict[str, Name] = {}
    for sent in doc.sents:
        inside = [n for n in ordered if sent.start_char <= n.start < sent.end_char]
        reader = _Sentence(sent, inside, _topic(salience, latest), article_id)
        out.extend(f for f in reader.facts() if name_key(f.subject) != f.value)
        for n in inside:
            if is_groupish(n):
                key = n.entity_id or name_key(n.canonical or n.text)
                salience[key] += 1 + 2 * _is_subject(doc, n)  # subjects are what a text is about
                latest[key] = n
    return _dedupe(out)


def _is_subject(doc, name: Name) -> bool:
    span = doc.char_span(name.start, name.end, alignment_mode="expand")
    return span is not None and span.root.dep_ in ("nsubj", "nsubjpass")


def _topic(salience: Counter, latest: dict[str, Name]) -> Name | None:
    """The group "the group" and "it" refer to: the most salient so far (mentions, a subject counting
    three), the latest on a tie. On the gold set this beats "the group named last" (fact F1 0.58
    against 0.55): profiles mention other groups in passing between sentences about their subject."""
    if not salience:
        return None
    order = list(latest)
    key = max(salience, key=lambda k: (salience[k], order.index(k)))
    return latest[key]


class _Sentence:
    """The fact readers for one sentence (``topic`` = the group the article last named)."""

    def __init__(self, sent, names: list[Name], topic: Name | None, article_id: str) -> None:
        self.sent, self.names, self.topic, self.article_id = sent, names, topic, article_id

    def facts(self) -> list[Fact]:
        found: list[Fact] = []
        for tok in self.sent:
            lemma = tok.lemma_.lower()
            if lemma in _FOUND_VERBS and tok.pos_ == "VERB":
                found += self._founded(tok)
            if lemma in ("lead", "leader", "head", "chief", "commander", "emir", "remain"):
                found += self._leader(tok)
            if lemma in _BASE_WORDS or tok.lower_ == "based":
                found += self._based(tok)
            if lemma in _ACTIVE_VERBS:
                found += self._active(tok)
            if lemma in _LINK_WORDS or lemma in _AFFILIATE_NOUNS:
                found += self._related(tok)
            if _DESIGNATE.fullmatch(tok.text) or (lemma == "list" and tok.pos_ == "NOUN"):
                found += self._designated(tok)
        found += self._strength()
        found += self._bounty()
        return found

    # --- subject and values ---------------------------------------------------------------------

    def subject_of(self, tok) -> Name | None:
        """The group the clause at ``tok`` is about."""
        for child in tok.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return self._group_at(child)
        if tok.dep_ == "ROOT" or any(c.dep_ == "auxpass" for c in tok.children):
            # a mis-parsed subject ("IS-K, as it is often called, was founded ..."): the opening name
            opening = [n for n in self.names if n.start <= self.sent.start_char + 1 and is_groupish(n)]
            if opening and opening[0].end <= tok.idx:
                return widen_name(opening[0], tok.doc)
        node = tok
        for _ in range(4):
            if node.dep_ in ("acl", "relcl", "appos", "amod", "attr") or node.head.pos_ in ("PROPN",):
                found = self._group_at(node.head)
                if found is not None:
                    return found
            if (
                node.dep_ in ("conj", "xcomp", "ccomp", "advcl", "acomp", "prep", "pobj", "attr", "dobj")
                and node.head.i != node.i
            ):
                node = node.head
                for child in node.children:
                    if child.dep_ in ("nsubj", "nsubjpass") and child.i != tok.i:
                        return self._group_at(child)
                continue
            break
        return None

    def _group_at(self, tok) -> Name | None:
        name = self._name_over(tok, group=True)
        if name is not None:
            return name
        if tok.dep_ == "appos" and tok.head.i != tok.i:  # "Lashkar-e-Taiba, a militant group based in ..."
            name = self._name_over(tok.head, group=True)
            if name is not None:
                return name
        if tok.lemma_.lower() in _ANAPHORA or tok.lower_ in _ANAPHORA:
            if tok.lower_ in ("which", "who", "that") and tok.head.dep_ in ("relcl",):
                return self._group_at(tok.head.head)
            return self.topic
        for child in tok.children:  # "the group's leader" -> possessor
            if child.dep_ == "appos":
                name = self._name_over(child, group=True)
                if name is not None:
                    return name
        return None

    def _name_over(self, tok, *, group: bool = False, person: bool = False, place: bool = False) -> Name | None:
        """The name covering ``tok`` (or one of its compound/appositive children) of the wanted class."""
        kinds = ("appos",) if tok.lemma_.lower() in _AFFILIATE_NOUNS else ("compound", "appos", "poss", "npadvmod")
        # "the al-Qaeda affiliate": the compound names the parent, not the group the clause is about
        candidates = [tok] + [c for c in tok.children if c.dep_ in kinds]
        for cand in candidates:
            for name in self.names:
                if name.start <= cand.idx < name.end and self._wanted(name, group, person, place):
                    return widen_name(name, tok.doc) if group else name
        return None

    @staticmethod
    def _wanted(name: Name, group: bool, person: bool, place: bool) -> bool:
        cls = label_class(name.label)
        if group:
            return is_groupish(name) and cls != "PLACE"
        if person:
            return cls == "PERSON" and not is_groupish(name)
        if place:
            return cls == "PLACE" or (name.entity_id or "").startswith("place:")
        return True

    def _objects(self, tok, preps: tuple[str, ...]) -> list:
        out = []
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in preps:
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        out.append(obj)
                        out.extend(c for c in obj.children if c.dep_ == "conj")
        return out

    def _fact(
        self,
        subject: Name | None,
        attribute: str,
        value: str,
        display: str,
        *,
        qualifier: str = "",
        object_id: str | None = None,
        high: int | None = None,
        on: str = "",
    ) -> list[Fact]:
        if subject is None or not value:
            return []
        canonical = subject.canonical or subject.text
        return [
            Fact(
                self.article_id,
                canonical,
                subject.entity_id,
                attribute,
                value,
                display,
                qualifier,
                self.sent.start_char,
                self.sent.end_char,
                object_id,
                subject.start,
                subject.end,
                high,
                on,
            )
        ]

    # --- readers --------------------------------------------------------------------------------

    def _founded(self, verb) -> list[Fact]:
        if verb.lemma_.lower() in ("set", "start", "begin", "launch") and not self._looks_founding(verb):
            return []
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        if objects and verb.lemma_.lower() != "emerge":
            subject = self._name_over(objects[0], group=True)  # "X founded the group": the group was founded
        else:
            subject = self.subject_of(verb)
        facts: list[Fact] = []
        year = self._year_near(verb)
        if year:
            facts += self._fact(subject, "founded", year[0], year[1], qualifier=year[2])
        for place in self._objects(verb, ("in",)):
            name = self._name_over(place, place=True)
            if name is not None:
                facts += self._fact(subject, "based_in", name_key(name.text), name.text, object_id=name.entity_id)
        return facts

    def _looks_founding(self, verb) -> bool:
        return any(c.lower_ == "up" for c in verb.children) and verb.lemma_.lower() == "set"

    def _year_near(self, verb) -> tuple[str, str, str] | None:
        for child in verb.subtree:
            if child.ent_type_ == "DATE" and re.fullmatch(r"(1[89]|20)\d\d", child.text):
                ent = next((e for e in self.sent.ents if e.start <= child.i < e.end), None)
                text = ent.text if ent is not None else child.text
                qualifier = next((w for w in ("early", "late", "mid", "around", "about") if w in text.lower()), "")
                month = re.search(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", text)
                if month:
                    number = "janfebmaraprmayjunjulaugsepoctnovdec".index(month[1].lower()) // 3 + 1
                    return f"{child.text}-{number:02d}", text, qualifier
                return child.text, text, qualifier
        return None

    def _leader(self, tok) -> list[Fact]:
        lemma = tok.lemma_.lower()
        if lemma == "lead" and tok.pos_ == "VERB":
            return self._led(tok)
        if lemma == "remain":
            attrs = [c for c in tok.children if c.dep_ == "attr" and c.lemma_.lower() == "leader"]
            return self._leader(attrs[0]) if attrs else []
        if tok.pos_ != "NOUN" or is_unreal(tok):
            return []
        group = self._group_of_title(tok)
        person = self._person_for_title(tok)
        if group is None or person is None:
            return []
        return self._fact(group, "leader", name_key(person.text), person.text, object_id=person.entity_id)

    def _led(self, verb) -> list[Fact]:
        """ "a group led by X", "X leads the group", "X has led the group since 2009"."""
        if any(c.dep_ == "auxpass" for c in verb.children) or verb.dep_ in ("acl", "amod"):
            agent = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            person = self._name_over(agent[0], person=True) if agent else None
            group = self.subject_of(verb)
        else:
            subj = [c for c in verb.children if c.dep_ == "nsubj"]
            obj = [c for c in verb.children if c.dep_ == "dobj"]
            person = self._person_at(subj[0]) if subj else None
            group = self._group_at(obj[0]) if obj else None
        if person is None or group is None:
            return []
        return self._fact(group, "leader", name_key(person.text), person.text, object_id=person.entity_id)

    def _person_at(self, tok) -> Name | None:
        name = self._name_over(tok, person=True)
        if name is not None:
            return name
        if tok.lower_ in ("who",) and tok.head.dep_ == "relcl":
            return self._name_over(tok.head.head, person=True)
        return None

    def _group_of_title(self, noun) -> Name | None:
        """The group a title noun belongs to: "the leader of X", "X's leader", "X leader", "its leader"."""
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return self._group_at(obj)
            if child.dep_ in ("poss", "compound"):
                found = self._group_at(child)
                if found is not None:
                    return found
        return None

    def _person_for_title(self, noun) -> Name | None:
        """ "the group's leader, X" (appos), "X, the leader of ..." (noun is appos of X), "X is its leader"."""
        for child in noun.children:
            if child.dep_ == "appos":
                name = self._name_over(child, person=True)
                if name is not None:
                    return name
        if noun.dep_ in ("appos", "attr") and noun.head.i != noun.i:
            head = noun.head
            if noun.dep_ == "attr":
                head = next((c for c in head.children if c.dep_ == "nsubj"), head)
            return self._person_at(head)
        return None

    def _based(self, tok) -> list[Fact]:
        """ "a group based in X", "the Yemen-based group", "its stronghold in X"."""
        places = self._objects(tok, ("in", "on", "at"))
        if not places and tok.lower_ == "based":
            places = [c for c in tok.children if c.dep_ in ("npadvmod", "compound")]
            places += [t for t in tok.doc[max(tok.i - 2, 0) : tok.i] if t.pos_ == "PROPN"]
        subject = self.subject_of(tok) or (self._group_at(tok.head) if tok.dep_ == "amod" else None)
        if subject is None and tok.lemma_.lower() == "stronghold":
            subject = self._owner(tok)
        out: list[Fact] = []
        for place in places:
            text = self._place_text(place)
            if text:
                out += self._fact(subject, "based_in", name_key(text), text)
        return out

    def _owner(self, noun) -> Name | None:
        poss = [c for c in noun.children if c.dep_ == "poss"]
        if poss:
            return self._group_at(poss[0])
        return self.subject_of(noun.head) if noun.dep_ == "dobj" else None

    def _place_text(self, tok) -> str:
        if tok.lemma_.lower() in _PORTION_WORDS:  # "large parts of the south", "the town of Kattankudy"
            inner = next(
                (
                    g
                    for c in tok.children
                    if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.children
                    if g.dep_ == "pobj"
                ),
                None,
            )
            if inner is not None:
                return self._place_text(inner)
            if tok.pos_ != "PROPN":
                return ""
        name = self._name_over(tok, place=True)
        if name is not None:
            return name.text
        words = [
            t
            for t in tok.subtree
            if t.dep_ not in ("det", "prep", "cc", "punct", "conj")
            and not (t.dep_ == "amod" and t.lower_ in ("eastern", "western", "nearby", "neighbouring"))
        ]
        if tok.pos_ == "PROPN" or any(t.pos_ == "PROPN" for t in words):
            return " ".join(t.text for t in words if t.i <= tok.i or t.head.i == tok.i)
        return ""

    def _active(self, tok) -> list[Fact]:
        if is_unreal(tok):
            return []
        subject = self.subject_of(tok) or (self._owner(tok) if tok.pos_ == "NOUN" else None)
        places = self._objects(tok, ("in", "across", "throughout"))
        if tok.lemma_.lower() == "control":
            places += [c for c in tok.children if c.dep_ == "dobj"]
        for child in tok.children:
            if child.dep_ == "dobj":
                places += self._objects(child, ("in",))
        out: list[Fact] = []
        for place in places:
            text = (
                self._place_text(place)
                if place.lemma_.lower() != "much"
                else self._place_text(
                    next((g for c in place.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"), place)
                )
            )
            if text:
                out += self._fact(subject, "active_in", name_key(text), text)
        return out

    def _related(self, tok) -> list[Fact]:
        lemma = tok.lemma_.lower()
        attribute = _LINK_WORDS.get(lemma) or ("affiliate_of" if lemma in _AFFILIATE_NOUNS else None)
        if attribute is None or is_unreal(tok):
            return []
        others = self._objects(tok, ("to", "with", "of", "for"))
        if lemma in ("join",):
            others = [c for c in tok.children if c.dep_ == "dobj"]
        if lemma == "allegiance" or lemma == "pledge":
            others = self._objects(tok, ("to",)) or [
                o for c in tok.children if c.dep_ == "dobj" for o in self._objects(c, ("to",))
            ]
        compounds = [c for c in tok.children if c.dep_ in ("compound", "poss", "nmod")]
        if tok.pos_ == "NOUN" and not others and compounds:
            others = compounds  # "the al-Qaeda affiliate"
        if lemma in _AFFILIATE_NOUNS and lemma not in ("affiliate",) and not others:
            return []
        if lemma in _AFFILIATE_NOUNS and tok.dep_ == "pobj":
            # "X is a rival of the Islamic State's branch in the Sahel": the branch is the rival's object,
            # not something the sentence's subject belongs to.
            return []
        subject = self.subject_of(tok)
        if subject is None and tok.dep_ in ("attr", "appos", "dobj"):
            subject = self._group_at(tok.head) if tok.dep_ == "appos" else self.subject_of(tok.head)
        out: list[Fact] = []
        for other in others:
            group = self._group_at(other) if other.lemma_.lower() not in _ANAPHORA else None
            if group is None or subject is None or name_key(group.text) == name_key(subject.text):
                continue
            display = group.canonical or group.text
            out += self._fact(subject, attribute, name_key(display), display, object_id=group.entity_id)
        return out

    def _designated(self, tok) -> list[Fact]:
        text = self.sent.text
        if not _TERROR_LIST.search(text) or is_unreal(tok):
            return []
        subject = self.subject_of(tok)
        obj = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        if obj and (subject is None or tok.lower_ in ("designated", "listed", "banned")):
            subject = self._group_at(obj[0]) or subject
        who = [
            g
            for c in tok.subtree
            if c.dep_ in ("agent", "prep") and c.lower_ == "by"
            for g in c.children
            if g.dep_ == "pobj"
        ]
        who += [c for c in tok.children if c.dep_ == "nsubj"]
        who += [
            g for c in tok.children if c.dep_ == "prep" and c.lower_ == "in" for g in c.children if g.dep_ == "pobj"
        ]
        if tok.lemma_.lower() == "list":
            who += [c for c in tok.children if c.dep_ in ("compound", "poss")]
        out: list[Fact] = []
        for node in who:
            name = self._name_over(node)
            if name is None or (subject is not None and name_key(name.text) == name_key(subject.text)):
                continue
            if is_groupish(name) and label_class(name.label) != "PLACE" and "nation" not in name.text.lower():
                continue
            display = (name.canonical or name.text).removeprefix("the ")
            out += self._fact(subject, "designated_by", name_key(display), display, object_id=name.entity_id)
        return out

    def _strength(self) -> list[Fact]:
        """ "X has about 2,000 fighters", "X is estimated to have ...", "put X's strength at 4,000 fighters"."""
        out: list[Fact] = []
        for figure, anchor in count_phrases(self.sent):
            noun = anchor.head if anchor.dep_ in ("nummod", "quantmod") else anchor
            if noun.lemma_.lower() not in _STRENGTH_NOUNS or is_unreal(noun):
                continue
            subject = self._strength_owner(noun)
            out += self._fact(
                subject,
                "strength",
                str(figure.value),
                figure.text,
                qualifier=figure.qualifier,
                high=figure.high if figure.qualifier == "range" else None,
            )
        return out

    def _strength_owner(self, noun) -> Name | None:
        node = noun
        for _ in range(4):
            node = node.head
            lemma = node.lemma_.lower()
            if lemma in _STRENGTH_VERBS and node.pos_ in ("VERB", "AUX"):
                return self.subject_of(node)
            if lemma in ("strength", "size", "rank", "force") and node.pos_ == "NOUN":
                return self._owner(node)
            if node.head.i == node.i:
                break
        return None

    def _bounty(self) -> list[Fact]:
        text = self.sent.text
        if not re.search(r"(?i)\b(reward|bounty|offered)\b", text) or "$" not in text:
            return []
        amounts = [self._usd(m) for m in _USD.finditer(text)]
        amounts = [a for a in amounts if a]
        if not amounts:
            return []
        person = next((n for n in self.names if label_class(n.label) == "PERSON" and not is_groupish(n)), None)
        subject = self.topic
        groups = [n for n in self.names if is_groupish(n)]
        if groups:
            subject = groups[0]
        qualifier = "up_to" if re.search(r"(?i)up to|as much as", text) else ""
        on = person.text if person is not None else ""
        return self._fact(subject, "bounty", str(amounts[-1]), f"${amounts[-1]:,}", qualifier=qualifier, on=on)

    @staticmethod
    def _usd(match) -> int | None:
        figure = parse_count(match[1] + (" " + match[2] if match[2] else ""))
        if figure is None:
            unit = {"m": 1_000_000, "bn": 1_000_000_000}.get((match[2] or "").lower())
            base = parse_count(match[1])
            return base.value * unit if base and unit else None
        return figure.value


class FactStage:
    """Per-article stage "facts": the article's facts about actors (pure; the pipeline stores them)."""

    name = "facts"

    def derive(self, result: ArticleResult, doc) -> ArticleResult:
        """``result`` with the facts the article states."""
        from .events import names_from

        names = names_from(result.analysis, result.resolution)
        return replace(result, facts=tuple(extract_facts(doc, names, article_id=result.article.id)))


def _dedupe(facts: list[Fact]) -> list[Fact]:
    seen, out = set(), []
    for f in facts:
        key = (name_key(f.subject), f.attribute, f.value)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
