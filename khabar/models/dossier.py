"""The answer to "Who is X?": an entity with its aliases, places, facts, events and disagreements, cited.

Part of :mod:`khabar.models` (which re-exports every name): frozen dataclasses with no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from .entities import AliasConflict, AliasSupport, Citation, EntityLink, EntityRef, Neighbour, Place
from .events import Conflict, Event, ProfileFact, Question, Uncertain

__all__ = ["Dossier"]


@dataclass(frozen=True, slots=True)
class Dossier:
    """The answer to "Who is X?" (first slice: identity, aliases, reach, neighbours, evidence)."""

    query: str
    entity: EntityRef
    aliases: tuple[AliasSupport, ...]
    articles: int
    outlets: int
    source_groups: int  # independent source groups among the articles (copies/rewrites collapsed)
    neighbours: tuple[Neighbour, ...]
    evidence: tuple[Citation, ...]
    candidates: tuple[EntityRef, ...] = ()  # other entities the query also matched
    links: tuple[EntityLink, ...] = ()  # parent, affiliates, rivals, roles (registry and analyst)
    place: Place | None = None  # gazetteer entry when the entity is a place
    conflicts: tuple[AliasConflict, ...] = ()  # alias conflicts involving the entity, for the analyst
    facts: tuple[ProfileFact, ...] = ()  # founded, leader, based in, strength ... each value with support (issue 5)
    relations: tuple[ProfileFact, ...] = ()  # affiliate of, linked to, rival of, leads / led by, from the text
    attacks: tuple[Event, ...] = ()  # events the actor is named as behind, oldest first
    disputes: tuple[Conflict, ...] = ()  # where sources disagree: founding, strength, leader, responsibility, tolls
    questions: tuple[Question, ...] = ()  # open questions, each with the citations that raise it
    uncertain: tuple[Uncertain, ...] = ()  # values below min_confidence, with the reason (issue 10)
