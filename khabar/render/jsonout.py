"""JSON renderings: one document per result, following the JSON Schemas in khabar/schemas/."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models import Article, ArticleSummary, Dossier, Edit, EntitySummary, Event, ListPage, Place, SearchHit
from .basics import citation_dict, dumps, to_jsonable
from .events import profile_dict

__all__ = [
    "to_jsonable",
    "dossier_json",
    "dossier_dict",
    "place_dict",
    "search_json",
    "search_dict",
    "citation_dict",
    "article_dict",
    "to_json",
    "dumps",
]


def place_dict(p: Place) -> dict[str, Any]:
    """A place as the documented JSON object (latitude/longitude null when unresolved)."""
    return {
        "id": p.id,
        "name": p.name,
        "level": p.level,
        "country": p.country,
        "admin1": p.admin1,
        "latitude": p.latitude,
        "longitude": p.longitude,
        "population": p.population,
        "geonames_id": p.geonames_id,
        "resolved": p.resolved,
        "note": p.note,
    }


def dossier_dict(d: Dossier) -> dict[str, Any]:
    """The dossier as a dict following schema khabar.dossier/2."""
    return {
        "schema": "khabar.dossier/2",
        "query": d.query,
        "id": d.entity.id,
        "name": d.entity.name,
        "type": d.entity.type,
        "articles": d.articles,
        "outlets": d.outlets,
        "source_groups": d.source_groups,
        "aliases": [
            {
                "alias": a.alias,
                "sources": list(a.sources),
                "articles": a.articles,
                "outlets": a.outlets,
                "citations": [citation_dict(c) for c in a.citations],
            }
            for a in d.aliases
        ],
        "neighbours": [
            {
                "id": n.entity.id,
                "name": n.entity.name,
                "type": n.entity.type,
                "articles": n.articles,
                "sentences": n.sentences,
            }
            for n in d.neighbours
        ],
        "evidence": [citation_dict(c) for c in d.evidence],
        "other_matches": [{"id": e.id, "name": e.name, "type": e.type} for e in d.candidates],
        "place": place_dict(d.place) if d.place else None,
        "links": [
            {
                "relation": k.relation,
                "id": k.entity.id,
                "name": k.entity.name,
                "type": k.entity.type,
                "source": k.source,
                "articles": k.articles,
                "note": k.note,
            }
            for k in d.links
        ],
        "conflicts": [
            {
                "alias": c.alias,
                "entity_id": c.entity_id,
                "other_id": c.other_id,
                "reason": c.reason,
                "article_id": c.article_id or None,
                "start": c.start,
                "end": c.end,
            }
            for c in d.conflicts
        ],
        **_profile(d),
    }


def _profile(d: Dossier) -> dict[str, Any]:

    return profile_dict(d)


def dossier_json(d: Dossier) -> str:
    """The dossier as JSON text."""
    return dumps(dossier_dict(d))


def search_json(query: str, hits: list[SearchHit]) -> str:
    """Search results as JSON (schema khabar.search/2)."""
    return dumps(search_dict(query, hits))


def search_dict(query: str, hits: list[SearchHit]) -> dict[str, Any]:
    """Search results as a dict (schema khabar.search/2)."""
    return {
        "schema": "khabar.search/2",
        "query": query,
        "hits": [{**citation_dict(h.citation), "rank": h.rank} for h in hits],
    }


def article_dict(article: Article) -> dict[str, Any]:
    """A stored article (schema khabar.article/2); the raw input is left out."""
    data = to_jsonable(article)
    data.pop("raw", None)
    return {"schema": "khabar.article/2", **data}


def entity_summary_dict(e: EntitySummary) -> dict[str, Any]:
    """An entity as lists show it (``common-2.json#/$defs/entity_summary``)."""
    return {
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "class": e.cls,
        "registry_id": e.registry_id,
        "articles": e.articles,
        "mentions": e.mentions,
    }


def article_summary_dict(a: ArticleSummary) -> dict[str, Any]:
    """An article as lists show it (``common-2.json#/$defs/article_summary``)."""
    return {
        "id": a.id,
        "title": a.title,
        "outlet": a.outlet,
        "published": a.published,
        "url": a.url,
        "language": a.language,
        "words": a.words,
    }


def page_dict(page: ListPage) -> dict[str, Any]:
    """A page of a list: khabar.entities/2, khabar.articles/2, or khabar.events/2 with paging and facets."""
    from .events import event_dict

    head = {
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "sort": page.sort,
        "filters": dict(page.filters),
        "facets": {k: [{"value": v, "count": n} for v, n in values] for k, values in page.facets},
    }
    if page.kind == "events":
        return {"schema": "khabar.events/2", **head, "events": [event_dict(e) for e in page.items]}
    makers: dict[str, Callable[[Any], dict[str, Any]]] = {
        "entities": entity_summary_dict,
        "articles": article_summary_dict,
    }
    item = makers[page.kind]
    return {"schema": f"khabar.{page.kind}/2", **head, "items": [item(x) for x in page.items]}


def to_json(value: Any, *, query: str = "", schema: str | None = None) -> dict[str, Any]:
    """Any of khabar's results as the JSON document the CLI and /api/ give (its ``schema`` names the file
    in khabar/schemas). ``query`` names the search for a list of SearchHit; ``schema`` says what an
    empty list is (``khabar.events/2``, ``khabar.edits/2`` or ``khabar.search/2``)."""
    from ..models import Comparison, Lineage
    from .edits import edits_dict
    from .events import event_dict, events_dict
    from .relations import comparison_dict, lineage_dict

    if isinstance(value, Dossier):
        return dossier_dict(value)
    if isinstance(value, ListPage):
        return page_dict(value)
    if isinstance(value, Event):
        return {"schema": "khabar.event/2", **event_dict(value)}
    if isinstance(value, Comparison):
        return comparison_dict(value)
    if isinstance(value, Lineage):
        return lineage_dict(value)
    if isinstance(value, Article):
        return article_dict(value)
    if isinstance(value, (list, tuple)):
        items = list(value)
        if not items and schema:
            empty: dict[str, Callable[[list], dict[str, Any]]] = {
                "khabar.events/2": events_dict,
                "khabar.edits/2": edits_dict,
                "khabar.search/2": lambda v: search_dict(query, v),
            }
            return empty[schema](items)
        if not items:
            raise TypeError(
                "to_json([]) cannot tell what the list holds: give schema='khabar.events/2' (or edits, search)"
            )
        if all(isinstance(v, Event) for v in items):
            return events_dict(items)
        if all(isinstance(v, Edit) for v in items):
            return edits_dict(items)
        if all(isinstance(v, SearchHit) for v in items):
            return search_dict(query, items)
    raise TypeError(f"no JSON schema for {type(value).__name__}; see khabar/schemas")
