"""Lineage pictures as SVG geometry: who derived from whom, laid out left (origin) to right (copies).

Each source group is a band: its originating article on the left, every other member one column
further right than the article it derives from (its depth along the derivation edges; an edge of
unknown direction puts the later article to the right of the earlier). Within a column, members
are ordered by publication. Bands are stacked top to bottom. The result is numbers and labels;
templates draw it (and escape every label).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["GraphNode", "GraphEdge", "GraphPicture", "NodeBox", "EdgeLine", "layered_picture"]

_COLUMN = 250.0  # horizontal distance between columns
_ROW = 64.0  # vertical distance between rows
_BOX_W, _BOX_H = 210.0, 46.0
_BAND_GAP = 30.0


@dataclass(frozen=True, slots=True)
class GraphNode:
    """An article in a lineage graph."""

    id: str
    title: str
    subtitle: str  # outlet and date
    href: str
    group: str  # id of its source group
    sort_key: str = ""  # publication date: earlier articles sit higher in a column


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """``target`` derives from ``source`` (``directed`` False: the direction is unknown)."""

    source: str
    target: str
    kind: str  # copy, rewrite, same-story ...
    label: str = ""
    directed: bool = True


@dataclass(frozen=True, slots=True)
class NodeBox:
    """A placed node."""

    x: float
    y: float
    w: float
    h: float
    node: GraphNode
    origin: bool


@dataclass(frozen=True, slots=True)
class EdgeLine:
    """A placed edge: an SVG path from the source box to the target box."""

    d: str
    kind: str
    label: str
    directed: bool
    source: str = ""
    target: str = ""


@dataclass(frozen=True, slots=True)
class GraphPicture:
    """A laid-out graph: its size, boxes and edges."""

    width: float
    height: float
    boxes: tuple[NodeBox, ...]
    edges: tuple[EdgeLine, ...]


def layered_picture(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> GraphPicture:
    """Lay out the groups of ``nodes`` as bands of columns (see the module docstring)."""
    by_group: dict[str, list[GraphNode]] = {}
    for node in nodes:
        by_group.setdefault(node.group, []).append(node)
    boxes: dict[str, NodeBox] = {}
    top = 10.0
    for group, members in by_group.items():
        placed = _band(members, [e for e in edges if e.source in {m.id for m in members}], top, group)
        boxes.update(placed)
        top = max(b.y + b.h for b in placed.values()) + _BAND_GAP
    lines = tuple(
        _line(boxes[e.source], boxes[e.target], e)
        for e in edges
        if e.source in boxes and e.target in boxes and e.source != e.target
    )  # never a self-loop
    width = max((b.x + b.w for b in boxes.values()), default=0) + 20
    return GraphPicture(width, max(top, 60.0), tuple(boxes.values()), lines)


def _band(members: list[GraphNode], edges: list[GraphEdge], top: float, group: str) -> dict[str, NodeBox]:
    depth = _depths(members, edges, group)
    columns: dict[int, list[GraphNode]] = {}
    for m in sorted(members, key=lambda m: (m.sort_key, m.id)):
        columns.setdefault(depth[m.id], []).append(m)
    out = {}
    for column, items in columns.items():
        for row, m in enumerate(items):
            out[m.id] = NodeBox(10 + column * _COLUMN, top + row * _ROW, _BOX_W, _BOX_H, m, m.id == group)
    return out


def _depths(members: list[GraphNode], edges: list[GraphEdge], group: str) -> dict[str, int]:
    """Column of each member: 0 for the origin, else one more than the article it derives from."""
    order = {m.id: (m.sort_key, m.id) for m in members}
    parents: dict[str, list[str]] = {}
    for e in edges:
        source, target = (
            (e.source, e.target)
            if e.directed or order.get(e.source, ("", "")) <= order.get(e.target, ("", ""))
            else (e.target, e.source)
        )
        parents.setdefault(target, []).append(source)
    depth = {group: 0}
    for m in sorted(members, key=lambda m: order[m.id]):
        if m.id not in depth:
            known = [depth[p] for p in parents.get(m.id, []) if p in depth]
            depth[m.id] = (max(known) + 1) if known else 1
    return depth


def _line(a: NodeBox, b: NodeBox, e: GraphEdge) -> EdgeLine:
    if b.x > a.x:
        x1, y1, x2, y2 = a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2
        mid = (x1 + x2) / 2
        d = f"M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
    else:  # same column: a loop on the right side
        x1, y1, x2, y2 = a.x + a.w, a.y + a.h / 2, b.x + b.w, b.y + b.h / 2
        d = f"M{x1:.0f},{y1:.0f} C{x1 + 40:.0f},{y1:.0f} {x2 + 40:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
    return EdgeLine(d, e.kind, e.label, e.directed, e.source, e.target)
