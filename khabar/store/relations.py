"""Relations between articles and independent source groups."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

__all__ = ["RelationQueries"]


class RelationQueries:
    """Mixin of :class:`khabar.store.Store`: source groups (and article relations)."""

    conn: sqlite3.Connection

    def source_group_map(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Article id -> id of its independent source group (itself when it is in no group)."""
        ids = list(dict.fromkeys(article_ids))
        out = {a: a for a in ids}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                f"SELECT article_id, group_id FROM source_groups WHERE article_id IN ({marks})", part
            )
            out.update({r[0]: r[1] for r in rows})
        return out

    def source_group_count(self, article_ids: Iterable[str]) -> int:
        """Number of independent source groups among the given articles."""
        return len(set(self.source_group_map(article_ids).values()))
