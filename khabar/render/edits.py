"""Analyst edits and alias conflicts as terminal text and JSON (schema khabar.edits/2)."""

from __future__ import annotations

from ..models import AliasConflict, Edit
from .basics import dumps, to_jsonable

__all__ = ["edit_text", "edits_text", "edits_json", "edits_dict", "conflicts_text"]


def edit_text(edit: Edit, done: str) -> str:
    """One line saying what an edit did ("merged", "split", "undid")."""
    if edit.action == "note":
        return f"{done} edit #{edit.id} (note on {edit.entity_id}) by {edit.analyst}: {edit.reason}"
    what = (
        f"{edit.entity_id} into {edit.target_id}"
        if edit.action == "merge"
        else f"{', '.join(edit.aliases)} from {edit.entity_id} into new entity {edit.target_id}"
    )
    return f"{done} edit #{edit.id} ({edit.action} {what}) by {edit.analyst}: {edit.reason}"


def edits_text(edits: list[Edit]) -> str:
    """Every edit, oldest first, with who, when, why and whether it was undone."""
    if not edits:
        return "No analyst edits."
    lines = []
    for e in edits:
        state = f"undone {e.undone_at}" if e.undone_at else "in force"
        if e.action == "note":
            lines += [f"#{e.id} {e.created_at} {e.analyst}: note on {e.entity_id} ({state})", f"    note: {e.reason}"]
            continue
        lines.append(
            f"#{e.id} {e.created_at} {e.analyst}: {e.action} {e.entity_id} -> {e.target_id}"
            f"{' [' + ', '.join(e.aliases) + ']' if e.aliases else ''} ({state})"
        )
        lines.append(f"    why: {e.reason}")
    return "\n".join(lines)


def edits_json(edits: list[Edit]) -> str:
    """Edits as JSON."""
    return dumps(edits_dict(edits))


def edits_dict(edits: list[Edit]) -> dict:
    """Edits as a dict (schema khabar.edits/2)."""
    return {"schema": "khabar.edits/2", "edits": to_jsonable(edits)}


def conflicts_text(conflicts: list[AliasConflict]) -> str:
    """Alias conflicts awaiting the analyst."""
    if not conflicts:
        return "No alias conflicts."
    return "\n".join(f"- {c.reason} [{c.article_id[:10] or 'no article'} {c.start}-{c.end}]" for c in conflicts)
