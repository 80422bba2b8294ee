"""STIX 2.1 bundles of the knowledge base, built with the ``stix2`` library (docs/export.md).

What becomes what:

* armed groups known to the registry (``actor:`` ids) -> ``intrusion-set`` with aliases;
  registry people (``person:``) -> ``threat-actor``; other organisations and people -> ``identity``
  (organization, group or individual: a name in the news is not by itself a threat actor);
* places with a country or coordinates -> ``location``; outlets -> ``identity`` (organization);
* each article -> ``report`` (object_refs: what it mentions; external reference: outlet, URL, id);
  a copy is ``duplicate-of`` its original report, a rewrite ``derived-from`` it (copy detection);
* two entities named in the same sentences of two or more articles -> ``relationship`` related-to;
* every actor -> one ``sighting`` per actor: reported by these outlets (where_sighted_refs), count =
  articles, first/last seen = first/last report date;
* each attack event -> an ``incident`` (name, support, toll; external references to its reports),
  ``located-at`` its place, ``attributed-to`` each actor that claimed it or that it is attributed to
  (``related-to`` a suspect), and a ``sighting`` of that actor at the event's location on its date;
* registry links and links stated in the news (affiliate, ally, rival, leader) -> ``related-to``.

Confidence comes from the number of *independent source groups* behind an object (copies and
rewrites of one report count once), on the Admiralty credibility scale that STIX 2.1 maps to
numbers: one group "possibly true" (50), two "probably true" (70), three or more "confirmed by
other sources" (90). Ids are UUIDv5 of khabar's ids, so a re-export updates the same objects.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stix2

from ..models import AliasSupport, ArticleSummary, EntitySummary, Place
from ..settings import default_of
from ..store import Store

__all__ = ["stix_bundle", "confidence", "stix_confidence", "stix_id"]

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "stix.khabar")  # fixed: ids must not change between exports
_ORIGIN = "khabar"
_MIN_SHARED_SENTENCES = 2  # co-mention in one sentence is often a list of names; two is a pattern
_ATTRIBUTED = ("claimed", "attributed")  # statuses exported as attributed-to (suspected: related-to)
_ROLES = {"ORG": "organization", "NORP": "group", "PERSON": "individual"}


def confidence(source_groups: int) -> int | None:
    """STIX confidence for a claim backed by this many independent source groups (None: no support)."""
    if source_groups <= 0:
        return None
    return 50 if source_groups == 1 else 70 if source_groups == 2 else 90


def stix_confidence(value: float) -> int:
    """khabar's measured confidence (0-1: rule precision and independent sources) on STIX's 0-100 scale."""
    return max(0, min(100, round(100 * value)))


def stix_id(kind: str, key: str) -> str:
    """A deterministic STIX id for khabar's object ``key`` of STIX type ``kind``."""
    return f"{kind}--{uuid.uuid5(_NAMESPACE, f'{kind}:{key}')}"


@dataclass(frozen=True, slots=True)
class _Support:
    """The articles behind an entity: how many, how many independent groups, first and last date."""

    articles: tuple[ArticleSummary, ...]
    groups: int

    @property
    def dates(self) -> list[datetime]:
        return sorted(d for d in (_timestamp(a.published) for a in self.articles) if d)


def stix_bundle(
    store: Store, *, window_days: int, now: datetime | None = None, min_confidence: float = default_of("min_confidence")
) -> stix2.Bundle:
    """The whole knowledge base as one STIX 2.1 bundle (events merged with ``window_days``; who is
    behind an event is exported only at or above ``min_confidence``)."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    articles = {a.id: a for a in store.article_summaries(limit=10**9)}
    by_entity = store.entity_articles()
    groups = store.source_group_map(articles)
    support = {
        e: _Support(tuple(articles[a] for a in ids if a in articles), len({groups[a] for a in ids}))
        for e, ids in by_entity.items()
    }
    aliases: dict[str, list[AliasSupport]] = {}
    for entity_id, alias in store.all_aliases():
        aliases.setdefault(entity_id, []).append(alias)
    producer = stix2.Identity(
        id=stix_id("identity", _ORIGIN),
        name="khabar",
        identity_class="system",
        created=now,
        modified=now,
        description="Knowledge base built by khabar from news articles.",
    )
    outlets = _outlets(articles.values(), producer, now)
    entities, registry_of = {}, {}
    for e in store.entity_summaries(limit=10**9):
        if e.registry_id:
            registry_of[e.id] = e.registry_id
        if e.id in support:
            obj = _entity_object(e, aliases.get(e.id, []), support[e.id], store.place(e.id), producer, now)
            if obj is not None:
                entities[e.id] = obj
    reports = [_report(a, store.article_entity_ids(a.id), entities, outlets, producer, now) for a in articles.values()]
    relationships = _relationships(store, entities, groups, producer, now)
    sightings = [
        _sighting(entities[e], support[e], outlets, producer, now)
        for e in entities
        if entities[e].type in ("intrusion-set", "threat-actor")
    ]
    incidents = _events(store, entities, producer, now, window_days, min_confidence)
    links = _links(store, entities, registry_of, producer, now, min_confidence)
    derivations = _derivations(store, {r.external_references[0].external_id: r for r in reports}, producer, now)
    objects = [
        producer,
        *outlets.values(),
        *entities.values(),
        *reports,
        *relationships,
        *sightings,
        *incidents,
        *derivations,
        *links,
    ]
    return stix2.Bundle(objects=objects)


def _common(producer: stix2.Identity, now: datetime) -> dict:
    return {"created_by_ref": producer.id, "created": now, "modified": now}


def _outlets(articles: Iterable[ArticleSummary], producer, now) -> dict[str, stix2.Identity]:
    names = sorted({a.outlet for a in articles if a.outlet})
    return {
        n: stix2.Identity(
            id=stix_id("identity", f"outlet:{n}"),
            name=n,
            identity_class="organization",
            sectors=["communications"],
            description="News outlet.",
            **_common(producer, now),
        )
        for n in names
    }


def _entity_object(
    e: EntitySummary, aliases: list[AliasSupport], support: _Support, place: Place | None, producer, now
):
    """The STIX object for one entity, or None when STIX cannot express it (a place with no country)."""
    names = sorted({a.alias for a in aliases if a.alias != e.name})
    dates = support.dates
    seen = {"first_seen": dates[0], "last_seen": dates[-1]} if dates else {}
    described = {
        "description": f"Mentioned in {len(support.articles)} article(s), {support.groups} independent "
        f"source group(s).",
        "confidence": confidence(support.groups),
        "external_references": _khabar_ref(e),
        **_common(producer, now),
    }
    if e.cls == "PLACE":
        return _location(e, place, described)
    if e.registry_id and e.registry_id.startswith("actor:"):
        return stix2.IntrusionSet(
            id=stix_id("intrusion-set", e.id), name=e.name, aliases=names or None, **seen, **described
        )
    if e.registry_id and e.registry_id.startswith("person:"):
        return stix2.ThreatActor(
            id=stix_id("threat-actor", e.id),
            name=e.name,
            aliases=names or None,
            threat_actor_types=["unknown"],
            **seen,
            **described,
        )
    return stix2.Identity(
        id=stix_id("identity", e.id), name=e.name, identity_class=_ROLES.get(e.type, "unknown"), **described
    )


def _location(e: EntitySummary, place: Place | None, described: dict):
    if place is None or not (place.country or place.resolved):
        return None
    where: dict[str, Any] = {"country": place.country} if place.country else {}
    if place.resolved:
        where |= {"latitude": place.latitude, "longitude": place.longitude}
    if place.level == "admin1" or (place.admin1 and place.level in ("admin2", "city")):
        where["administrative_area"] = place.name if place.level == "admin1" else place.admin1
    if place.level == "city":
        where["city"] = place.name
    return stix2.Location(id=stix_id("location", e.id), name=e.name, **where, **described)


def _khabar_ref(e: EntitySummary) -> list[dict]:
    ref = [{"source_name": _ORIGIN, "external_id": e.id, "description": f"khabar entity ({e.type})"}]
    if e.registry_id and e.registry_id != e.id:
        ref.append({"source_name": "khabar-registry", "external_id": e.registry_id})
    return ref


def _report(a: ArticleSummary, entity_ids: list[str], entities: dict, outlets: dict, producer, now) -> stix2.Report:
    refs = [entities[e].id for e in entity_ids if e in entities]
    if a.outlet in outlets:
        refs.append(outlets[a.outlet].id)
    reference = {"source_name": a.outlet or "article", "external_id": a.id, "description": a.title or "untitled"}
    if a.url:
        reference["url"] = a.url
    published = _timestamp(a.published)
    return stix2.Report(
        id=stix_id("report", a.id),
        name=a.title or f"Article {a.id}",
        report_types=["threat-report"],
        published=published or now,
        object_refs=refs or [producer.id],
        external_references=[reference],
        lang=a.language if len(a.language) == 2 else None,
        description=None if published else "The article gives no publication date; the export time stands in.",
        **_common(producer, now),
    )


def _relationships(store: Store, entities: dict, groups: dict[str, str], producer, now) -> list[stix2.Relationship]:
    out = []
    for pair in store.comentions(min_sentences=_MIN_SHARED_SENTENCES):
        if pair.a in entities and pair.b in entities:
            out.append(
                stix2.Relationship(
                    id=stix_id("relationship", f"{pair.a}|{pair.b}"),
                    relationship_type="related-to",
                    source_ref=entities[pair.a].id,
                    target_ref=entities[pair.b].id,
                    description=f"Named in the same sentence {pair.sentences} time(s), in {pair.articles} shared "
                    "article(s).",
                    **_common(producer, now),
                )
            )
    return out


def _sighting(actor, support: _Support, outlets: dict, producer, now) -> stix2.Sighting:
    where = sorted({outlets[a.outlet].id for a in support.articles if a.outlet in outlets})
    dates = support.dates
    seen = {"first_seen": dates[0], "last_seen": dates[-1]} if dates else {}
    return stix2.Sighting(
        id=stix_id("sighting", actor.id),
        sighting_of_ref=actor.id,
        where_sighted_refs=where or None,
        count=len(support.articles),
        confidence=confidence(support.groups),
        summary=False,
        description=f"Reported by {len(where)} outlet(s) in {len(support.articles)} article(s), "
        f"{support.groups} independent source group(s).",
        **seen,
        **_common(producer, now),
    )


def _events(store: Store, entities: dict, producer, now, window_days: int, min_confidence: float) -> list:
    """Each event -> an incident ``located-at`` its place, ``attributed-to`` each actor that claimed it or
    that it is attributed to (``related-to`` a suspect), and a sighting of that actor at the place."""
    from ..events.query import find_events

    out = []
    for e in find_events(store, window_days=window_days):
        incident = _incident(e, producer, now)
        out.append(incident)
        place = entities.get(e.place_id or "")
        if place is not None and place.type == "location":
            out.append(
                stix2.Relationship(
                    id=stix_id("relationship", f"{e.id}|{e.place_id}"),
                    relationship_type="located-at",
                    source_ref=incident.id,
                    target_ref=place.id,
                    description="where it happened",
                    confidence=confidence(e.source_groups),
                    **_common(producer, now),
                )
            )
        for p in e.perpetrators:
            actor = entities.get(p.entity_id or "")
            if (
                actor is not None
                and actor.type in ("intrusion-set", "threat-actor")
                and p.status != "denied"
                and p.confidence >= min_confidence
            ):
                out += _perpetrator(e, p, actor, incident, place, producer, now)
    return out


def _incident(e, producer, now):
    when = e.date.value if e.date and e.date.value else "undated"
    killed = ""
    if e.killed:
        upper = f" to {e.killed.high}" if e.killed.high not in (None, e.killed.low) else ""
        killed = f"; killed {e.killed.low}{upper}"
    refs = [
        {
            "source_name": c.outlet or "article",
            "external_id": c.article_id,
            "description": c.title or "untitled",
            **({"url": c.url} if c.url else {}),
        }
        for c in e.citations[:10]
    ]
    return stix2.Incident(
        id=stix_id("incident", e.id),
        name=f"{e.type.replace('_', ' ')} in {e.place or 'unknown place'}, {when}",
        description=f"Reported by {e.articles} article(s), {e.source_groups} independent source group(s){killed}.",
        confidence=confidence(e.source_groups),
        external_references=refs or None,
        **_common(producer, now),
    )


def _perpetrator(e, p, actor, incident, place, producer, now) -> list:
    said = f"{p.status} ({', '.join(p.sources)})" if p.sources else p.status
    kind = "attributed-to" if p.status in _ATTRIBUTED else "related-to"  # a suspect is not an attribution
    link = stix2.Relationship(
        id=stix_id("relationship", f"{e.id}|{p.entity_id}|{p.status}"),
        relationship_type=kind,
        source_ref=incident.id,
        target_ref=actor.id,
        description=f"said to be behind it: {said}; {p.articles} article(s), {p.source_groups} independent "
        f"source group(s); confidence {p.confidence:.2f}",
        confidence=stix_confidence(p.confidence),
        **_common(producer, now),
    )
    seen = _timestamp(e.date.value) if e.date and e.date.value else None
    sighting = stix2.Sighting(
        id=stix_id("sighting", f"{e.id}|{p.entity_id}|{p.status}"),
        sighting_of_ref=actor.id,
        count=max(p.articles, 1),
        where_sighted_refs=[place.id] if place is not None and place.type == "location" else None,
        confidence=confidence(p.source_groups),
        summary=False,
        description=f"{incident.name}: {said}",
        **({"first_seen": seen, "last_seen": seen} if seen else {}),
        **_common(producer, now),
    )
    return [link, sighting]


_LINK_FACTS = {"affiliate_of": "affiliate of", "linked_to": "linked to", "rival_of": "rival of", "leader": "led by"}


def _links(
    store: Store, entities: dict, registry_of: dict[str, str], producer, now, min_confidence: float
) -> list[stix2.Relationship]:
    """Links between exported actors: the registry's (parent, affiliates, allies, rivals, leaders) and the
    news' (a sentence says X is an affiliate, ally or rival of Y, or is led by Y), as ``related-to``
    with the link in ``description`` (STIX 2.1 suggests no other type between these objects)."""
    from ..confidence import fact_confidence
    from ..entities import registry_links

    by_registry = {registry_of[key]: key for key in entities if key in registry_of}
    out: dict[str, stix2.Relationship] = {}
    for registry_id, key in sorted(by_registry.items()):
        for relation, other, note in registry_links(registry_id):
            target = by_registry.get(other)
            if target is None or target == key:
                continue
            pair = "|".join(sorted((key, target)))
            rid = stix_id("relationship", f"registry:{pair}:{relation.removeprefix('has_').removesuffix('_of')}")
            if rid in out:  # "affiliate_of" one way is "has_affiliate" the other way: one link
                continue
            out[rid] = stix2.Relationship(
                id=rid,
                relationship_type="related-to",
                source_ref=entities[key].id,
                target_ref=entities[target].id,
                description=f"{relation.replace('_', ' ')} (khabar registry{', ' + note if note else ''})",
                **_common(producer, now),
            )
    facts = [
        f
        for f in store.facts()
        if f.attribute in _LINK_FACTS
        and f.subject_id in entities
        and f.object_id in entities
        and f.subject_id != f.object_id
    ]
    groups = store.source_group_map(f.article_id for f in facts)
    stated: dict[tuple[str, str, str], list] = {}
    for f in facts:
        assert f.subject_id is not None and f.object_id is not None  # both are in entities (above)
        stated.setdefault((f.subject_id, f.attribute, f.object_id), []).append(f)
    for (subject, attribute, obj), said in sorted(stated.items()):
        independent = len({groups[f.article_id] for f in said})
        sure = fact_confidence(attribute, independent)
        if sure < min_confidence:
            continue
        refs = [
            {
                "source_name": "khabar-article",
                "external_id": f.article_id,
                "description": f"sentence at {f.start}-{f.end}",
            }
            for f in said[:10]
        ]
        out[stix_id("relationship", f"fact:{subject}|{attribute}|{obj}")] = stix2.Relationship(
            id=stix_id("relationship", f"fact:{subject}|{attribute}|{obj}"),
            relationship_type="related-to",
            source_ref=entities[subject].id,
            target_ref=entities[obj].id,
            description=f"{_LINK_FACTS[attribute]} (stated in {len(said)} article(s), {independent} independent "
            f"source group(s))",
            confidence=stix_confidence(sure),
            external_references=refs,
            **_common(producer, now),
        )
    return list(out.values())


def _derivations(store: Store, reports: dict, producer, now) -> list[stix2.Relationship]:
    """Copies and rewrites between articles: report ``duplicate-of`` / ``derived-from`` its original."""
    from ..relations.lineage import build_lineage

    out = []
    for group in build_lineage(store).groups:
        for e in group.edges:
            if e.a not in reports or e.b not in reports:
                continue
            derived = e.b if e.origin == e.a else e.a
            kind = {"copy": "duplicate-of", "rewrite": "derived-from"}.get(e.relation.value, "related-to")
            source, target = (derived, e.origin) if e.origin else (e.a, e.b)
            why = f"{e.relation.value}: {e.reason}" + (
                f"; original: {e.direction_reason}" if e.origin else "; which one is the original is unknown"
            )
            out.append(
                stix2.Relationship(
                    id=stix_id("relationship", f"{source}>{target}"),
                    relationship_type=kind if e.origin else "related-to",
                    source_ref=reports[source].id,
                    target_ref=reports[target].id,
                    description=why,
                    **_common(producer, now),
                )
            )
    return out


def _timestamp(value: str | None) -> datetime | None:
    """An article's ISO date or date-time as an aware UTC datetime (None when absent or unreadable)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
