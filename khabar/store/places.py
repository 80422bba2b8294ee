"""Places: the gazetteer entry (or unresolved place) behind each place entity."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ..models import Place

__all__ = ["PlaceQueries"]

_COLUMNS = "entity_id, name, level, country, admin1, latitude, longitude, population, geonames_id, note"


class PlaceQueries:
    """Mixin of :class:`khabar.store.Store`: place entities and their coordinates."""

    conn: sqlite3.Connection

    def _insert_places(self, places: Iterable[Place]) -> None:
        # The first resolution of a place entity wins; an unresolved one never overwrites coordinates.
        self.conn.executemany(
            f"INSERT OR IGNORE INTO places({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    p.id,
                    p.name,
                    p.level,
                    p.country,
                    p.admin1,
                    p.latitude,
                    p.longitude,
                    p.population,
                    p.geonames_id,
                    p.note,
                )
                for p in places
            ],
        )

    def place(self, entity_id: str) -> Place | None:
        """The place behind a place entity (coordinates, level, country), or None for other entities.

        An unresolved place comes back with ``level == "unresolved"`` and no coordinates.
        """
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM places WHERE entity_id = ?", (entity_id,)).fetchone()
        return _place(row) if row else None

    def places(self, *, resolved: bool | None = None) -> list[Place]:
        """Every stored place (only resolved or unresolved ones when asked), by name."""
        where = "" if resolved is None else ("WHERE latitude IS NOT NULL" if resolved else "WHERE latitude IS NULL")
        rows = self.conn.execute(f"SELECT {_COLUMNS} FROM places {where} ORDER BY name, entity_id")
        return [_place(r) for r in rows]


def _place(row: sqlite3.Row) -> Place:
    return Place(
        row["entity_id"],
        row["name"],
        row["level"],
        row["country"],
        row["admin1"],
        row["latitude"],
        row["longitude"],
        row["population"],
        row["geonames_id"],
        row["note"],
    )
