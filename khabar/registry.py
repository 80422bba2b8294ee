"""The reference registry: known actors and people, shipped as TOML data files in the repo.

Files live in ``khabar/data/registry/`` (``groups.toml`` with ``[[actor]]`` entries and
``people.toml`` with ``[[person]]`` entries; the format is documented in that folder's README).
Loading is lazy and cached; the registry is read-only at run time.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .names import name_key

__all__ = ["Actor", "Person", "Registry", "load_registry"]


@dataclass(frozen=True, slots=True)
class Actor:
    """An armed group, security force, government or international actor."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    ambiguous_aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    parent: str | None = None
    parent_relation: str | None = None
    linked_to: tuple[str, ...] = ()
    rivals: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    founded: str | None = None
    wikidata: str | None = None

    description: str | None = None
    dissolved: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical name, aliases and former names, minus any listed as ambiguous."""
        shared = {name_key(n) for n in self.ambiguous_aliases}
        return tuple(n for n in (self.name, *self.aliases, *self.former_names) if name_key(n) not in shared)


@dataclass(frozen=True, slots=True)
class Person:
    """A prominent person, with the actors they lead or belong to."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[tuple[str, str, str | None], ...] = ()  # (actor id, role, since)
    died: str | None = None
    countries: tuple[str, ...] = ()
    wikidata: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical name and aliases."""
        return (self.name, *self.aliases)


class Registry:
    """All registry entries, with lookup by id and by name key (indexes built once)."""

    def __init__(self, actors: tuple[Actor, ...], people: tuple[Person, ...]) -> None:
        self.actors = actors
        self.people = people
        self._actors = {a.id: a for a in actors}
        self._people = {p.id: p for p in people}
        self._names: dict[str, list[str]] = {}
        self._ambiguous: dict[str, list[str]] = {}
        for actor in actors:
            for name in actor.names:
                _add(self._names, name_key(name), f"actor:{actor.id}")
            for name in actor.ambiguous_aliases:
                _add(self._ambiguous, name_key(name), f"actor:{actor.id}")
        for person in people:
            for name in person.names:
                _add(self._names, name_key(name), f"person:{person.id}")

    def actor(self, actor_id: str) -> Actor | None:
        """The actor with this id, if any."""
        return self._actors.get(actor_id)

    def person(self, person_id: str) -> Person | None:
        """The person with this id, if any."""
        return self._people.get(person_id)

    def lookup(self, name: str) -> list[str]:
        """Registry ids ("actor:<id>" / "person:<id>") whose unambiguous names have this name's key."""
        return list(self._names.get(name_key(name), ()))

    def ambiguous(self, name: str) -> list[str]:
        """Registry ids that list this name as an ambiguous alias."""
        return list(self._ambiguous.get(name_key(name), ()))


def _add(index: dict[str, list[str]], key: str, value: str) -> None:
    if key and value not in index.setdefault(key, []):
        index[key].append(value)


def _tuple(value) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()))


def _actor(entry: dict) -> Actor:
    return Actor(
        id=entry["id"],
        name=entry["name"],
        kind=entry.get("kind", "armed_group"),
        aliases=_tuple(entry.get("aliases")),
        ambiguous_aliases=_tuple(entry.get("ambiguous_aliases")),
        former_names=_tuple(entry.get("former_names")),
        parent=entry.get("parent"),
        parent_relation=entry.get("parent_relation"),
        linked_to=_tuple(entry.get("linked_to")),
        rivals=_tuple(entry.get("rivals")),
        countries=_tuple(entry.get("countries")),
        founded=_str(entry.get("founded")),
        wikidata=entry.get("wikidata"),
        description=entry.get("description"),
        dissolved=_str(entry.get("dissolved")),
    )


def _person(entry: dict) -> Person:
    roles = tuple((r["actor"], r.get("role", "member"), _str(r.get("since"))) for r in entry.get("roles", ()))
    return Person(
        id=entry["id"],
        name=entry["name"],
        aliases=_tuple(entry.get("aliases")),
        roles=roles,
        died=_str(entry.get("died")),
        countries=_tuple(entry.get("countries")),
        wikidata=entry.get("wikidata"),
    )


def _str(value) -> str | None:
    return None if value is None else str(value)


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """Load the shipped registry (empty when the data files are absent)."""
    folder = resources.files("khabar").joinpath("data/registry")
    actors: list[Actor] = []
    people: list[Person] = []
    groups, persons = folder.joinpath("groups.toml"), folder.joinpath("people.toml")
    if groups.is_file():
        actors = [_actor(e) for e in tomllib.loads(groups.read_text("utf-8")).get("actor", [])]
    if persons.is_file():
        people = [_person(e) for e in tomllib.loads(persons.read_text("utf-8")).get("person", [])]
    return Registry(tuple(actors), tuple(people))
