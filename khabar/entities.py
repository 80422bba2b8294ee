"""Entity resolution: an article's grouped mentions -> entities shared across articles.

Places, groups and people are resolved differently:

* **Places**: every place mention is geocoded on its own (``places.py``: "Kunduz city" and
  "Kunduz province" in one article are two places) and becomes the entity ``place:<GeoNames id>``;
  a place with no gazetteer entry stays an unresolved place entity, flagged.
* **Groups and people**: each in-article group (``Mention.cluster``) becomes one entity:

  1. a registry name (exact, or a spelling variant: "al-Qaida" for "al-Qaeda") that belongs to one
     registry entry links the group to it (``actor:<id>`` / ``person:<id>``); a name the registry
     marks as shared by several actors ("al-Shabaab") is decided by the countries of the article's
     places, and left unlinked when they do not decide;
  2. a group whose names belong to *different* registry entries is split along them, and each name
     that would have joined them is recorded as an :class:`AliasConflict` for the analyst: an
     affiliate is never merged into its parent by a stated alias;
  3. otherwise a name already known as an alias of stored entities (exact, then spelling variant)
     joins one of them; when several share it (two "Haqqani"s), the one whose usual company
     (co-mentioned entities) best matches this article's wins, and a bare surname that the context
     cannot decide gets an entity of its own rather than a guess;
  4. otherwise a new entity is created, its id a hash of class and name (stable on re-runs).

Analyst edits in force (``edits.py``) are then applied: the mention keeps the resolver's choice as
``resolved_id`` and gets the edited entity. Every name becomes an alias with its evidence: ``text``
(used at article + span), ``stated`` (asserted as an alias: "X (Y)", "also known as Y"),
``registry`` or ``gazetteer``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from .models import AliasConflict, AliasRecord, Analysis, Edit, EditRules, EntityRecord, Mention, Place, Resolution
from .names import ENTITY_LABELS, display_name, is_acronym, label_class, name_key, variant_key
from .places import PLACE_LABELS, Gazetteer, PlaceSpan, geocode, is_place_mention
from .registry import Registry, load_registry

__all__ = [
    "resolve",
    "entity_id_for",
    "AliasLookup",
    "EntityIndex",
    "registry_candidates",
    "registry_links",
    "registry_name",
]

# (class, name key) -> ids of stored entities having that alias, most-mentioned first.
AliasLookup = Callable[[str, str], list[str]]

_REGISTRY_CLASS = {"actor": "GROUP", "person": "PERSON", "place": "PLACE"}
_MIN_VARIANT = 5  # shorter variant keys ("isk", "ttp") are too coarse to look up


class EntityIndex(Protocol):
    """What resolution reads from the knowledge base (``khabar.store.Store`` provides it)."""

    def entities_with_alias(self, cls: str, norm: str) -> list[str]: ...

    def entities_with_variant(self, cls: str, variant: str) -> list[str]: ...

    def entity_neighbours(self, entity_ids: list[str]) -> dict[str, set[str]]: ...

    def edits(self) -> list[Edit]: ...


@dataclass(frozen=True, slots=True)
class _LookupOnly:
    """An index from a bare alias lookup (no variants, no context, no edits)."""

    lookup: AliasLookup

    def entities_with_alias(self, cls: str, norm: str) -> list[str]:
        return self.lookup(cls, norm)

    def entities_with_variant(self, cls: str, variant: str) -> list[str]:
        return []

    def entity_neighbours(self, entity_ids: list[str]) -> dict[str, set[str]]:
        return {}

    def edits(self) -> list[Edit]:
        return []


@dataclass(frozen=True, slots=True)
class _Group:
    canonical: str
    label: str
    cls: str
    members: tuple[int, ...]  # indexes into analysis.mentions


@dataclass
class _State:
    """What resolution of one article has decided so far."""

    analysis: Analysis
    ids: list[str | None]
    entities: dict[str, EntityRecord] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    conflicts: list[AliasConflict] = field(default_factory=list)

    def assign(self, members: Sequence[int], record: EntityRecord) -> None:
        self.entities[record.id] = record
        for i in members:
            self.ids[i] = record.id


def entity_id_for(cls: str, name: str) -> str:
    """Stable id of an entity not linked to the registry."""
    return "e:" + hashlib.sha1(f"{cls}|{name_key(name)}".encode()).hexdigest()[:12]


def resolve(
    analysis: Analysis,
    text: str,
    *,
    index: EntityIndex | None = None,
    lookup: AliasLookup | None = None,
    registry: Registry | None = None,
    gazetteer: Gazetteer | None = None,
) -> Resolution:
    """Resolve the article's names to entities; see the module docstring for the rules."""
    registry = registry or load_registry()
    index = index or _LookupOnly(lookup or (lambda cls, norm: []))
    state = _State(analysis, [None] * len(analysis.mentions))
    classes = _classes(analysis.mentions, registry)
    _resolve_places(state, text, classes, gazetteer)
    countries = Counter(p.country for p in state.places.values() if p.resolved and p.country)
    pending = []
    for group in _groups(analysis.mentions, classes):
        for part, record in _registry_parts(group, state, registry, countries):
            if record is None:
                pending.append(part)
            else:
                state.assign(part.members, record)
    for group in pending:
        state.assign(group.members, _stored_or_new(group, state, index))
    return _finish(state, text, EditRules.of(index.edits()), registry)


# --- places --------------------------------------------------------------------------------------


def _classes(mentions: Sequence[Mention], registry: Registry) -> list[str]:
    """Coarse class per mention (PERSON, GROUP, PLACE; OTHER for non-names and fragments)."""
    out = []
    for m in mentions:
        cls = label_class(m.label)
        if cls in ("PLACE", "PERSON") and _actor_name(m.text, registry):
            cls = "GROUP"  # "Boko Haram" is often read as a person, "Islamic State" as a place
        elif m.label == "NORP" and not _actor_name(m.text, registry):
            # "Afghan", "Shia", "Pashtun": a nationality or sect, not an actor; a country's demonym
            # names its country as a place ("Russian officials": Russia), as annotators count it
            cls = "PLACE" if is_place_mention(m.label, m.text) else "OTHER"
        out.append(cls if _name_like(m.text) else "OTHER")
    return out


def _actor_name(text: str, registry: Registry) -> bool:
    ids = registry.lookup(text) or registry.ambiguous(text)
    return bool(ids) and all(r.startswith("actor:") for r in ids)


def _name_like(text: str) -> bool:
    """False for fragments the NER sometimes returns ("al-", "Al-")."""
    return len(name_key(text)) >= 2 and not text.rstrip().endswith("-")


def _resolve_places(state: _State, text: str, classes: list[str], gazetteer: Gazetteer | None) -> None:
    mentions = state.analysis.mentions
    indexes = [i for i, m in enumerate(mentions) if m.label in ENTITY_LABELS and classes[i] == "PLACE"]
    spans = [PlaceSpan(mentions[i].start, mentions[i].end, mentions[i].text, mentions[i].label) for i in indexes]
    by_place: dict[str, list[int]] = {}
    for i, place in zip(indexes, geocode(text, spans, gazetteer=gazetteer)):
        state.places.setdefault(place.id, place)
        by_place.setdefault(place.id, []).append(i)
    for place_id, members in by_place.items():
        place = state.places[place_id]
        # a place's type is a place label: "Russian" (NORP) alone is still the place Russia (GPE)
        labels = Counter(mentions[i].label for i in members if mentions[i].label in PLACE_LABELS)
        label = labels.most_common(1)[0][0] if labels else "GPE"
        state.assign(members, EntityRecord(place_id, place.name, label, "PLACE", place_id if place.resolved else None))


# --- groups and people: registry ----------------------------------------------------------------


def _groups(mentions: Sequence[Mention], classes: list[str]) -> list[_Group]:
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, m in enumerate(mentions):
        if m.label in ENTITY_LABELS and classes[i] in ("GROUP", "PERSON"):
            by_key.setdefault((m.cluster, classes[i]), []).append(i)
    return [
        _Group(cluster, mentions[members[0]].label, cls, tuple(members)) for (cluster, cls), members in by_key.items()
    ]


def _registry_parts(group: _Group, state: _State, registry: Registry, countries: Counter):
    """The group split by the registry entries its names belong to: [(part, record or None)]."""
    mentions = state.analysis.mentions
    own = {i: _member_registry_id(mentions[i], group, registry, countries) for i in group.members}
    linked = {r for r in own.values() if r}
    if not linked:
        return [(group, None)]
    main = own.get(_canonical_member(group, mentions)) or _most_common(own.values())
    parts: dict[str, list[int]] = {}
    for i in group.members:
        other = own[i]
        parts.setdefault(other or main, []).append(i)
        if other and other != main:
            state.conflicts.append(_conflict(mentions[i], main, other, registry, state.analysis.article_id))
    return [
        (_Group(group.canonical, group.label, group.cls, tuple(members)), _registry_record(rid, group, registry))
        for rid, members in parts.items()
    ]


def _member_registry_id(m: Mention, group: _Group, registry: Registry, countries: Counter) -> str | None:
    words = display_name(m.text).split()
    if group.cls == "PERSON" and len(words) < 2:
        return None  # a bare surname is not evidence for one registry person
    found = registry_candidates(m.text, group.cls, registry, countries)
    if not found and m.ent_id and _REGISTRY_CLASS.get(m.ent_id.partition(":")[0]) == group.cls:
        found = [m.ent_id]
    return found[0] if len(found) == 1 else None


def registry_candidates(name: str, cls: str, registry: Registry, countries: Counter | None = None) -> list[str]:
    """Registry ids a name may refer to: its own entries (exact, else spelling variant); for a
    name shared by several actors, the one active in the article's countries when that decides."""

    def of_class(ids) -> list[str]:
        return [r for r in ids if _REGISTRY_CLASS.get(r.partition(":")[0]) == cls]

    own = of_class(registry.lookup(name))
    if not own and len(variant_key(name)) >= _MIN_VARIANT and not is_acronym(name):
        own = of_class(_registry_variants(registry).get(variant_key(name), ()))
    pool = list(dict.fromkeys(own + of_class(registry.ambiguous(name))))
    if len(pool) <= 1:
        return pool
    # Shared: the countries decide; else the one entry whose own name it is ("al-Shabaab": Somalia).
    named = [r for r in pool if name_key(_registry_entry(r, registry).name) == name_key(name)]
    return (
        _by_country(pool, registry, countries or Counter())
        or (own if len(own) == 1 else [])
        or (named if len(named) == 1 else [])
    )


def _by_country(ids: list[str], registry: Registry, countries: Counter) -> list[str]:
    """The one candidate active in the article's countries, if exactly one scores best."""

    def score(rid: str) -> int:
        entry = _registry_entry(rid, registry)
        # The first country listed is the main theatre: it counts double.
        return sum(countries[c] * (2 if k == 0 else 1) for k, c in enumerate(entry.countries if entry else ()))

    scored = sorted(((score(r), r) for r in ids), reverse=True)
    if scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return [scored[0][1]]
    return []


@lru_cache(maxsize=4)
def _registry_variants(registry: Registry) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    entries = [(f"actor:{a.id}", a.names) for a in registry.actors]
    entries += [(f"person:{p.id}", p.names) for p in registry.people]
    for rid, names in entries:
        for name in names:
            key = variant_key(name)
            if len(key) >= _MIN_VARIANT and not is_acronym(name) and rid not in out.setdefault(key, []):
                out[key].append(rid)
    return {k: tuple(v) for k, v in out.items()}


def _canonical_member(group: _Group, mentions: Sequence[Mention]) -> int:
    same = [i for i in group.members if display_name(mentions[i].text) == group.canonical]
    return same[0] if same else max(group.members, key=lambda i: len(mentions[i].text))


def _most_common(values) -> str:
    return Counter(v for v in values if v).most_common(1)[0][0]


def _registry_record(rid: str, group: _Group, registry: Registry) -> EntityRecord:
    kind, _, key = rid.partition(":")
    entry = registry.actor(key) if kind == "actor" else registry.person(key)
    return EntityRecord(rid, entry.name if entry else group.canonical, group.label, group.cls, rid)


def _conflict(m: Mention, main: str, other: str, registry: Registry, article_id: str) -> AliasConflict:
    reason = (
        f"{display_name(m.text)!r} was used in this article for {_registry_name(main, registry)}, but the "
        f"registry lists it for {_registry_name(other, registry)}; kept apart"
    )
    return AliasConflict(display_name(m.text), main, other, reason, article_id, m.start, m.end)


def _registry_name(rid: str, registry: Registry) -> str:
    entry = _registry_entry(rid, registry)
    return f"{entry.name} ({rid})" if entry else rid


def _registry_entry(rid: str, registry: Registry):
    kind, _, key = rid.partition(":")
    return registry.actor(key) if kind == "actor" else registry.person(key) if kind == "person" else None


# --- groups and people: stored entities ---------------------------------------------------------


def _stored_or_new(group: _Group, state: _State, index: EntityIndex) -> EntityRecord:
    forms = _lookup_forms(group, state.analysis.mentions)
    candidates = _candidates(forms, group.cls, index)
    chosen = _pick(candidates, group, state, index)
    return EntityRecord(
        chosen or entity_id_for(group.cls, group.canonical), group.canonical, group.label, group.cls, None
    )


def _lookup_forms(group: _Group, mentions: Sequence[Mention]) -> list[str]:
    """The group's names, longest first; a person's bare surname only when no full name is used."""
    forms = {display_name(mentions[i].text) for i in group.members} | {group.canonical}
    if group.cls == "PERSON" and any(len(f.split()) >= 2 for f in forms):
        forms = {f for f in forms if len(f.split()) >= 2}
    return sorted(forms, key=lambda f: (-len(f), f))


def _candidates(forms: list[str], cls: str, index: EntityIndex) -> list[str]:
    for form in forms:
        found = index.entities_with_alias(cls, name_key(form))
        if found:
            return found
    for form in forms:
        key = variant_key(form)
        if len(key) >= _MIN_VARIANT and not is_acronym(form):
            found = index.entities_with_variant(cls, key)
            if found:
                return found
    return []


def _pick(candidates: list[str], group: _Group, state: _State, index: EntityIndex) -> str | None:
    """One of several stored entities sharing a name, by the company it keeps; None for a new one."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    context = {eid for eid in state.ids if eid}
    neighbours = index.entity_neighbours(candidates)
    scores = [(len(neighbours.get(c, set()) & context), -k, c) for k, c in enumerate(candidates)]
    best = max(scores)
    tied = sum(1 for s in scores if s[0] == best[0]) > 1
    bare = group.cls == "PERSON" and len(group.canonical.split()) == 1
    if tied and bare:
        own = entity_id_for(group.cls, group.canonical)
        return own if own in candidates else None
    return best[2]


# --- edits and aliases ---------------------------------------------------------------------------


def _finish(state: _State, text: str, rules: EditRules, registry: Registry) -> Resolution:
    mentions = state.analysis.mentions
    resolved = list(state.ids)
    effective = [rules.apply(eid, name_key(m.text)) if eid else None for eid, m in zip(resolved, mentions)]
    entities = {**state.entities}
    for eid, rid in zip(effective, resolved):
        if eid and eid not in entities and rid in state.entities:
            base = state.entities[rid]
            entities[eid] = EntityRecord(eid, base.name, base.type, base.cls, None)
    aliases = _text_aliases(state.analysis, effective, resolved)
    aliases += _stated(state.analysis, text, effective)
    aliases += _known_names(state, rules, registry)
    return Resolution(
        tuple(effective),
        tuple(entities.values()),
        tuple(aliases),
        state.analysis.article_id,
        tuple(resolved),
        tuple(state.places.values()),
        tuple(state.conflicts),
    )


def _text_aliases(analysis: Analysis, effective: list, resolved: list) -> list[AliasRecord]:
    out = []
    for m, eid, rid in zip(analysis.mentions, effective, resolved):
        if eid:
            out.append(
                AliasRecord(
                    eid, display_name(m.text), "text", analysis.article_id, m.start, m.end, rid if rid != eid else ""
                )
            )
    return out


def _known_names(state: _State, rules: EditRules, registry: Registry) -> list[AliasRecord]:
    """Registry names of registry-linked entities and gazetteer names of places, so that lookups
    by any listed name work."""
    out = []
    for record in state.entities.values():
        kind, _, key = (record.registry_id or "").partition(":")
        if kind in ("actor", "person"):
            entry = registry.actor(key) if kind == "actor" else registry.person(key)
            names, source = (entry.names if entry else ()), "registry"
        elif kind == "place":
            names, source = (state.places[record.id].name,), "gazetteer"
        else:
            continue
        for name in names:
            target = rules.apply(record.id, name_key(name)) or record.id
            out.append(AliasRecord(target, name, source, resolved_id=record.id if target != record.id else ""))
    return out


def _stated(analysis: Analysis, text: str, ids: list[str | None]) -> list[AliasRecord]:
    """Aliases the article states explicitly: a name right after another name in parentheses etc."""
    from .nlp.grouping import stated_aliases

    by_span = {(m.start, m.end): i for i, m in enumerate(analysis.mentions)}
    out = []
    for i, m in enumerate(analysis.mentions):
        entity_id = ids[i]
        if entity_id is None:
            continue
        for start, end, alias in stated_aliases(text, m.start, m.end):
            j = by_span.get((start, end))
            if j is not None and ids[j] == entity_id:
                out.append(AliasRecord(entity_id, alias, "stated", analysis.article_id, start, end))
    return out


# --- registry links (for the dossier) -----------------------------------------------------------

_INVERSE = {
    "affiliate_of": "has_affiliate",
    "faction_of": "has_faction",
    "splinter_of": "has_splinter",
    "wing_of": "has_wing",
    "branch_of": "has_branch",
    "successor_of": "predecessor_of",
    "part_of": "has_part",
}


def registry_links(registry_id: str | None, registry: Registry | None = None) -> list[tuple[str, str, str]]:
    """(relation, other registry id, note) for a registry entity: parent and children, allies,
    rivals (both directions), and people's roles ("leader_of" / "has_leader")."""
    registry = registry or load_registry()
    kind, _, key = (registry_id or "").partition(":")
    if kind == "person":
        person = registry.person(key)
        return [
            (f"{role}_of", f"actor:{actor}", since or "") for actor, role, since in (person.roles if person else ())
        ]
    actor = registry.actor(key) if kind == "actor" else None
    if actor is None:
        return []
    out = [(actor.parent_relation or "part_of", f"actor:{actor.parent}", "")] if actor.parent else []
    for other in registry.actors:
        if other.parent == actor.id:
            out.append((_INVERSE.get(other.parent_relation or "part_of", "has_part"), f"actor:{other.id}", ""))
    linked = set(actor.linked_to) | {o.id for o in registry.actors if actor.id in o.linked_to}
    rivals = set(actor.rivals) | {o.id for o in registry.actors if actor.id in o.rivals}
    out += [("linked_to", f"actor:{a}", "") for a in sorted(linked)]
    out += [("rival_of", f"actor:{a}", "") for a in sorted(rivals)]
    for person in registry.people:
        out += [(f"has_{role}", f"person:{person.id}", since or "") for a, role, since in person.roles if a == actor.id]
    return out


def registry_name(registry_id: str, registry: Registry | None = None) -> tuple[str, str] | None:
    """(name, spaCy-style type) of a registry entry, None when the id is unknown."""
    entry = _registry_entry(registry_id, registry or load_registry())
    if entry is None:
        return None
    return entry.name, ("PERSON" if registry_id.startswith("person:") else "ORG")
