"""Finding an entity by what a person types: the one rule shared by dossiers, browsing and edits.

* An entity id (``actor:islamic-state``, ``person:...``, ``place:...``, ``e:3f2a...``) names exactly
  that entity.
* Anything else is a name: every entity having it as its name or an alias (compared by
  :func:`~khabar.names.name_key`, so case and punctuation do not matter), most-mentioned first;
  entities merged away by an analyst no longer answer.
* Nothing found: :class:`~khabar.errors.NotFound`, with the closest known names as a hint.

Reading callers (``who``, entity pages, lineage of an entity) take the first match and show the
others as candidates; an analyst edit (:func:`unique_entity`) refuses a name that matches several
entities and asks for the id.
"""

from __future__ import annotations

from rapidfuzz import process

from .errors import Ambiguous, NotFound
from .models import EntityRef
from .store import Store
from .store.entities import EntityHit

__all__ = ["entity_matches", "best_entity", "unique_entity", "not_found_message"]


def entity_matches(store: Store, ref: str) -> list[EntityHit]:
    """The entities ``ref`` names (see the module docstring); empty when none."""
    entity = store.entity(ref)
    return [EntityHit(entity, 0, 0)] if entity is not None else store.find_entities(ref)


def best_entity(store: Store, ref: str) -> tuple[EntityRef, tuple[EntityRef, ...]]:
    """The entity ``ref`` names best, and the other candidates; raises NotFound."""
    hits = entity_matches(store, ref)
    if not hits:
        raise NotFound(not_found_message(store, ref))
    return hits[0].entity, tuple(h.entity for h in hits[1:])


def unique_entity(store: Store, ref: str) -> EntityRef:
    """The one entity ``ref`` names; raises NotFound, or Ambiguous when a name fits several."""
    hits = entity_matches(store, ref)
    if not hits:
        raise NotFound(not_found_message(store, ref))
    if len(hits) > 1:
        listed = "; ".join(f"{h.entity.id} ({h.entity.name})" for h in hits[:5])
        raise Ambiguous(f"{ref!r} names {len(hits)} entities ({listed}); give the entity id")
    return hits[0].entity


def not_found_message(store: Store, ref: str) -> str:
    """ "No entity named X", with the closest known names (``khabar who NAME`` shows entity ids)."""
    names = store.alias_names()
    close = [m[0] for m in process.extract(ref, names, limit=5, score_cutoff=70)] if names else []
    hint = f"; close names: {', '.join(close)}" if close else ""
    return f"no entity named {ref!r} in {store.path}{hint}"
