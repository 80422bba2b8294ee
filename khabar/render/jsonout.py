"""JSON renderings (schemas documented in docs/schemas.md)."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any

from ..models import Citation, Dossier, Place, SearchHit

__all__ = ["to_jsonable", "dossier_json", "dossier_dict", "place_dict", "search_json", "citation_dict", "dumps"]


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, tuples -> plain JSON-able values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def dumps(data: Any) -> str:
    """Pretty, stable JSON text."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def citation_dict(c: Citation) -> dict[str, Any]:
    """A citation as the documented evidence object."""
    return {"article_id": c.article_id, "outlet": c.outlet, "title": c.title, "published": c.published,
            "url": c.url, "start": c.start, "end": c.end, "text": c.text}


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
    from .events import profile_dict  # facts, relations, attacks, disputes, questions (issue 5)

    return profile_dict(d)


def dossier_json(d: Dossier) -> str:
    """The dossier as JSON text."""
    return dumps(dossier_dict(d))


def search_json(query: str, hits: list[SearchHit]) -> str:
    """Search results as JSON (schema khabar.search/1)."""
    return dumps({"schema": "khabar.search/1", "query": query,
                  "hits": [{**citation_dict(h.citation), "rank": h.rank} for h in hits]})
