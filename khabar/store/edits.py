"""Analyst edits (merge, split, undo) and alias conflicts: who, when, why, and the rows they move."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..models import AliasConflict, Edit, EntityRecord
from ..names import name_key
from .clock import now

__all__ = ["EditQueries", "Assignment"]


@dataclass(frozen=True, slots=True)
class Assignment:
    """A mention or alias row with the resolver's entity and the entity after edits."""

    table: str  # "mentions" | "aliases"
    rowid: int
    resolved_id: str
    entity_id: str
    norm: str  # name key of the mention's text or of the alias


class EditQueries:
    """Mixin of :class:`khabar.store.Store`: the edits table, re-assignment of rows, conflicts."""

    conn: sqlite3.Connection

    def record_edit(
        self, action: str, entity_id: str, target_id: str, *, aliases: Sequence[str] = (), reason: str, analyst: str
    ) -> Edit:
        """Append an edit; returns it with its id."""
        stamp = now()
        cursor = self.conn.execute(
            "INSERT INTO edits(action, entity_id, target_id, aliases, reason, analyst, created_at) "
            "VALUES (?,?,?,?,?,?,?)",
            (action, entity_id, target_id, json.dumps(list(aliases)), reason, analyst, stamp),
        )
        assert cursor.lastrowid is not None  # an INSERT into a table with an id column always sets it
        return Edit(cursor.lastrowid, action, entity_id, target_id, tuple(aliases), reason, analyst, stamp)

    def edits(self, *, active_only: bool = False) -> list[Edit]:
        """Every edit in the order made (only those not undone with ``active_only``)."""
        where = "WHERE undone_at IS NULL" if active_only else ""
        return [_edit(r) for r in self.conn.execute(f"SELECT * FROM edits {where} ORDER BY id")]

    def mark_undone(self, edit_id: int, analyst: str) -> None:
        """Record that an edit was undone, by whom and when."""
        self.conn.execute("UPDATE edits SET undone_at = ?, undone_by = ? WHERE id = ?", (now(), analyst, edit_id))

    def assignments(self, entity_ids: Iterable[str]) -> list[Assignment]:
        """Mention and alias rows resolved to, or now assigned to, any of these entities."""
        ids = sorted(set(entity_ids))
        marks = ",".join("?" * len(ids))
        out = [
            Assignment("mentions", r[0], r[1], r[2], name_key(r[3]))
            for r in self.conn.execute(
                f"SELECT id, resolved_id, entity_id, text FROM mentions WHERE resolved_id IN ({marks}) "
                f"OR entity_id IN ({marks})",
                ids + ids,
            )
        ]
        out += [
            Assignment("aliases", r[0], r[1], r[2], r[3])
            for r in self.conn.execute(
                f"SELECT rowid, resolved_id, entity_id, norm FROM aliases WHERE resolved_id IN ({marks}) "
                f"OR entity_id IN ({marks})",
                ids + ids,
            )
        ]
        return out

    def reassign(self, changes: Iterable[tuple[Assignment, str]]) -> int:
        """Point rows at new entities; returns how many moved. An alias already listed for the new
        entity stays where it is (the new entity has it already)."""
        moved = 0
        for row, entity_id in changes:
            verb = "UPDATE OR IGNORE" if row.table == "aliases" else "UPDATE"
            cursor = self.conn.execute(f"{verb} {row.table} SET entity_id = ? WHERE rowid = ?", (entity_id, row.rowid))
            moved += cursor.rowcount
        return moved

    def create_entity(self, record: EntityRecord) -> None:
        """Store an entity made by an analyst edit (no-op when it exists)."""
        self.conn.execute(
            "INSERT OR IGNORE INTO entities(id, name, type, class, registry_id, created_at) VALUES (?,?,?,?,?,?)",
            (record.id, record.name, record.type, record.cls, record.registry_id, now()),
        )

    def entity_record(self, entity_id: str) -> EntityRecord | None:
        """The stored entity with its class and registry link."""
        row = self.conn.execute(
            "SELECT id, name, type, class, registry_id FROM entities WHERE id = ?", (entity_id,)
        ).fetchone()
        return EntityRecord(row[0], row[1], row[2], row[3], row[4]) if row else None

    def _insert_conflicts(self, conflicts: Iterable[AliasConflict]) -> None:
        stamp = now()
        self.conn.executemany(
            "INSERT OR IGNORE INTO alias_conflicts(alias, norm, entity_id, other_id, reason, article_id, char_start,"
            " char_end, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (c.alias, name_key(c.alias), c.entity_id, c.other_id, c.reason, c.article_id, c.start, c.end, stamp)
                for c in conflicts
            ],
        )

    def alias_conflicts(self, entity_id: str | None = None) -> list[AliasConflict]:
        """Recorded alias conflicts (those involving ``entity_id`` when given), oldest first."""
        where, args = ("WHERE entity_id = ? OR other_id = ?", (entity_id, entity_id)) if entity_id else ("", ())
        rows = self.conn.execute(
            f"SELECT alias, entity_id, other_id, reason, article_id, char_start, char_end FROM alias_conflicts {where} "
            "ORDER BY created_at, article_id, char_start",
            args,
        )
        return [AliasConflict(*r) for r in rows]


def _edit(row: sqlite3.Row) -> Edit:
    return Edit(
        row["id"],
        row["action"],
        row["entity_id"],
        row["target_id"],
        tuple(json.loads(row["aliases"])),
        row["reason"],
        row["analyst"],
        row["created_at"],
        row["undone_at"],
    )
