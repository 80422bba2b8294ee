"""Entity resolution: an article's grouped mentions -> entities shared across articles.

Each in-article group (``Mention.cluster``) of a person, group or place becomes one entity:

1. a registry id set by the entity ruler, or a registry name that matches exactly one registry entry
   of the right class, links the group to that registry entity (id ``actor:<id>`` / ``person:<id>``);
2. otherwise any of the group's names already known as an alias of a stored entity of the same class
   joins it (the most-mentioned one when several match);
3. otherwise a new entity is created, its id a hash of class and canonical name (stable on re-runs).

Every name the group used becomes an alias with its evidence (article, span): ``text`` for names
used, ``stated`` for names the article states as aliases ("X (Y)", "also known as Y").
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from .models import AliasRecord, Analysis, EntityRecord, Mention, Resolution
from .names import ENTITY_LABELS, display_name, label_class, name_key
from .registry import Registry, load_registry

__all__ = ["resolve", "entity_id_for", "AliasLookup"]

# (class, name key) -> ids of stored entities having that alias, most-mentioned first.
AliasLookup = Callable[[str, str], list[str]]

_REGISTRY_CLASS = {"actor": "GROUP", "person": "PERSON", "place": "PLACE"}


@dataclass(frozen=True, slots=True)
class _Group:
    canonical: str
    label: str
    members: tuple[int, ...]  # indexes into analysis.mentions


def entity_id_for(cls: str, name: str) -> str:
    """Stable id of an entity not linked to the registry."""
    return "e:" + hashlib.sha1(f"{cls}|{name_key(name)}".encode()).hexdigest()[:12]


def resolve(analysis: Analysis, text: str, *, lookup: AliasLookup, registry: Registry | None = None) -> Resolution:
    """Resolve the article's name groups to entities; see the module docstring for the rules."""
    registry = registry or load_registry()
    ids: list[str | None] = [None] * len(analysis.mentions)
    entities: dict[str, EntityRecord] = {}
    aliases: list[AliasRecord] = []
    for group in _groups(analysis.mentions):
        record = _resolve_group(group, analysis.mentions, lookup, registry)
        entities[record.id] = record
        for i in group.members:
            ids[i] = record.id
            m = analysis.mentions[i]
            aliases.append(AliasRecord(record.id, display_name(m.text), "text", analysis.article_id, m.start, m.end))
    aliases.extend(_stated(analysis, text, ids))
    aliases.extend(_registry_names(entities.values(), registry))
    return Resolution(tuple(ids), tuple(entities.values()), tuple(aliases))


def _groups(mentions: tuple[Mention, ...]) -> list[_Group]:
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, m in enumerate(mentions):
        if m.label in ENTITY_LABELS:
            by_key.setdefault((m.cluster, label_class(m.label)), []).append(i)
    return [_Group(cluster, mentions[members[0]].label, tuple(members)) for (cluster, _), members in by_key.items()]


def _resolve_group(group: _Group, mentions, lookup: AliasLookup, registry: Registry) -> EntityRecord:
    cls = label_class(group.label)
    forms = [mentions[i].text for i in group.members]
    registry_id = _registry_match(group, mentions, registry, cls)
    if registry_id:
        kind, _, key = registry_id.partition(":")
        entry = registry.actor(key) if kind == "actor" else registry.person(key)
        name = entry.name if entry else group.canonical
        return EntityRecord(registry_id, name, group.label, cls, registry_id)
    for form in sorted(set(forms) | {group.canonical}, key=len, reverse=True):
        found = lookup(cls, name_key(form))
        if found:
            return EntityRecord(found[0], group.canonical, group.label, cls, None)
    return EntityRecord(entity_id_for(cls, group.canonical), group.canonical, group.label, cls, None)


def _registry_match(group: _Group, mentions, registry: Registry, cls: str) -> str | None:
    ruled = {mentions[i].ent_id for i in group.members if mentions[i].ent_id}
    if len(ruled) == 1:
        ruled_id = ruled.pop()
        if _REGISTRY_CLASS.get(ruled_id.partition(":")[0]) == cls:
            return ruled_id
    candidates: set[str] = set()
    for name in {group.canonical, *(mentions[i].text for i in group.members)}:
        candidates.update(r for r in registry.lookup(name) if _REGISTRY_CLASS.get(r.partition(":")[0]) == cls)
    return candidates.pop() if len(candidates) == 1 else None


def _registry_names(records, registry: Registry) -> list[AliasRecord]:
    """The registry's names for registry-linked entities, so lookups by any listed alias work."""
    out = []
    for record in records:
        kind, _, key = (record.registry_id or "").partition(":")
        entry = registry.actor(key) if kind == "actor" else registry.person(key) if kind == "person" else None
        if entry is not None:
            out.extend(AliasRecord(record.id, name, "registry") for name in entry.names)
    return out


def _stated(analysis: Analysis, text: str, ids: list[str | None]) -> list[AliasRecord]:
    """Aliases the article states explicitly: a name right after another name in parentheses etc."""
    from .nlp.grouping import stated_aliases

    by_span = {(m.start, m.end): i for i, m in enumerate(analysis.mentions)}
    out = []
    for i, m in enumerate(analysis.mentions):
        if ids[i] is None:
            continue
        for start, end, alias in stated_aliases(text, m.start, m.end):
            j = by_span.get((start, end))
            if j is not None and ids[j] == ids[i]:
                out.append(AliasRecord(ids[i], alias, "stated", analysis.article_id, start, end))
    return out
