"""MISP event JSON of the knowledge base: one event that MISP's import and PyMISP read (docs/export.md).

MISP's unit is an *event* holding attributes and objects; khabar's whole knowledge base becomes one
MISP event ("khabar knowledge base"), written as plain JSON in MISP's own format
(``{"Event": {...}}``; PyMISP is not needed to write it, only the tests use it to read it back):

* each armed group or person said to be behind an event, and each registry actor the news mentions
  -> an attribute of type ``threat-actor`` (category Attribution), its names and khabar id in the comment;
* each article -> a ``report`` object (title, link, summary = outlet and date);
* each located place of an event -> a ``geolocation`` object (latitude, longitude, country code, region);
* each attack event -> an ``incident`` object (name, description with the toll and support), with object
  references ``located-at`` its geolocation, ``attributed-to`` each actor that claimed it or that it is
  attributed to (``related-to`` a suspect; denials and values below ``min_confidence`` left out), and
  ``derived-from`` the reports that tell it. Every attribute of an incident carries its citations
  (outlet, title, URL, article id and the sentence's offsets) in its ``comment``.

Credibility uses MISP's ``admiralty-scale`` taxonomy from the number of independent source groups
(the scale the STIX export maps to numbers): one group 3 "possibly true", two 2 "probably true", three
or more 1 "confirmed by other sources". UUIDs are UUIDv5 of khabar's ids: a re-import updates.
Distribution is 0 ("your organisation only"): sharing further is the analyst's decision.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from ..models import Citation, Event
from ..settings import default_of
from ..store import Store

__all__ = ["misp_event", "credibility_tag", "TEMPLATES"]

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "misp.khabar")  # fixed: uuids must not change between exports
# MISP object templates used (name -> uuid, version), from the MISP objects repository.
TEMPLATES = {
    "incident": ("38597424-f9bb-4865-9b4b-819172df0334", "1"),
    "geolocation": ("cd6f2238-ba55-4888-82c4-104e6e1acf21", "8"),
    "report": ("70a68471-df22-4e3f-aa1a-5a3be19f82df", "8"),
}
_ATTRIBUTED = ("claimed", "attributed")
_CITED = 5  # citations written into one comment


def credibility_tag(source_groups: int) -> str | None:
    """The ``admiralty-scale:information-credibility`` tag for this many independent source groups."""
    if source_groups <= 0:
        return None
    return f'admiralty-scale:information-credibility="{3 if source_groups == 1 else 2 if source_groups == 2 else 1}"'


def misp_event(
    store: Store, *, window_days: int, now: datetime | None = None, min_confidence: float = default_of("min_confidence")
) -> dict:
    """The knowledge base as one MISP event dict (``{"Event": {...}}``), ready for ``json.dumps``."""
    from ..browse import event_places
    from ..events.query import find_events

    now = now or datetime.now(UTC).replace(microsecond=0)
    stamp = str(int(now.timestamp()))
    events = find_events(store, window_days=window_days)
    places = event_places(store, events)
    summaries = {e.id: e for e in store.entity_summaries(limit=10**9)}
    actors = {
        e.id: e
        for e in summaries.values()
        if (e.registry_id or "").startswith(("actor:", "person:")) and e.articles > 0
    }
    for ev in events:
        for p in ev.perpetrators:
            if p.entity_id in summaries and _exported(p, min_confidence):
                actors.setdefault(p.entity_id, summaries[p.entity_id])
    aliases: dict[str, set[str]] = {}
    for entity_id, alias in store.all_aliases():
        if entity_id in actors:
            aliases.setdefault(entity_id, set()).add(alias.alias)
    attributes = [
        _attribute(
            "threat-actor",
            "Attribution",
            a.name,
            stamp,
            key=f"actor:{a.id}",
            comment=f"khabar id {a.id}"
            + (f" ({a.registry_id})" if a.registry_id else "")
            + f"; also called: {', '.join(sorted(aliases.get(a.id, set()) - {a.name})) or '-'}; "
            f"{a.articles} article(s)",
        )
        for a in actors.values()
    ]
    actor_uuid = {a.id: attr["uuid"] for a, attr in zip(actors.values(), attributes)}
    articles = {a.id: a for a in store.article_summaries(limit=10**9)}
    reports = {a.id: _report(a, stamp) for a in articles.values()}
    objects = list(reports.values())
    geos: dict[str, dict] = {}
    for ev in events:
        place = places.get(ev.id)
        if place is not None and ev.place_id and ev.place_id not in geos:  # located events have a place id
            geos[ev.place_id] = _geolocation(ev.place_id, place, stamp)
    objects += geos.values()
    objects += [_incident(ev, geos.get(ev.place_id or ""), actor_uuid, reports, stamp, min_confidence) for ev in events]
    return {
        "Event": {
            "uuid": _uuid("event", "knowledge-base"),
            "info": f"khabar knowledge base: {len(events)} event(s), "
            f"{len(actors)} actor(s), {len(articles)} article(s)",
            "date": now.date().isoformat(),
            "timestamp": stamp,
            "publish_timestamp": "0",
            "published": False,
            "analysis": "2",
            "threat_level_id": "4",
            "distribution": "0",
            "Orgc": {"name": "khabar", "uuid": _uuid("org", "khabar")},
            "Tag": [{"name": "khabar"}],
            "Attribute": attributes,
            "Object": objects,
        }
    }


def _exported(p, min_confidence: float) -> bool:
    return p.status != "denied" and p.confidence >= min_confidence


def _uuid(kind: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def _attribute(
    type_: str,
    category: str,
    value,
    stamp: str,
    *,
    key: str,
    comment: str = "",
    relation: str | None = None,
    tags: tuple[str | None, ...] = (),
) -> dict:
    out = {
        "uuid": _uuid("attribute", key),
        "type": type_,
        "category": category,
        "value": str(value),
        "to_ids": False,
        "distribution": "5",
        "timestamp": stamp,
        "comment": comment,
        "Tag": [{"name": t} for t in tags if t],
    }
    if relation:
        out["object_relation"] = relation
    return out


def _object(
    name: str, key: str, stamp: str, attributes: list[dict], comment: str = "", references: Sequence[dict] = ()
) -> dict:
    template, version = TEMPLATES[name]
    return {
        "uuid": _uuid("object", key),
        "name": name,
        "meta-category": "misc",
        "template_uuid": template,
        "template_version": version,
        "description": "",
        "distribution": "5",
        "timestamp": stamp,
        "comment": comment,
        "Attribute": attributes,
        "ObjectReference": list(references),
    }


def _report(a, stamp: str) -> dict:
    key = f"article:{a.id}"
    attrs = [
        _attribute(
            "text",
            "External analysis",
            a.title or f"Article {a.id}",
            stamp,
            key=f"{key}:title",
            relation="title",
            comment=f"khabar article {a.id}",
        )
    ]
    if a.url:
        attrs.append(_attribute("link", "External analysis", a.url, stamp, key=f"{key}:link", relation="link"))
    attrs.append(
        _attribute(
            "text",
            "External analysis",
            f"{a.outlet or 'unknown outlet'}, {a.published or 'undated'}",
            stamp,
            key=f"{key}:summary",
            relation="summary",
        )
    )
    return _object("report", key, stamp, attrs, comment=f"khabar article {a.id}")


def _geolocation(place_id: str, place, stamp: str) -> dict:
    key = f"place:{place_id}"
    attrs = [
        _attribute("float", "Other", place.latitude, stamp, key=f"{key}:lat", relation="latitude"),
        _attribute("float", "Other", place.longitude, stamp, key=f"{key}:lon", relation="longitude"),
        _attribute(
            "text",
            "Other",
            place.name,
            stamp,
            key=f"{key}:text",
            relation="text",
            comment=f"khabar place {place_id}" + (f", GeoNames {place.geonames_id}" if place.geonames_id else ""),
        ),
    ]
    if place.country:
        attrs.append(_attribute("text", "Other", place.country, stamp, key=f"{key}:cc", relation="countrycode"))
    if place.admin1:
        attrs.append(_attribute("text", "Other", place.admin1, stamp, key=f"{key}:region", relation="region"))
    return _object("geolocation", key, stamp, attrs)


def _cites(citations: tuple[Citation, ...]) -> str:
    said = [
        f'{c.outlet or "article"}, "{c.title or "untitled"}"{", " + c.url if c.url else ""} '
        f"(khabar article {c.article_id}, {c.start}-{c.end})"
        for c in citations[:_CITED]
    ]
    more = len(citations) - _CITED
    return "Sources: " + "; ".join(said) + (f"; and {more} more" if more > 0 else "")


def _incident(ev: Event, geo: dict | None, actor_uuid: dict, reports: dict, stamp: str, min_confidence: float) -> dict:
    key = f"event:{ev.id}"
    when = ev.date.value if ev.date and ev.date.value else "undated"
    name = f"{ev.type.replace('_', ' ')} in {ev.place or 'unknown place'}, {when}"
    toll = ""
    if ev.killed:
        high = (
            f" to {ev.killed.high}"
            if ev.killed.high not in (None, ev.killed.low)
            else " or more"
            if ev.killed.high is None
            else ""
        )
        toll = f" Killed: {ev.killed.low}{high} (latest report: {ev.killed.latest.figure.text})."
    behind = [p for p in ev.perpetrators if p.entity_id in actor_uuid and _exported(p, min_confidence)]
    said = "; ".join(f"{p.name}: {p.status}" + (f" ({', '.join(p.sources)})" if p.sources else "") for p in behind)
    tag = credibility_tag(ev.source_groups)
    cites = _cites(ev.citations)
    attrs = [
        _attribute("text", "Other", name, stamp, key=f"{key}:name", relation="name", comment=cites, tags=(tag,)),
        _attribute(
            "text",
            "Other",
            f"Reported by {ev.articles} article(s), {ev.source_groups} independent "
            f"source group(s).{toll}" + (f" Said to be behind it: {said}." if said else ""),
            stamp,
            key=f"{key}:description",
            relation="description",
            comment=cites,
            tags=(tag,),
        ),
        _attribute("text", "Other", ev.type, stamp, key=f"{key}:type", relation="incident_type", comment=cites),
    ]
    refs = []
    if geo is not None:
        refs.append(_reference(key, geo["uuid"], "located-at", "where it happened"))
    for p in behind:
        refs.append(
            _reference(
                key,
                actor_uuid[p.entity_id],
                "attributed-to" if p.status in _ATTRIBUTED else "related-to",
                f"{p.status}; {p.articles} article(s), {p.source_groups} independent "
                f"source group(s); confidence {p.confidence:.2f}. {_cites(p.citations)}",
            )
        )
    for article_id in dict.fromkeys(c.article_id for c in ev.citations):
        if article_id in reports:
            refs.append(_reference(key, reports[article_id]["uuid"], "derived-from", "reported in this article"))
    return _object("incident", key, stamp, attrs, comment=f"khabar event {ev.id}", references=refs)


def _reference(key: str, target: str, relation: str, comment: str) -> dict:
    return {
        "uuid": _uuid("reference", f"{key}>{target}:{relation}"),
        "object_uuid": _uuid("object", key),
        "referenced_uuid": target,
        "relationship_type": relation,
        "comment": comment,
    }
