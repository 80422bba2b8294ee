"""Analyst control over entity resolution: merge, split and undo, recorded and reversible.

An edit never rewrites what the resolver decided: each mention and alias keeps the resolver's
entity (``resolved_id``) and gets the entity after the edits in force (``entity_id``). Edits are
applied in the order made (:class:`EditRules`), to stored rows when an edit is made or undone, and
to every article ingested later (resolution consults them), so they survive re-ingest.

* ``merge(A, B)``: A's mentions and aliases go to B; A no longer answers lookups.
* ``split(E, names)``: E's mentions and aliases with one of these names go to a new entity.
* ``undo()``: the latest edit in force (or a given one) is undone; rows go back where the
  remaining edits put them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .errors import InputError, NotFound
from .lookup import unique_entity
from .models import Edit, EditRules, EntityRecord
from .names import display_name, name_key
from .settings import default_of
from .store import Store

__all__ = ["EditRules", "merge_entities", "split_entity", "undo_edit", "find_entity", "note_on"]


def find_entity(store: Store, ref: str) -> EntityRecord:
    """The one entity ``ref`` (an id, or a name that fits one entity) names: :func:`khabar.lookup.unique_entity`."""
    record = store.entity_record(unique_entity(store, ref).id)
    assert record is not None  # the entity was just found in the same store
    return record


def merge_entities(store: Store, source: str, target: str, *, reason: str, analyst: str) -> Edit:
    """Merge entity ``source`` into ``target`` (ids or names); returns the recorded edit."""
    _need_reason(reason)
    with store.atomic():
        a, b = find_entity(store, source), find_entity(store, target)
        if a.id == b.id:
            raise InputError(f"{source!r} and {target!r} are the same entity ({a.id})")
        if a.cls != b.cls:
            raise InputError(f"cannot merge a {a.cls.lower()} ({a.id}) into a {b.cls.lower()} ({b.id})")
        edit = store.record_edit("merge", a.id, b.id, reason=reason, analyst=analyst)
        _reapply(store, {a.id, b.id})
    return edit


def split_entity(store: Store, entity: str, names: Sequence[str], *, reason: str, analyst: str) -> Edit:
    """Move the mentions and aliases of ``entity`` named by ``names`` to a new entity."""
    _need_reason(reason)
    keys = sorted({name_key(n) for n in names if name_key(n)})
    if not keys:
        raise InputError("split needs at least one name to move to the new entity")
    with store.atomic():
        record = find_entity(store, entity)
        own = {a.norm for a in store.assignments([record.id]) if a.table == "aliases" and a.entity_id == record.id}
        missing = [n for n in names if name_key(n) not in own]
        if missing:
            raise NotFound(f"{record.name} ({record.id}) has no alias {', '.join(map(repr, missing))}")
        new = EntityRecord(_split_id(record.id, keys), display_name(names[0]), record.type, record.cls, None)
        store.create_entity(new)
        edit = store.record_edit("split", record.id, new.id, aliases=keys, reason=reason, analyst=analyst)
        _reapply(store, {record.id, new.id})
    return edit


def note_on(
    store: Store, subject: str, text: str, *, analyst: str, window_days: int = default_of("event_window_days")
) -> Edit:
    """Attach an analyst's note to an entity (id or name) or an event (id); kept and undone like an edit.

    A note on a fact names the fact's entity and its attribute: ``ENTITY#attribute``. Event ids are
    those of events merged with ``window_days`` (the ``event_window_days`` setting).
    """
    if not text or not text.strip():
        raise InputError("a note needs text")
    with store.atomic():
        head, _, attribute = subject.strip().partition("#")
        if head.startswith("ev:"):
            from .browse import event_by_id

            target = event_by_id(store, head, window_days=window_days).id  # NotFound when no such event
        else:
            target = find_entity(store, head).id
        anchor = f"{target}#{attribute.strip()}" if attribute.strip() else target
        return store.record_edit("note", anchor, "", reason=text.strip()[:4000], analyst=analyst)


def undo_edit(store: Store, *, analyst: str, edit_id: int | None = None) -> Edit:
    """Undo the latest edit in force (or edit ``edit_id``); returns the edit undone."""
    with store.atomic():
        active = store.edits(active_only=True)
        if not active:
            raise NotFound("no analyst edit to undo")
        chosen = active[-1] if edit_id is None else next((e for e in active if e.id == edit_id), None)
        if chosen is None:
            raise NotFound(f"no edit {edit_id} in force; `khabar edits` lists them")
        store.mark_undone(chosen.id, analyst)
        _reapply(store, {chosen.entity_id, chosen.target_id})
    return chosen


def _reapply(store: Store, entity_ids: set[str]) -> int:
    """Recompute the entity of every row these entities touch from the edits in force."""
    rules = EditRules.of(store.edits())
    changes = []
    for row in store.assignments(entity_ids):
        target = rules.apply(row.resolved_id, row.norm)
        if target and target != row.entity_id:
            changes.append((row, target))
    return store.reassign(changes)


def _split_id(entity_id: str, keys: Sequence[str]) -> str:
    return "e:" + hashlib.sha1(f"split|{entity_id}|{'|'.join(keys)}".encode()).hexdigest()[:12]


def _need_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise InputError("say why (--reason): edits are kept with who made them, when and why")
