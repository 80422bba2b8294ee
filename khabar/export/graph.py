"""Graphs for Gephi, yEd and Cytoscape: GraphML and GEXF via networkx.

``entities``: one node per entity (name, type, class, articles, mentions, registry id), one edge
per pair of entities mentioned in the same article (``articles``: shared articles; ``sentences``:
shared sentences; ``weight`` = shared articles).

``lineage``: a directed graph with one node per article in a source group (title, outlet,
published, group, origin), one edge per copy or rewrite from the original to the derived article
(``relation``, ``score``, ``reason``, ``direction``); an edge whose direction is unknown is written
from the earlier-listed article with ``direction`` = "unknown".
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from ..errors import InputError
from ..store import Store

__all__ = ["build_graph", "entity_graph", "lineage_graph", "write_graph", "xml_safe"]


def build_graph(store: Store, name: str) -> nx.Graph:
    """The named graph of the knowledge base."""
    builders = {"entities": entity_graph, "lineage": lineage_graph}
    if name not in builders:
        raise InputError(f"unknown graph {name!r}; choose one of {', '.join(builders)}")
    return builders[name](store)


def entity_graph(store: Store, *, min_articles: int = 1) -> nx.Graph:
    """The co-mention graph: entities linked when named in the same articles."""
    graph = nx.Graph(name="khabar entity co-mentions")
    for e in store.entity_summaries(limit=10**9):
        if e.articles:
            graph.add_node(
                e.id,
                label=e.name,
                type=e.type,
                cls=e.cls,
                articles=e.articles,
                mentions=e.mentions,
                registry_id=e.registry_id or "",
            )
    for pair in store.comentions(min_articles=min_articles):
        if pair.a in graph and pair.b in graph:
            graph.add_edge(pair.a, pair.b, weight=pair.articles, articles=pair.articles, sentences=pair.sentences)
    return graph


def lineage_graph(store: Store) -> nx.DiGraph:
    """Who derived from whom: articles of the source groups, edges from original to copy or rewrite."""
    from ..relations.lineage import build_lineage

    graph = nx.DiGraph(name="khabar lineage")
    for group in build_lineage(store).groups:
        for m in group.members:
            graph.add_node(
                m.id,
                label=m.title or m.id,
                outlet=m.outlet or "",
                published=m.published or "",
                group=group.id,
                origin=m.id == group.id,
            )
        for e in group.edges:
            source, target = (e.origin, e.b if e.origin == e.a else e.a) if e.origin else (e.a, e.b)
            graph.add_edge(
                source,
                target,
                relation=e.relation.value,
                score=round(e.score, 3),
                reason=e.reason,
                direction=e.direction_reason if e.origin else "unknown",
            )
    return graph


# Characters XML 1.0 forbids (C0 controls but tab, LF, CR; U+FFFE/U+FFFF; lone surrogates). A U+0001 in
# a title made GraphML writing fail half-way and left GEXF files no XML parser accepts.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(graph: nx.Graph) -> nx.Graph:
    """A copy of ``graph`` whose string attributes hold only characters XML allows."""
    clean = graph.copy()
    for _, data in clean.nodes(data=True):
        _scrub(data)
    for *_, data in clean.edges(data=True):
        _scrub(data)
    _scrub(clean.graph)
    return clean


def _scrub(data: dict) -> None:
    for key, value in data.items():
        if isinstance(value, str):
            data[key] = _NOT_XML.sub("", value)


def write_graph(graph: nx.Graph, path: Path, format: str) -> Path:
    """Write ``graph`` as GraphML or GEXF (1.2) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    graph = xml_safe(graph)
    if format == "graphml":
        nx.write_graphml(graph, path, encoding="utf-8")
    elif format == "gexf":
        nx.write_gexf(graph, path, encoding="utf-8", version="1.2draft")
    else:
        raise InputError(f"unknown graph format {format!r}; choose graphml or gexf")
    return path
