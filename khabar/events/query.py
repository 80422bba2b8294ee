"""Events from the store: every stored report merged across articles, then filtered.

``find_events(store, actor="ISKP", place="Kabul", since="2021-01-01")``: the actor matches any
name or alias of the entities it names (and perpetrator names as written); the place matches the
event's place, its entity, or the region or country containing it; ``since`` keeps events dated
on or after that day (undated events by their first report's publication date).
"""

from __future__ import annotations

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
        )
    )


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
