"""An actor's profile for the full dossier: facts with support, relations, attacks, disputes, questions.

``build_profile(store, entity_id)`` gathers, for one entity:

* **facts** stated about it (founded, leader, based in, active in, strength, designated by, bounty),
  each value with its supporting articles and independent source groups;
* **relations** to other actors from the text: affiliate of, linked to, rival of, both ways ("X is
  an affiliate of Y" shows on X's and on Y's dossier), and leadership ("leads X" on a person);
* **attacks**: events the actor is named as behind (claimed, attributed or suspected), on a
  timeline, oldest first;
* **disputes**: conflicting values (two founding years, incompatible strengths, different leaders)
  and conflicts in its attacks (competing claims, revised tolls);
* **questions**: what remains open (attacks attributed but never claimed, denials, disputed values),
  each with the citations that raise it.

No SQL here (the store answers) and no formatting (``khabar.render``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .corroborate import fact_conflicts, profile_facts
from .events.query import find_events
from .models import Conflict, Event, Fact, ProfileFact, Question
from .names import name_key

__all__ = ["build_profile", "ActorProfile", "RELATION_ATTRIBUTES", "INVERSE"]

RELATION_ATTRIBUTES = ("affiliate_of", "linked_to", "rival_of")
# The relation as seen from the other side: "Y has affiliate X" when "X is an affiliate of Y".
INVERSE = {"affiliate_of": "has_affiliate", "linked_to": "linked_to", "rival_of": "rival_of", "leader": "leads"}


@dataclass(frozen=True, slots=True)
class ActorProfile:
    """What the dossier adds from events and facts."""

    facts: tuple[ProfileFact, ...]
    relations: tuple[ProfileFact, ...]
    attacks: tuple[Event, ...]
    disputes: tuple[Conflict, ...]
    questions: tuple[Question, ...]


def build_profile(store, entity_id: str, *, window_days: int, events: list[Event] | None = None) -> ActorProfile:
    """The profile of one entity (see the module docstring); ``events`` avoids re-merging all reports."""
    entity = store.entity(entity_id)
    name = entity.name if entity is not None else entity_id
    keys = _alias_keys(store, entity_id, name)
    own = store.facts(subject_ids=[entity_id], subject_keys=keys)
    pointing = [
        f
        for f in store.facts(value_keys=keys, object_ids=[entity_id])
        if f.attribute in (*RELATION_ATTRIBUTES, "leader") and f.subject_id != entity_id
    ]
    cite = dict(groups=store.source_group_map, cite=store.citations)
    facts = profile_facts([f for f in own if f.attribute not in RELATION_ATTRIBUTES], **cite)
    relations = profile_facts([f for f in own if f.attribute in RELATION_ATTRIBUTES] + _inverted(pointing), **cite)
    all_events = events if events is not None else find_events(store, window_days=window_days)
    attacks = sorted((e for e in all_events if _behind(e, entity_id, keys)), key=_when)
    disputes = fact_conflicts(facts, name) + [c for e in attacks for c in e.conflicts]
    return ActorProfile(
        tuple(facts),
        tuple(relations),
        tuple(attacks),
        tuple(disputes),
        tuple(_questions(name, attacks, disputes, entity_id, keys)),
    )


def _alias_keys(store, entity_id: str, name: str) -> set[str]:
    keys = {name_key(name)}
    keys |= {name_key(a.alias) for a in store.alias_support(entity_id, citations=0)}
    keys.discard("")
    return keys


def _inverted(facts: list[Fact]) -> list[Fact]:
    """Facts naming the entity as their value, turned around to be about the entity."""
    return [
        replace(f, attribute=INVERSE[f.attribute], value=name_key(f.subject), display=f.subject, object_id=f.subject_id)
        for f in facts
    ]


def _behind(event: Event, entity_id: str, keys: set[str]) -> bool:
    return any(
        (p.entity_id == entity_id or name_key(p.name) in keys) and p.status != "denied" for p in event.perpetrators
    )


def _when(event: Event) -> str:
    if event.date is not None and event.date.value:
        return event.date.value
    return min((r.published or "9999")[:10] for r in event.reports)


def _questions(
    name: str, attacks: list[Event], disputes: list[Conflict], entity_id: str, keys: set[str]
) -> list[Question]:
    out = []
    for event in attacks:
        mine = [p for p in event.perpetrators if p.entity_id == entity_id or name_key(p.name) in keys]
        statuses = {p.status for p in mine}
        what = f"{event.type.replace('_', ' ')} in {event.place or 'an unnamed place'} ({_when(event)})"
        if "claimed" not in statuses:
            cites = tuple(c for p in mine for c in p.citations)
            out.append(Question(f"{name} is blamed for the {what} but no claim by it is reported", cites))
        denials = [
            p
            for p in event.perpetrators
            if p.status == "denied" and (p.entity_id == entity_id or name_key(p.name) in keys)
        ]
        if denials:
            out.append(Question(f"{name} denied the {what}", tuple(c for p in denials for c in p.citations)))
    for conflict in disputes:
        if conflict.kind in ("founded", "strength", "leader"):
            values = "; ".join(f"{v.display} ({v.source_groups} source group(s))" for v in conflict.values)
            cites = tuple(c for v in conflict.values for c in v.citations)
            out.append(Question(f"{conflict.note}: {values}", cites))
    return out
