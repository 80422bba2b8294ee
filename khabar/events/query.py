"""Events from the store: every stored report merged across articles, then filtered.

``find_events(store, actor="ISKP", place="Kabul", since="2021-01-01")``: the actor matches any
name or alias of the entities it names (and perpetrator names as written); the place matches the
event's place, its entity, or the region or country containing it; ``since`` keeps events dated
on or after that day (undated events by their first report's publication date).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from ..corroborate import merge_reports
from ..errors import InputError
from ..models import Event
from ..names import name_key

__all__ = ["find_events", "related_actors"]


def find_events(
    store, *, actor: str | None = None, place: str | None = None, since: str | None = None, window_days: int
) -> list[Event]:
    """Events across articles, newest first, optionally filtered by actor, place and start date."""
    start = _since(since)
    events = list(store.cached(("merged events", window_days), lambda: merged_events(store, window_days)))
    if actor:
        events = [e for e in events if _by_actor(e, actor, store)]
    if place:
        events = [e for e in events if _at_place(e, place, store)]
    if start:
        events = [e for e in events if _day(e) >= start]
    return events


def merged_events(store, window_days: int) -> tuple[Event, ...]:
    """Every stored report merged into events, newest first (the same for every query until the
    KB changes: the web app shares it between requests, ``store/shared.py``)."""
    return tuple(
        merge_reports(
            store.event_reports(),
            place_info=getattr(store, "place", None),
            groups=store.source_group_map,
            cite=store.citations,
            window_days=window_days,
            related=related_actors,
            sites=_sites_of(store) if hasattr(store, "name_mentions") else None,
        )
    )


# spaCy tags villages, districts and neighbourhoods it does not know as anything ("near Pisky" a
# nationality, "in Compensa neighbourhood" an organisation): a name of those labels is a place only
# right after a preposition of place ("in X", "near X", "the village of X").
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_SITE_LABELS = ("GPE", "LOC", "FAC", "ORG", "NORP", "PERSON")
_AT_PLACE = re.compile(
    r"(?i)\b(?:in|near|at|outside|around|inside|(?:village|town|city|area|outskirts|district|locality|"
    r"neighbou?rhood|vicinity|region|province|suburb)s? of)(?: the)?\s*$"
)


def _in_place(end: int, after) -> bool:
    """True when a place mention follows the name as its container ("Danhono in Chikun LGA",
    "Fakkeh, al-Hasakeh", "Ayn Zarah (Tripoli)")."""
    if not after:
        return False
    start, _, _, _, label, before = after[0]
    gap = start - end
    return label in ("GPE", "LOC") and 0 < gap <= len(before) and bool(_CONTAINER.match(before[len(before) - gap :]))


_CONTAINER = re.compile(r"^\s*(?:,|\(|in|near)\s*(?:the\s+)?$")


def _sites_of(store):
    """report -> (name keys of the specific places its first sentence names, of those all its sentences
    name): names of places that are neither countries nor provinces nor actors (see
    ``corroborate._different_sites``)."""
    mentions = store.name_mentions(_SITE_LABELS)
    regions: dict[str, str | None] = {}  # place id -> name key of the country or province it is, else None

    def specific(text: str, entity_id: str | None) -> bool:
        """A name of a place other than a country or a province (a village the gazetteer lacks,
        geocoded to the province named beside it, is that village) and not of an actor."""
        if not entity_id:
            return True
        if entity_id.startswith("actor:"):
            return False
        if entity_id not in regions:
            info = store.place(entity_id) if entity_id.startswith("place:") else None
            region = getattr(info, "level", "") in ("country", "admin1")
            regions[entity_id] = name_key(getattr(info, "name", "") or "") if region else None
        region_key = regions[entity_id]
        key = name_key(text)
        return region_key is None or not (region_key in key or key in region_key)

    def sites(report) -> tuple[frozenset[str], frozenset[str]]:
        lead: set[str] = set()
        every: set[str] = set()
        spans = report.evidence or ((report.start, report.end),)
        first = min(spans)  # the report's first sentence (its opening clue may be a later one)
        groups = {p.entity_id for p in report.perpetrators} | {name_key(p.name) for p in report.perpetrators}
        found = mentions.get(report.article_id, ())
        for n, (start, end, text, entity_id, label, before) in enumerate(found):
            key = name_key(text)
            if not key or key in groups or entity_id in groups or not specific(text, entity_id):
                continue
            if label not in _PLACE_LABELS and not (_AT_PLACE.search(before) or _in_place(end, found[n + 1 :])):
                continue
            if any(s <= start < e for s, e in spans):
                every.add(key)
                if first[0] <= start < first[1]:
                    lead.add(key)
        return frozenset(lead), frozenset(every)

    return sites


@lru_cache(maxsize=4096)
def related_actors(a: str, b: str) -> bool:
    """True when the registry makes one actor part, branch or affiliate of the other (not rivals)."""
    from ..entities import registry_links

    if not (a.startswith("actor:") and b.startswith("actor:")):
        return False
    return any(other == b and relation != "rival_of" for relation, other, _ in registry_links(a))


def _since(since: str | None) -> str | None:
    if not since:
        return None
    try:
        return date.fromisoformat(since[:10]).isoformat() if len(since) >= 10 else f"{int(since[:4]):04d}-01-01"
    except ValueError:
        raise InputError(f"--since needs a date like 2021-08-01 or a year like 2021, got {since!r}") from None


def _day(event: Event) -> str:
    if event.date is not None and event.date.value:
        return event.date.value
    return min((r.published or "")[:10] for r in event.reports)


def _by_actor(event: Event, actor: str, store) -> bool:
    ids = {h.entity.id for h in store.find_entities(actor)}
    key = name_key(actor)
    return any(p.entity_id in ids or name_key(p.name) == key for p in event.perpetrators if p.status != "denied")


def _at_place(event: Event, place: str, store) -> bool:
    key = name_key(place)
    ids = {h.entity.id for h in store.find_entities(place)}
    for report in event.reports:
        if not report.place:
            continue
        if name_key(report.place) == key or report.place_id in ids:
            return True
        info = store.place(report.place_id) if report.place_id and hasattr(store, "place") else None
        if info is not None and key in {
            name_key(info.admin1 or ""),
            name_key(info.country or ""),
            name_key(info.name or ""),
        }:
            return True
    return False
