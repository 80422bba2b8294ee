"""Sentence clues -> the article's events (one :class:`EventReport` per event the article reports).

An article usually reports one main event and recalls a few others ("the same junction was hit
in 2017 by a bomb that killed more than 500"). Clues are read in order:

* a clue with a date joins the event whose date it can mean (within a day either side) or, if it
  reports an act, opens a new event; a dated clue that matches nothing and reports no act is
  about something else and is dropped;
* a clue without a date joins the event the text is currently about (the last one joined);
* the first clue that reports an act opens the article's main event.

The report takes the most specific type, the first date and place, every perpetrator, and the
*first* casualty counts given for the event: news leads carry the current figure, later
paragraphs recap the older ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..dates import dates_overlap, reanchor_weekday
from ..models import DateValue, EventReport, Figure, Perpetrator
from ..names import name_key
from .lexicon import lexicon
from .sentences import STATE_STRIKE, Clue, Name

__all__ = ["group_clues"]


@dataclass
class _Draft:
    """An event being assembled from the article's clues (mutable, private to this module)."""

    clues: list[Clue] = field(default_factory=list)

    @property
    def date(self) -> DateValue | None:
        return next((c.date for c in self.clues if c.date is not None), None)

    def accepts_date(self, value: DateValue) -> bool:
        own = self.date
        return own is None or dates_overlap(own, value, slack_days=1)


def group_clues(
    clues: list[Clue], *, article_id: str, published: str | None, dateline: Name | None = None
) -> list[EventReport]:
    """Group an article's sentence clues into its events; see the module docstring."""
    drafts: list[_Draft] = []
    current: _Draft | None = None
    waiting: list[Clue] = []  # perpetrator clues read before the first event opened
    for clue in clues:
        if not (clue.opens or clue.reference or clue.perpetrators):
            continue
        anchor = drafts[0].date if drafts else None
        if clue.date is not None and anchor is not None:
            clue = replace(clue, date=reanchor_weekday(clue.date, anchor))
        had = bool(drafts)
        current = _place_clue(clue, drafts, current)
        if not had and not drafts and clue.perpetrators:
            waiting.append(clue)
        elif not had and drafts and waiting:
            _take_waiting(drafts[0], waiting)
    lead = _Lead.of(clues)
    return [_report(d, i, article_id, published, dateline, lead) for i, d in enumerate(drafts)]


@dataclass(frozen=True)
class _Lead:
    """The place and day the article's lead states ("On 9 May 2020, in X, Y, police raided a house.
    Two men were shot dead."): the main event's when none of its own sentences states them. Only
    the first sentence counts: a place or day named later belongs to whatever that sentence is about."""

    place: Name | None = None
    date: DateValue | None = None

    @classmethod
    def of(cls, clues: list[Clue]) -> _Lead:
        if not clues:
            return cls()
        return cls(best_place(list(clues[0].places), None), clues[0].opening_date)


def _take_waiting(draft: _Draft, waiting: list[Clue]) -> None:
    """ "Militants beheaded a delegate near X on 1 May. The victim had been abducted hours before.":
    the act of the first sentence is no trigger of its own, but its actor is the perpetrator of the
    event the next sentence opens, when the dates agree (its perpetrators and places, not its toll)."""
    own = draft.date
    taken = [c for c in waiting if c.date is None or own is None or dates_overlap(own, c.date, slack_days=1)]
    # the opening clue's date stays the event's date (the waiting clue's only had to agree with it)
    draft.clues[:0] = [replace(c, killed=(), injured=(), date=c.date if own is None else None) for c in taken]


def _place_clue(clue: Clue, drafts: list[_Draft], current: _Draft | None) -> _Draft | None:
    if clue.date is not None:
        match = next((d for d in ([current] if current else []) + drafts if d.accepts_date(clue.date)), None)
        if match is None and not clue.act and (drafts or not clue.opens):
            if current is not None and clue.opens:
                current.clues.append(clue)
            elif current is not None and clue.perpetrators:
                # "X said it had attacked the school in revenge for an offensive that began in June":
                # the claim is about the current event; its date is about something else.
                current.clues.append(replace(clue, date=None))
            return current
        if match is None or (match.date is None and clue.opens and match.clues and _different_place(match, clue)):
            match = _Draft()
            drafts.append(match)
        match.clues.append(clue)
        return match
    if current is None:
        if not clue.opens:
            return None
        current = _Draft()
        drafts.append(current)
    current.clues.append(clue)
    return current


def _different_place(draft: _Draft, clue: Clue) -> bool:
    own = best_place([p for c in draft.clues for p in c.places], None)
    theirs = best_place(list(clue.places), None)
    return own is not None and theirs is not None and name_key(own.text) != name_key(theirs.text)


# Gold convention (and the analyst's need): the most specific place named for the event. Facilities
# ("the Temple of Hatshepsut") are not places of this kind; the dateline city is a fallback only. A
# name the gazetteer lacks ranks below a province it names beside it ("in Kalay, Helmand province"
# gives Helmand, which has a point and a region; the village stays in the evidence sentence).
# A mention spaCy called a facility that the gazetteer resolved to a region ("the Centre-Nord region")
# is a place of this kind.
_AREA_LEVELS = frozenset({"country", "admin1", "admin2"})
_LEVEL_RANK = {"city": 0, "admin2": 1, "": 2, "admin1": 3, "unresolved": 3.5, "country": 4}


def best_place(places: list[Name], dateline: Name | None) -> Name | None:
    """The most specific place among an event's places (first mentioned wins a tie)."""
    candidates = [p for p in places if (p.label != "FAC" or p.level in _AREA_LEVELS) and not _same(p, dateline)]
    if not candidates:
        return dateline or next((p for p in places if p.label == "FAC"), None)
    ranked = sorted(enumerate(candidates), key=lambda ip: (_LEVEL_RANK.get(ip[1].level, 2), ip[0]))
    best = ranked[0][1]
    if dateline is not None and _LEVEL_RANK.get(best.level, 2) >= 3 and best.level != "unresolved":
        return dateline if _inside(dateline, best) else best
    return best


def _inside(town: Name, area: Name) -> bool:
    """Whether the dateline town lies in the region or country named for the event (unknown: assumed).

    "OUAGADOUGOU — ... the town of Barsalogho, in the Centre-Nord region": the reporter's city is in
    another region, so the event keeps Centre-Nord rather than taking the dateline.
    """
    if not town.area or not area.area:
        return True
    town_country, _, town_region = town.area.partition("/")
    area_country, _, area_region = area.area.partition("/")
    if town_country != area_country:
        return False
    return area.level != "admin1" or not town_region or not area_region or town_region == area_region


def _same(a: Name, b: Name | None) -> bool:
    return b is not None and a.start == b.start


def _report(
    draft: _Draft, index: int, article_id: str, published: str | None, dateline: Name | None, lead: _Lead
) -> EventReport:
    clues = draft.clues
    first = next((c for c in clues if c.opens), clues[0])
    kind = _event_type(first, clues)
    place = _event_place(first, clues, dateline if index == 0 else None, lead.place if index == 0 else None)
    return EventReport(
        article_id=article_id,
        index=index,
        type=kind,
        date=draft.date or (lead.date if index == 0 else None),
        place=place.text if place else None,
        place_id=place.entity_id if place else None,
        perpetrators=_perpetrators(clues) or first.forces,
        killed=_first(clues, "killed"),
        injured=_first(clues, "injured"),
        target=first.target or next((c.target for c in clues if c.target), None),
        start=first.start,
        end=first.end,
        evidence=tuple((c.start, c.end) for c in clues),
        published=published,
        place_start=place.start if place else -1,
        place_end=place.end if place else -1,
    )


def _event_place(first: Clue, clues: list[Clue], dateline: Name | None, lead: Name | None) -> Name | None:
    """The event's place: the most specific one attached to the act, else named in its opening
    sentence, else in its other sentences, else the lead's. A name the gazetteer lacks gives way to
    a town, district or province named further out ("shot dead near Kalay, a village in the north of
    Helmand province"): the unresolved village keeps its reason in the evidence, and the event gets
    a point and a region (:func:`_stand_in`). A country does not replace it (too coarse to be the
    place)."""
    tiers = [list(first.places[: first.attached])] if first.attached else []
    tiers += [list(first.places), [p for c in clues for p in c.places]]
    chosen = None
    for places in tiers:
        place = best_place(places, dateline)
        if place is None:
            continue
        chosen = chosen or place
        if chosen.level != "unresolved":
            return chosen
        if place.level in _PLACED_LEVELS:
            return _stand_in(chosen, place)
    if chosen is None:
        return lead
    return _stand_in(chosen, lead) if lead is not None and lead.level in _PLACED_LEVELS else chosen


def _stand_in(village: Name, area: Name) -> Name:
    """The village's name on the mention and entry of the place that stands in for it: as the
    geocoder does for "Kalay, Helmand province", so that merging reads it as a place inside that one
    (two villages of one district on one day are two incidents, not one at the district). The span
    stays the area's: the store reads a report's place entity from its span."""
    return replace(area, text=village.text)


_PLACED_LEVELS = frozenset({"city", "admin2", "admin1"})


def _event_type(first: Clue, clues: list[Clue]) -> str:
    """The lead's type; later sentences only refine it ("the blast" -> "suicide bombing") or name
    one when the lead does not. A later mention of another kind of act is not this event's type."""
    lex = lexicon()
    types = [c.type for c in clues if c.type and c.type != STATE_STRIKE]
    lead = first.type if first.type != STATE_STRIKE else None
    if lead in (None, "unknown"):
        kind = max(types, key=lambda k: lex.types[k].rank) if types else "unknown"
    elif lead == "bombing" and "suicide_bombing" in types:
        kind = "suicide_bombing"
    else:
        kind = lead
    if kind in ("unknown", "armed_assault") and first.target == "infrastructure":
        return "facility_attack"
    return kind


def _first(clues: list[Clue], role: str) -> Figure | None:
    for clue in clues:
        figures = getattr(clue, role)
        if figures:
            return figures[0]
    return None


def _perpetrators(clues: list[Clue]) -> tuple[Perpetrator, ...]:
    seen, out = set(), []
    for clue in clues:
        for p in clue.perpetrators:
            key = (p.entity_id or name_key(p.name), p.status)
            if key not in seen:
                seen.add(key)
                out.append(p)
    return tuple(out)
