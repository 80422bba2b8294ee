"""Comparisons and lineage as terminal text and JSON (schemas khabar.compare/2 and khabar.lineage/2).

The schemas are documented in docs/relations.md.
"""

from __future__ import annotations

import textwrap
from typing import Any

from ..models import ArticleRef, ArticleView, Comparison, Lineage, LineageEdge, SourceGroup
from ..relations.derivation import FEATURES, specifics
from .basics import dumps

__all__ = [
    "comparison_text",
    "comparison_dict",
    "comparison_json",
    "lineage_text",
    "lineage_dict",
    "lineage_json",
    "group_origin",
]

_WIDTH = 100


def _label(view: ArticleView | ArticleRef) -> str:
    date = (view.published or "undated")[:16]
    title = f'"{view.title}"' if view.title else "untitled"
    return f"{view.outlet or 'unknown outlet'}, {date}, {title} [{view.id[:16]}]"


def comparison_text(c: Comparison, *, pairs: int = 12) -> str:
    """A comparison as terminal text: verdict, reason, direction, coverage and the aligned sentences."""
    lines = [
        f"A: {_label(c.a)}",
        f"B: {_label(c.b)}",
        "",
        f"Relation: {c.relation.value}   score {c.score:.2f}",
        f"Why: {c.reason}",
        f"Story similarity: {c.story_similarity:.2f}  (how alike the two stories are, 0..1: same event, same "
        "story; independent reports of one event score high too)",
    ]
    if c.features:
        lines.append(
            f"Derivation: {c.derivation:.2f}  (probability that one text was written from the other; "
            "copy or rewrite needs it at the derivation_threshold setting, 0.5 by default)"
        )
    if c.relation.derived:
        if c.origin:
            first, second = ("A", "B") if c.origin == c.a.id else ("B", "A")
            lines.append(f"Direction: {second} derives from {first} ({c.direction_reason})")
        else:
            lines.append(f"Direction: unknown ({c.direction_reason})")
    if c.pairs or c.coverage_a or c.coverage_b:
        lines.append(
            f"Aligned: {len(c.pairs)} sentence pair(s); covers {c.coverage_a:.0%} of A and {c.coverage_b:.0%} "
            f"of B; {c.in_order:.0%} in order; shared 5-grams {c.shared_passages:.0%}"
            + (f"; model {c.model}" if c.model else "")
        )
    for p in c.pairs[:pairs]:
        kind = "verbatim" if p.verbatim else "similar"
        lines.append(f"  [{p.similarity:.2f} {kind}] A{p.a + 1}: " + _clip(c.a.sentences[p.a].text))
        lines.append(f"  {' ' * (len(kind) + 8)}B{p.b + 1}: " + _clip(c.b.sentences[p.b].text))
        shared = _shared_specifics(c.a.sentences[p.a].text, c.b.sentences[p.b].text)
        if shared:
            lines.append(f"  {' ' * (len(kind) + 8)}shared specifics: {', '.join(shared)}")
    if len(c.pairs) > pairs:
        lines.append(f"  ... {len(c.pairs) - pairs} more pair(s) (--format json lists all)")
    return "\n".join(lines)


def _shared_specifics(a: str, b: str) -> list[str]:
    """Numbers and names found in both sentences of an aligned pair (what independent reporters choose
    differently), in a's order."""
    (na, ma), (nb, mb) = specifics(a), specifics(b)
    return list(dict.fromkeys([n for n in na if n in nb] + [m for m in ma if m in mb]))


def _clip(text: str, width: int = 80) -> str:
    return textwrap.shorten(" ".join(text.split()), width=width, placeholder=" ...")


def _view_dict(v: ArticleView) -> dict[str, Any]:
    return {
        "id": v.id,
        "outlet": v.outlet,
        "title": v.title,
        "published": v.published,
        "language": v.language,
        "source": v.source,
        "sentences": len(v.sentences),
    }


def comparison_dict(c: Comparison) -> dict[str, Any]:
    """A comparison as a dict following schema khabar.compare/2."""
    return {
        "schema": "khabar.compare/2",
        "a": _view_dict(c.a),
        "b": _view_dict(c.b),
        "relation": c.relation.value,
        "score": c.score,
        "reason": c.reason,
        "origin": c.origin,
        "derived": c.derived,
        "direction_reason": c.direction_reason,
        "coverage_a": c.coverage_a,
        "coverage_b": c.coverage_b,
        "shared_passages": c.shared_passages,
        "in_order": c.in_order,
        "model": c.model,
        "story_similarity": c.story_similarity,
        "derivation": c.derivation,
        "derivation_evidence": dict(zip(FEATURES, c.features, strict=False)) if c.features else {},
        "pairs": [
            {
                "a": p.a,
                "b": p.b,
                "similarity": p.similarity,
                "verbatim": p.verbatim,
                "shared_specifics": _shared_specifics(c.a.sentences[p.a].text, c.b.sentences[p.b].text),
                "a_start": c.a.sentences[p.a].start,
                "a_end": c.a.sentences[p.a].end,
                "a_text": c.a.sentences[p.a].text,
                "b_start": c.b.sentences[p.b].start,
                "b_end": c.b.sentences[p.b].end,
                "b_text": c.b.sentences[p.b].text,
            }
            for p in c.pairs
        ],
    }


def comparison_json(c: Comparison) -> str:
    """A comparison as JSON text."""
    return dumps(comparison_dict(c))


def lineage_text(lineage: Lineage) -> str:
    """Source groups as terminal text: each group's origin, then who derived from whom."""
    lines = [
        f"{lineage.articles} article(s) in {lineage.independent} independent source group(s); "
        f"{len(lineage.groups)} group(s) of copies or rewrites; {lineage.same_story} same-story link(s)."
    ]
    lines += [f"Note: {n}" for n in lineage.notes]
    for i, group in enumerate(lineage.groups, start=1):
        origin, why = group_origin(group)
        first = f"origin {_label(group.origin)}" if origin else f"origin unknown ({why})"
        lines += ["", f"Group {i}: {len(group.members)} articles, {first}"]
        refs = {m.id: m for m in group.members}
        for edge in group.edges:
            lines.append("  " + _edge_text(edge, refs))
    return "\n".join(lines)


def _edge_text(e: LineageEdge, refs: dict[str, ArticleRef]) -> str:
    def name(article_id: str) -> str:
        ref = refs.get(article_id)
        return f"{ref.outlet or 'unknown outlet'} [{article_id[:10]}]" if ref else article_id[:10]

    if e.origin:
        derived = e.b if e.origin == e.a else e.a
        return f"{name(derived)} is a {e.relation.value} of {name(e.origin)}: {e.direction_reason}"
    return f"{name(e.a)} and {name(e.b)}: {e.relation.value}, direction unknown ({e.direction_reason})"


def _ref_dict(r: ArticleRef) -> dict[str, Any]:
    return {"id": r.id, "outlet": r.outlet, "title": r.title, "published": r.published, "source": r.source}


def group_origin(g: SourceGroup) -> tuple[str | None, str]:
    """The article a group derives from, when its known directions say so: (id or None, why).

    The group is named after its earliest article, but that is only an origin when every member
    can be reached from it along edges of known direction; otherwise khabar does not claim one.
    """
    directed = [e for e in g.edges if e.origin]
    if not directed:
        return None, "no direction known between its articles"
    children: dict[str, set[str]] = {}
    for e in directed:
        assert e.origin is not None  # directed edges only
        children.setdefault(e.origin, set()).add(e.b if e.origin == e.a else e.a)
    reached, todo = {g.origin.id}, [g.origin.id]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in reached:
                reached.add(child)
                todo.append(child)
    if reached >= {m.id for m in g.members}:
        return g.origin.id, "every member derives from it along edges of known direction"
    return None, f"{len(g.members) - len(reached)} of {len(g.members)} articles are not known to derive from it"


def _group_dict(g: SourceGroup) -> dict[str, Any]:
    origin, why = group_origin(g)
    return {
        "id": g.id,
        "origin": origin,
        "origin_reason": why,
        "members": [_ref_dict(m) for m in g.members],
        "edges": [
            {
                "a": e.a,
                "b": e.b,
                "relation": e.relation.value,
                "score": e.score,
                "origin": e.origin,
                "derived": (e.b if e.origin == e.a else e.a) if e.origin else None,
                "directed": bool(e.origin),
                "reason": e.reason,
                "direction_reason": e.direction_reason,
            }
            for e in g.edges
        ],
    }


def lineage_dict(lineage: Lineage) -> dict[str, Any]:
    """Lineage as a dict following schema khabar.lineage/2."""
    return {
        "schema": "khabar.lineage/2",
        "articles": lineage.articles,
        "independent": lineage.independent,
        "same_story": lineage.same_story,
        "notes": list(lineage.notes),
        "groups": [_group_dict(g) for g in lineage.groups],
    }


def lineage_json(lineage: Lineage) -> str:
    """Lineage as JSON text."""
    return dumps(lineage_dict(lineage))
