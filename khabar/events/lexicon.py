"""The word lists of event extraction, read once from ``khabar/data/events.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["EventType", "Lexicon", "lexicon"]


@dataclass(frozen=True, slots=True)
class EventType:
    """One type of the closed event schema, with its GTD and ACLED equivalents."""

    name: str
    label: str
    gtd: str
    acled: str
    rank: int


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Trigger, casualty, claim, modality and target words (lemmas, lower case)."""

    types: dict[str, EventType]
    trigger_lemmas: dict[str, str]
    trigger_phrases: dict[str, str]
    weak_triggers: frozenset[str]
    killed: frozenset[str]
    injured: frozenset[str]
    units: frozenset[str]
    subset: frozenset[str]
    claim: frozenset[str]
    carry_out: frozenset[str]
    blame: frozenset[str]
    deny: frozenset[str]
    hedge: frozenset[str]
    speech: frozenset[str]
    group_anaphora: frozenset[str]
    negation: frozenset[str]
    unreal: frozenset[str]
    modal: frozenset[str]
    conditional: frozenset[str]
    targets: dict[str, str]  # word -> target type
    people: frozenset[str]  # target words that name people (they outrank buildings)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon (parsed once per process)."""
    raw = tomllib.loads(resources.files("khabar").joinpath("data/events.toml").read_text("utf-8"))
    types = {name: EventType(name, t["label"], t["gtd"], t["acled"], t["rank"]) for name, t in raw["types"].items()}
    targets = {word: kind for kind, words in raw["targets"].items() if kind != "people" for word in words}
    c, m = raw["claims"], raw["modality"]
    return Lexicon(
        types=types,
        trigger_lemmas=dict(raw["triggers"]["lemma"]),
        trigger_phrases=dict(raw["triggers"]["phrase"]),
        weak_triggers=frozenset(raw["triggers"]["weak"]),
        killed=frozenset(raw["casualties"]["killed"]),
        injured=frozenset(raw["casualties"]["injured"]),
        units=frozenset(raw["casualties"]["units"]),
        subset=frozenset(raw["casualties"]["subset"]),
        claim=frozenset(c["claim"]),
        carry_out=frozenset(c["carry_out"]),
        blame=frozenset(c["blame"]),
        deny=frozenset(c["deny"]),
        hedge=frozenset(c["hedge"]),
        speech=frozenset(c["speech"]),
        group_anaphora=frozenset(c["group_anaphora"]),
        negation=frozenset(m["negation"]),
        unreal=frozenset(m["unreal"]),
        modal=frozenset(m["modal"]),
        conditional=frozenset(m["conditional"]),
        targets=targets,
        people=frozenset(raw["targets"]["people"]),
    )
