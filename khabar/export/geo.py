"""GeoJSON (RFC 7946) of the knowledge base: one FeatureCollection of located places and events.

Every feature is a ``Point`` with coordinates in RFC 7946's order, ``[longitude, latitude]`` (WGS 84,
no ``crs`` member: the RFC removed it). Places are the place entities the gazetteer located; events are
placed at their place's coordinates, with the same properties as a row of ``khabar events --format csv``
(so the two never disagree). Places and events without coordinates are left out and counted in the
collection's ``khabar`` member (a foreign member, which the RFC allows), never put at 0, 0.
"""

from __future__ import annotations

from collections import Counter

from ..render.events import event_row
from ..store import Store

__all__ = ["feature_collection", "GEOJSON_SCHEMA"]

GEOJSON_SCHEMA = "khabar.geojson/1"
_DIGITS = 6  # ~0.1 m: RFC 7946 section 11.2 advises against more precision than the data has


def feature_collection(store: Store, *, window_days: int) -> dict:
    """Located places and events as one GeoJSON FeatureCollection (a dict ready for ``json.dumps``)."""
    from ..browse import event_places
    from ..events.query import find_events

    events = find_events(store, window_days=window_days)
    located = event_places(store, events)
    per_place = Counter(e.place_id for e in events if e.place_id)
    features, unlocated_places = [], 0
    for entity in store.entity_summaries(limit=10**9):
        if entity.cls != "PLACE":
            continue
        place = store.place(entity.id)
        if place is None or place.latitude is None or place.longitude is None:  # not resolved
            unlocated_places += 1
            continue
        features.append(
            _point(
                place.longitude,
                place.latitude,
                {
                    "kind": "place",
                    "id": entity.id,
                    "name": place.name or entity.name,
                    "level": place.level,
                    "country": place.country or "",
                    "admin1": place.admin1 or "",
                    "geonames_id": place.geonames_id,
                    "events": per_place.get(entity.id, 0),
                    "articles": entity.articles,
                    "confidence": place.confidence,
                },
            )
        )
    for e in events:
        place = located.get(e.id)  # resolved places only
        if place is not None and place.latitude is not None and place.longitude is not None:
            features.append(_point(place.longitude, place.latitude, {"kind": "event", **event_row(e, place)}))
    return {
        "type": "FeatureCollection",
        "features": features,
        "khabar": {
            "schema": GEOJSON_SCHEMA,
            "unlocated_places": unlocated_places,
            "unlocated_events": len(events) - len(located),
        },
    }


def _point(longitude: float, latitude: float, properties: dict) -> dict:
    return {
        "type": "Feature",
        "id": properties["id"],
        "geometry": {"type": "Point", "coordinates": [round(longitude, _DIGITS), round(latitude, _DIGITS)]},
        "properties": properties,
    }
