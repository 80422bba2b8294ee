"""Independent source groups: articles linked by copy or rewrite are one source.

A group is a connected component of the copy/rewrite graph (union-find). Its id is the id of its
originating article: the earliest published; among equals (or undated), the one that other members
derive from and that derives from none; then the smallest id, so the choice is stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .classify import parse_time
from .values import LineageEdge

__all__ = ["components", "choose_origin", "assign_groups"]

_NEVER = datetime.max


def components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[set[str]]:
    """Connected components of an undirected graph (union-find with path halving)."""
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    out: dict[str, set[str]] = {}
    for node in parent:
        out.setdefault(find(node), set()).add(node)
    return sorted(out.values(), key=lambda c: min(c))


def choose_origin(members: set[str], published: dict[str, str | None], edges: Iterable[LineageEdge]) -> str:
    """The originating article of a group (see the module docstring)."""
    derived = {e.b if e.origin == e.a else e.a for e in edges if e.origin in (e.a, e.b)}
    return min(members, key=lambda m: (_when(published.get(m)), m in derived, m))


def _when(value: str | None) -> datetime:
    when = parse_time(value)
    # Wall-clock comparison, as for direction (classify._comparable).
    return when.replace(tzinfo=None) if when is not None else _NEVER


def assign_groups(members: set[str], edges: list[LineageEdge], published: dict[str, str | None]) -> dict[str, str]:
    """Article -> group id for ``members``, from the copy/rewrite ``edges`` among them."""
    derived_edges = [e for e in edges if e.relation.derived and e.a in members and e.b in members]
    mapping: dict[str, str] = {}
    for component in components(members, [(e.a, e.b) for e in derived_edges]):
        inside = [e for e in derived_edges if e.a in component]
        origin = choose_origin(component, published, inside)
        mapping.update({m: origin for m in component})
    return mapping
