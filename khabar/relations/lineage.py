"""Lineage: the source groups of a knowledge base, with members, derivation edges and directions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .classify import parse_time
from .values import ArticleRef, Lineage, Relation, SourceGroup

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["build_lineage"]


def build_lineage(store: Store) -> Lineage:
    """Every group of two or more articles linked by copy or rewrite, largest first, and the totals
    (built once per commit for all the web app's threads: ``store/shared.py``)."""
    return store.cached(("lineage",), lambda: _build_lineage(store))


def _build_lineage(store: Store) -> Lineage:
    groups = store.source_groups()
    edges = store.relation_edges(derived_only=True)
    refs = store.article_refs({m for members in groups.values() for m in members})
    group_of = {m: group_id for group_id, members in groups.items() for m in members}
    edges_of: dict[str, list] = {}
    for e in edges:  # an edge belongs to the group holding both its articles
        if e.a in group_of and group_of[e.a] == group_of.get(e.b):
            edges_of.setdefault(group_of[e.a], []).append(e)
    out = []
    for group_id, members in groups.items():
        group_edges = tuple(edges_of.get(group_id, ()))
        ordered = sorted(members, key=lambda m: (m != group_id, _order(refs.get(m)), m))
        out.append(SourceGroup(group_id, refs[group_id], tuple(refs[m] for m in ordered), group_edges))
    out.sort(key=lambda g: (-len(g.members), _order(g.origin), g.id))
    articles = store.article_count()
    grouped = sum(len(g.members) for g in out)
    notes = []
    missing = len(store.articles_without_fingerprint())
    if missing:
        notes.append(
            f"{missing} article(s) were stored before relations were computed and are not compared yet; "
            "run `khabar relate --db FILE` to compare them"
        )
    return Lineage(
        tuple(out), articles, articles - grouped + len(out), store.relation_count(Relation.SAME_STORY), tuple(notes)
    )


def _order(ref: ArticleRef | None) -> str:
    when = parse_time(ref.published) if ref else None
    return when.replace(tzinfo=None).isoformat() if when else "9999"
