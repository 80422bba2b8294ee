"""Graphs for Gephi, yEd and Cytoscape: GraphML and GEXF via networkx.

``entities``: one node per entity (name, type, class, articles, mentions, registry id), one edge
per pair of entities mentioned in the same article (``articles``: shared articles; ``sentences``:
shared sentences; ``weight`` = shared articles).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from ..errors import InputError
from ..store import Store

__all__ = ["build_graph", "entity_graph", "write_graph"]


def build_graph(store: Store, name: str) -> nx.Graph:
    """The named graph of the knowledge base."""
    builders = {"entities": entity_graph}
    if name not in builders:
        raise InputError(f"unknown graph {name!r}; choose one of {', '.join(builders)}")
    return builders[name](store)


def entity_graph(store: Store, *, min_articles: int = 1) -> nx.Graph:
    """The co-mention graph: entities linked when named in the same articles."""
    graph = nx.Graph(name="khabar entity co-mentions")
    for e in store.entity_summaries(limit=10**9):
        if e.articles:
            graph.add_node(e.id, label=e.name, type=e.type, cls=e.cls, articles=e.articles, mentions=e.mentions,
                           registry_id=e.registry_id or "")
    for pair in store.comentions(min_articles=min_articles):
        if pair.a in graph and pair.b in graph:
            graph.add_edge(pair.a, pair.b, weight=pair.articles, articles=pair.articles, sentences=pair.sentences)
    return graph


def write_graph(graph: nx.Graph, path: Path, format: str) -> Path:
    """Write ``graph`` as GraphML or GEXF (1.2) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if format == "graphml":
        nx.write_graphml(graph, path, encoding="utf-8")
    elif format == "gexf":
        nx.write_gexf(graph, path, encoding="utf-8", version="1.2draft")
    else:
        raise InputError(f"unknown graph format {format!r}; choose graphml or gexf")
    return path
