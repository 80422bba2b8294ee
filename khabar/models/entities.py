"""Entities and their evidence: references, records, aliases, citations, places, dossiers, analyst edits.

Part of :mod:`khabar.models` (which re-exports every name): frozen dataclasses with no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "EntityRef",
    "EntityRecord",
    "AliasRecord",
    "Resolution",
    "Citation",
    "AliasSupport",
    "Neighbour",
    "Place",
    "AliasConflict",
    "EntityLink",
    "Edit",
    "EditRules",
]


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A stored entity, by id, name and type."""

    id: str
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """An entity as resolution creates or confirms it."""

    id: str
    name: str
    type: str  # majority spaCy label: PERSON, ORG, NORP, GPE, LOC, FAC
    cls: str  # PERSON, GROUP or PLACE
    registry_id: str | None = None


@dataclass(frozen=True, slots=True)
class AliasRecord:
    """A name of an entity and where it was used or asserted."""

    entity_id: str
    alias: str
    source: str  # "text", "stated", "registry", "analyst"
    article_id: str = ""
    start: int = -1
    end: int = -1
    resolved_id: str = ""  # the resolver's entity before analyst edits, when they differ


@dataclass(frozen=True, slots=True)
class Resolution:
    """Entity ids for an article's mentions (aligned with ``Analysis.mentions``; None for non-names)."""

    entity_ids: tuple[str | None, ...]
    entities: tuple[EntityRecord, ...]
    aliases: tuple[AliasRecord, ...]
    article_id: str = ""
    resolved_ids: tuple[str | None, ...] = ()  # the resolver's choice before analyst edits (issue 4)
    places: tuple[Place, ...] = ()  # gazetteer entries (or unresolved places) of the place entities
    conflicts: tuple[AliasConflict, ...] = ()  # aliases that would have joined two registry entities


@dataclass(frozen=True, slots=True)
class Citation:
    """A cited span of an article: the unit of evidence."""

    article_id: str
    outlet: str | None
    title: str | None
    published: str | None
    start: int
    end: int
    text: str
    url: str | None = None
    group_id: str | None = None  # independent source group of the article, when known


@dataclass(frozen=True, slots=True)
class AliasSupport:
    """One name of an entity with where it was used or asserted."""

    alias: str
    articles: int
    outlets: int
    sources: tuple[str, ...]  # "stated" (asserted as an alias), "text" (used), "registry", "analyst"
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class Neighbour:
    """An entity often mentioned together with another, with how often."""

    entity: EntityRef
    articles: int
    sentences: int


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry a place mention resolved to, or an unresolved place kept with its reason.

    ``level`` is "country", "admin1" (province, state, region), "admin2" (district, county) or
    "city"; "local" for a street or building the gazetteer lacks, placed at the main town of a local
    story (its own entity, no GeoNames id, the town's point; ``note`` says so); "unresolved" when no
    gazetteer entry fits, and then latitude and longitude are None (never 0, 0) and ``note`` says why.
    """

    id: str  # entity id: "place:<GeoNames id>", or "e:..." when unresolved
    name: str
    level: str
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None  # name of the first-level region containing it
    latitude: float | None
    longitude: float | None
    population: int = 0
    geonames_id: int | None = None
    note: str = ""  # how it was chosen, or why it is unresolved
    confidence: float | None = None  # the geocoding ranker's probability for this entry (None: not ranked)

    @property
    def resolved(self) -> bool:
        """True when the place has a gazetteer entry with coordinates."""
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True, slots=True)
class AliasConflict:
    """A name that would have joined two registry entities; kept apart for the analyst to decide."""

    alias: str
    entity_id: str  # the entity the name's group was resolved to
    other_id: str  # the registry entity the name itself belongs to
    reason: str
    article_id: str = ""
    start: int = -1
    end: int = -1


@dataclass(frozen=True, slots=True)
class EntityLink:
    """A typed link from an entity to another: parent, affiliate, rival, role ..."""

    relation: str  # affiliate_of, has_affiliate, faction_of, rival_of, linked_to, leader_of, ...
    entity: EntityRef
    source: str  # "registry" or "analyst"
    articles: int = 0  # articles of this knowledge base mentioning the linked entity
    note: str = ""  # e.g. the role's start year


@dataclass(frozen=True, slots=True)
class Edit:
    """An analyst's merge or split, with who, when and why; ``undone_at`` is set once undone."""

    id: int
    action: str  # "merge" | "split"
    entity_id: str  # merge: the entity merged away; split: the entity split
    target_id: str  # merge: the entity kept; split: the new entity
    aliases: tuple[str, ...]  # split: the names moved to the new entity
    reason: str
    analyst: str
    created_at: str
    undone_at: str | None = None


@dataclass(frozen=True, slots=True)
class EditRules:
    """The edits in force, in order, as a function from (resolver's entity, name key) to entity."""

    edits: tuple[Edit, ...] = ()
    retired: tuple[tuple[str, str], ...] = ()  # (entity made by an undone split, entity it came from)

    @classmethod
    def of(cls, edits: Sequence[Edit]) -> EditRules:
        """Rules from every edit made (undone ones included: their new entities are retired)."""
        retired = tuple((e.target_id, e.entity_id) for e in edits if e.undone_at and e.action == "split")
        return cls(tuple(e for e in edits if not e.undone_at), retired)

    def apply(self, entity_id: str | None, norm: str) -> str | None:
        """The entity a mention or alias named ``norm`` belongs to after the edits."""
        for new, old in self.retired:
            if entity_id == new:
                entity_id = old
        for edit in self.edits:
            if entity_id != edit.entity_id:
                continue
            if edit.action == "merge" or (edit.action == "split" and norm in edit.aliases):
                entity_id = edit.target_id
        return entity_id
