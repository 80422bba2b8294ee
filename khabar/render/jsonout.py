"""JSON renderings (schemas documented in docs/schemas.md)."""

from __future__ import annotations

from typing import Any

from ..models import Dossier, Place, SearchHit
from .basics import citation_dict, dumps, to_jsonable
from .events import profile_dict

__all__ = ["to_jsonable", "dossier_json", "dossier_dict", "place_dict", "search_json", "citation_dict", "dumps"]


def place_dict(p: Place) -> dict[str, Any]:
    """A place as the documented JSON object (latitude/longitude null when unresolved)."""
    return {"id": p.id, "name": p.name, "level": p.level, "country": p.country, "admin1": p.admin1,
            "latitude": p.latitude, "longitude": p.longitude, "population": p.population,
            "geonames_id": p.geonames_id, "resolved": p.resolved, "note": p.note}


def dossier_dict(d: Dossier) -> dict[str, Any]:
    """The dossier as a dict following schema khabar.dossier/1."""
    return {
        "schema": "khabar.dossier/1",
        "query": d.query,
        "id": d.entity.id,
        "name": d.entity.name,
        "type": d.entity.type,
        "articles": d.articles,
        "outlets": d.outlets,
        "source_groups": d.source_groups,
        "aliases": [
            {"alias": a.alias, "sources": list(a.sources), "articles": a.articles, "outlets": a.outlets,
             "citations": [citation_dict(c) for c in a.citations]}
            for a in d.aliases
        ],
        "neighbours": [
            {"id": n.entity.id, "name": n.entity.name, "type": n.entity.type, "articles": n.articles,
             "sentences": n.sentences}
            for n in d.neighbours
        ],
        "evidence": [citation_dict(c) for c in d.evidence],
        "other_matches": [{"id": e.id, "name": e.name, "type": e.type} for e in d.candidates],
        "place": place_dict(d.place) if d.place else None,
        "links": [{"relation": k.relation, "id": k.entity.id, "name": k.entity.name, "type": k.entity.type,
                   "source": k.source, "articles": k.articles, "note": k.note} for k in d.links],
        "conflicts": [{"alias": c.alias, "entity_id": c.entity_id, "other_id": c.other_id, "reason": c.reason,
                       "article_id": c.article_id or None, "start": c.start, "end": c.end} for c in d.conflicts],
        **_profile(d),
    }


def _profile(d: Dossier) -> dict[str, Any]:

    return profile_dict(d)


def dossier_json(d: Dossier) -> str:
    """The dossier as JSON text."""
    return dumps(dossier_dict(d))


def search_json(query: str, hits: list[SearchHit]) -> str:
    """Search results as JSON (schema khabar.search/1)."""
    return dumps({"schema": "khabar.search/1", "query": query,
                  "hits": [{**citation_dict(h.citation), "rank": h.rank} for h in hits]})
