"""Lineage as a picture (SVG or PNG): who derived from whom, one band per source group.

networkx holds the graph (arrows from origin to copy or rewrite; a line without arrow where the
direction is unknown); matplotlib draws it with the non-interactive Agg backend. Each group is laid
out left to right by derivation depth (``render/graphs.py`` gives the same layering to the web).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from ..errors import InputError
from ..relations.values import Lineage, SourceGroup

__all__ = ["lineage_picture"]

_COLOURS = {"copy": "#b2182b", "rewrite": "#2166ac"}


def lineage_picture(lineage: Lineage, path: str | Path) -> Path:
    """Draw the source groups of ``lineage`` to ``path`` (.svg or .png) and return the path."""
    path = Path(path)
    if path.suffix.lower() not in (".svg", ".png"):
        raise InputError(f"the picture must be .svg or .png, not {path.name!r}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    graph = nx.DiGraph()
    positions: dict[str, tuple[float, float]] = {}
    labels: dict[str, str] = {}
    top = 0.0
    for group in lineage.groups:
        top = _place(group, graph, positions, labels, top)
    height = max(2.5, 1.3 * len(positions) ** 0.5 + 0.9 * len(lineage.groups))
    figure, axes = plt.subplots(figsize=(12, height))
    axes.set_axis_off()
    if not lineage.groups:
        axes.text(0.5, 0.5, "No copies or rewrites found: every article is its own source.", ha="center")
    else:
        _draw(nx, graph, positions, labels, axes)
    axes.set_title(f"{lineage.articles} articles, {lineage.independent} independent source groups", fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format=path.suffix[1:].lower(), bbox_inches="tight")
    plt.close(figure)
    if path.suffix.lower() == ".svg":  # opens alone under a CSP that forbids inline styles
        from .svgstyle import without_css

        path.write_text(without_css(path.read_text("utf-8")), "utf-8")
    return path


def _place(group: SourceGroup, graph, positions: dict, labels: dict, top: float) -> float:
    depth = _depths(group)
    columns: dict[int, int] = {}
    for member in group.members:
        column = depth.get(member.id, 1)
        row = columns.get(column, 0)
        columns[column] = row + 1
        positions[member.id] = (column * 3.0, -(top + row))
        title = textwrap.shorten(member.title or member.id, 40, placeholder="...")
        labels[member.id] = f"{member.outlet or '?'}\n{(member.published or 'undated')[:10]}\n{title}"
        graph.add_node(member.id, origin=member.id == group.id)
    for edge in group.edges:
        if edge.origin:
            target = edge.b if edge.origin == edge.a else edge.a
            graph.add_edge(edge.origin, target, relation=edge.relation.value, directed=True)
        else:
            graph.add_edge(edge.a, edge.b, relation=edge.relation.value, directed=False)
    return top + max(columns.values(), default=1) + 1.0


def _depths(group: SourceGroup) -> dict[str, int]:
    """Steps from the origin along derivation edges (undirected edges count as a step)."""
    depth = {group.id: 0}
    for _ in range(len(group.members)):
        for e in group.edges:
            for a, b in ((e.a, e.b), (e.b, e.a)):
                if a in depth and b not in depth and (e.origin is None or e.origin == a):
                    depth[b] = depth[a] + 1
    return depth


def _draw(nx, graph, positions: dict, labels: dict, axes) -> None:
    origins = [n for n, d in graph.nodes(data=True) if d.get("origin")]
    others = [n for n in graph.nodes if n not in origins]
    nx.draw_networkx_nodes(graph, positions, nodelist=origins, node_color="#fdb863", node_size=900, ax=axes)
    nx.draw_networkx_nodes(graph, positions, nodelist=others, node_color="#d9d9d9", node_size=700, ax=axes)
    for directed in (True, False):
        for relation, colour in _COLOURS.items():
            edges = [
                (a, b) for a, b, d in graph.edges(data=True) if d["relation"] == relation and d["directed"] == directed
            ]
            nx.draw_networkx_edges(
                graph,
                positions,
                edgelist=edges,
                edge_color=colour,
                arrows=True,
                arrowstyle="-|>" if directed else "-",
                arrowsize=18,
                ax=axes,
                node_size=900,
                style="solid" if relation == "copy" else "dashed",
            )
    nx.draw_networkx_labels(graph, positions, labels, font_size=6, ax=axes, verticalalignment="top")
    handles = [
        axes.plot([], [], color=c, linestyle="-" if r == "copy" else "--", label=r)[0] for r, c in _COLOURS.items()
    ]
    axes.legend(handles=handles, loc="lower right", fontsize=7, frameon=False)
