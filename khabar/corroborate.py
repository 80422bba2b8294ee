"""Corroboration: the same event across articles, support by independent sources, and conflicts.

``merge_reports(reports, ...)`` clusters event reports into :class:`Event` values. A report joins
an event when it agrees with *every* report of it (complete link: separate incidents do not chain
through a report that agrees with each): their types are compatible (a "blast" and a "suicide
bombing" are), their dates can mean the same day (two different days each stated to the day are
two incidents; a coarse date has a day's slack; a report with no date must be published on or
after the other's date, within ``window_days``, and more than two days after it only at the very
place with the same group named), and their places agree (same entity, same name, or one place
contains the other in the gazetteer; a village the gazetteer lacks, geocoded to the place named
beside it, is a place inside that one); with no place on one side, the same day and the same
named perpetrator must agree instead. Tolls are *not* a test: they rise from report to report.

Each event keeps every report; its killed and injured figures become a :class:`Toll`, a series
over report time with the range and the latest figure (never an average). Support is counted in
articles and in independent source groups (copies and rewrites of one story count once).
Conflicts are detected and kept side by side: competing responsibility (two groups claimed or
blamed, or a claim and a denial), tolls revised downwards, and incompatible tolls given at the
same time by independent sources. :func:`profile_facts` does the same for actor facts: values
grouped after normalisation, with support, and conflicts for single-valued attributes (two
founding years, incompatible strength estimates, two leaders).

Why at query time and not stored: a new article can join two events or add a conflict; computing
events from the stored per-article reports keeps every write local to its article (a re-run is a
no-op) and costs milliseconds for thousands of reports.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from difflib import SequenceMatcher

from .confidence import fact_confidence, perpetrator_confidence
from .dates import date_range, dates_overlap
from .models import (
    Citation,
    Conflict,
    DateValue,
    Event,
    EventReport,
    Fact,
    Figure,
    Perpetrator,
    ProfileFact,
    Responsibility,
    SupportedValue,
    Toll,
    TollPoint,
)
from .names import name_key
from .numbers import figures_compatible

__all__ = ["merge_reports", "profile_facts", "fact_conflicts", "SINGLE_VALUED", "TYPE_FAMILIES"]

# Types that may describe the same attack in different reports.
TYPE_FAMILIES: dict[str, frozenset[str]] = {
    "bombing": frozenset({"bombing", "suicide_bombing", "rocket_attack", "facility_attack", "arson"}),
    "suicide_bombing": frozenset({"bombing", "suicide_bombing", "armed_assault"}),
    "armed_assault": frozenset(
        {
            "armed_assault",
            "hostage_taking",
            "assassination",
            "suicide_bombing",
            "arson",
            "kidnapping",
            "facility_attack",
        }
    ),
    "hostage_taking": frozenset({"hostage_taking", "armed_assault", "kidnapping", "hijacking"}),
    "kidnapping": frozenset({"kidnapping", "hostage_taking", "armed_assault"}),
    "assassination": frozenset({"assassination", "armed_assault", "bombing", "suicide_bombing"}),
    "hijacking": frozenset({"hijacking", "hostage_taking"}),
    "arson": frozenset({"arson", "armed_assault", "facility_attack", "bombing"}),
    "facility_attack": frozenset({"facility_attack", "arson", "bombing", "armed_assault"}),
    "rocket_attack": frozenset({"rocket_attack", "bombing"}),
}
_RANK = {
    "suicide_bombing": 9,
    "hijacking": 9,
    "hostage_taking": 8,
    "kidnapping": 8,
    "assassination": 7,
    "bombing": 6,
    "rocket_attack": 5,
    "arson": 4,
    "facility_attack": 3,
    "armed_assault": 3,
    "unknown": 1,
}
# Attributes an actor has one value of at a time: differing values are conflicts.
SINGLE_VALUED = frozenset({"founded", "strength", "leader"})

PlaceInfo = Callable[[str], object | None]  # place entity id -> Place (khabar.models) or None
PlaceKeys = Callable[[str, str | None], tuple[frozenset[str], frozenset[str]]]  # see _place_keys
Coarse = Callable[[str, str | None], bool]  # (place, place id) -> True for a region, not a locality
Groups = Callable[[Iterable[str]], dict[str, str]]  # article ids -> source group ids
Cite = Callable[[Iterable[tuple[str, int, int]]], dict[tuple[str, int, int], Citation]]
# (entity id, entity id) -> True when one is part, branch or affiliate of the other: a claim by the
# Islamic State and one by its Khorasan branch do not compete.
Related = Callable[[str, str], bool]
# report -> (name keys of the specific places its first sentence names, of those all its sentences name)
Sites = Callable[[EventReport], tuple[frozenset[str], frozenset[str]]]


def _unrelated(a: str, b: str) -> bool:
    return False


@dataclass(eq=False)
class _Cluster:
    """Reports judged to be one event (mutable while clustering; private).

    Reports are only ever added, so what is derived from them (articles, types, best date) is kept
    until the number of reports changes: a query merges every stored report, and recomputing these
    for each cluster on each report tried made ``who`` quadratic in the reports (issue 11).
    """

    reports: list[EventReport] = field(default_factory=list)
    number: int = -1  # its place in the merge's list of clusters
    _seen: int = field(default=-1, repr=False)
    _articles: set[str] = field(default_factory=set, repr=False)
    _types: set[str] = field(default_factory=set, repr=False)
    _best: DateValue | None = field(default=None, repr=False)
    _range: tuple[int, int] | None = field(default=None, repr=False)
    _placed: int = field(default=-1, repr=False)
    _keys: tuple[frozenset[str], frozenset[str]] | None = field(default=None, repr=False)

    def _refresh(self) -> None:
        if self._seen != len(self.reports):
            self._articles = {r.article_id for r in self.reports}
            self._types = {r.type for r in self.reports}
            self._best = self._best_date()
            self._range = _day_range(self._best)
            self._seen = len(self.reports)

    def may_take(self, report: EventReport, days: tuple[int, int] | None) -> bool:
        """False when ``report`` surely does not join: its article is in already, or both dates are
        known and more than a day apart (the first tests of :func:`_joins`, on cached values)."""
        self._refresh()
        if report.article_id in self._articles:
            return False
        own = self._range
        return own is None or days is None or (own[0] - 1 <= days[1] and days[0] - 1 <= own[1])

    def place_keys(self, keys_of: PlaceKeys) -> tuple[frozenset[str], frozenset[str]] | None:
        """(keys of the reports' places, keys of the regions containing them); None when no report
        names a place. One ``keys_of`` per merge, so the cache follows the number of reports."""
        if self._placed != len(self.reports):
            own: set[str] = set()
            region: set[str] = set()
            named = [keys_of(r.place, r.place_id) for r in self.reports if r.place]
            for o, g in named:
                own |= o
                region |= g
            self._keys = (frozenset(own), frozenset(region)) if named else None
            self._placed = len(self.reports)
        return self._keys

    @property
    def articles(self) -> set[str]:
        self._refresh()
        return self._articles

    @property
    def types(self) -> set[str]:
        self._refresh()
        return self._types

    def best_date(self) -> DateValue | None:
        self._refresh()
        return self._best

    def _best_date(self) -> DateValue | None:
        dated = [r.date for r in self.reports if r.date is not None and r.date.value]
        if not dated:
            return None
        order = {"day": 0, "week": 1, "month": 2, "year": 3, "decade": 4}
        finest = min(order.get(d.precision, 9) for d in dated)
        values = Counter(d.value for d in dated if order.get(d.precision, 9) == finest)
        value = values.most_common(1)[0][0]
        return next(d for d in dated if d.value == value and order.get(d.precision, 9) == finest)


def merge_reports(
    reports: Sequence[EventReport],
    *,
    place_info: PlaceInfo | None = None,
    groups: Groups,
    cite: Cite,
    window_days: int,
    related: Related | None = None,
    sites: Sites | None = None,
) -> list[Event]:
    """Cluster reports into events (see the module docstring); newest event first."""
    clusters: list[_Cluster] = []
    if place_info is not None:
        place_info = _remembered(place_info)
    keys_of = _keys_memo(place_info)
    coarse_of = _coarse_memo(place_info)
    country_of = _country_memo(place_info)
    index = _PlaceIndex()
    sites_of = _sites_memo(sites)
    for report in sorted(reports, key=_report_order):
        days = _day_range(report.date)
        keys = keys_of(report.place, report.place_id) if report.place else None
        candidates = clusters if keys is None else [clusters[n] for n in index.candidates(*keys)]
        target = next(
            (
                c
                for c in candidates
                if c.may_take(report, days)
                and _joins(c, report, keys_of, window_days, coarse_of, related or _unrelated, sites_of, country_of)
            ),
            None,
        )
        if target is None:
            target = _Cluster()
            target.number = len(clusters)
            clusters.append(target)
        target.reports.append(report)
        index.add(target.number, keys)
    clusters = _adopt_unplaced(clusters, place_info, window_days)
    spans = [(r.article_id, r.start, r.end) for c in clusters for r in c.reports]
    spans += [(r.article_id, p.start, p.end) for c in clusters for r in c.reports for p in r.perpetrators]
    spans += [(r.article_id, f.start, f.end) for c in clusters for r in c.reports for f in (r.killed, r.injured) if f]
    citations = cite(spans)
    group_of = groups({r.article_id for c in clusters for r in c.reports})
    events = [_event(c, citations, group_of, related or _unrelated) for c in clusters]
    return sorted(events, key=lambda e: (e.date.value if e.date and e.date.value else "", e.id), reverse=True)


def _day_range(value: DateValue | None) -> tuple[int, int] | None:
    """The first and last day a date may mean, as day numbers (None when undated)."""
    if value is None or not value.value:
        return None
    first, last = date_range(value)  # type: ignore[misc]
    return first.toordinal(), last.toordinal()


def _remembered(place_info: PlaceInfo) -> PlaceInfo:
    """``place_info`` looked up once per place id during one merge (the store does not change meanwhile)."""
    seen: dict[str, object | None] = {}

    def lookup(place_id: str) -> object | None:
        if place_id not in seen:
            seen[place_id] = place_info(place_id)
        return seen[place_id]

    return lookup


class _PlaceIndex:
    """Which clusters a report naming a place may join: those whose places agree with it (see
    :func:`_places_agree`: a shared key, or one's place is the other's region) and those naming no
    place, in the order they were made, so that the first cluster that takes the report is the one
    a scan of every cluster would find. Without it a merge tried every report against every
    cluster: 170,000 tries for the 1,000 reports of a week of news (issue 16)."""

    def __init__(self) -> None:
        self._own: dict[str, list[int]] = {}  # a place key -> clusters with a report at that place
        self._region: dict[str, list[int]] = {}  # a region key -> clusters with a report in that region
        self._unplaced: dict[int, None] = {}  # clusters no report of which names a place
        self._placed: set[int] = set()
        self.made = 0  # clusters so far

    def candidates(self, own: frozenset[str], region: frozenset[str]) -> list[int]:
        found = set(self._unplaced)
        for key in own:
            found.update(self._own.get(key, ()))
            found.update(self._region.get(key, ()))
        for key in region:
            found.update(self._own.get(key, ()))
        return sorted(found)

    def add(self, number: int, keys: tuple[frozenset[str], frozenset[str]] | None) -> None:
        """Cluster ``number`` took a report with these place keys (None: the report names no place)."""
        self.made = max(self.made, number + 1)
        if keys is None:
            if number not in self._placed:
                self._unplaced.setdefault(number, None)
            return
        self._placed.add(number)
        self._unplaced.pop(number, None)
        for key in keys[0]:
            self._own.setdefault(key, []).append(number)
        for key in keys[1]:
            self._region.setdefault(key, []).append(number)


def _keys_memo(place_info: PlaceInfo | None) -> PlaceKeys:
    """:func:`_place_keys` computed once per (place, id) during one merge: it was most of the time of
    a dossier on a 1,000-article KB (550,000 name keys for 1,000 reports; issue 16)."""
    seen: dict[tuple[str, str | None], tuple[frozenset[str], frozenset[str]]] = {}

    def keys_of(place: str, place_id: str | None) -> tuple[frozenset[str], frozenset[str]]:
        found = seen.get((place, place_id))
        if found is None:
            own, region = _place_keys(place, place_id, place_info)
            found = seen[(place, place_id)] = (frozenset(own), frozenset(region))
        return found

    return keys_of


def _adopt_unplaced(clusters: list[_Cluster], place_info: PlaceInfo | None, window_days: int) -> list[_Cluster]:
    """A report that names no place ("the same junction was hit in October 2017") joins an event
    only when exactly one placed event of a compatible type and date could be meant."""
    placed = [c for c in clusters if any(r.place for r in c.reports)]
    kept = []
    for cluster in clusters:
        if cluster in placed:
            kept.append(cluster)
            continue
        fits = [c for c in placed if all(_fits_unplaced(c, r, window_days) for r in cluster.reports)]
        if len(fits) == 1:
            fits[0].reports.extend(cluster.reports)
        else:
            kept.append(cluster)
    return kept


def _fits_unplaced(cluster: _Cluster, report: EventReport, window_days: int) -> bool:
    if report.article_id in cluster.articles or report.date is None or not report.date.value:
        return False
    if not any(_compatible_type(t, report.type) for t in cluster.types):
        return False
    return _dates_agree(cluster, report, window_days) is not False and cluster.best_date() is not None


def _report_order(r: EventReport) -> tuple:
    precision = {"day": 0, "week": 1, "month": 2, "year": 3, "decade": 4}
    return (precision.get(r.date.precision, 9) if r.date else 9, r.published or "", r.article_id, r.index)


def _joins(
    cluster: _Cluster,
    report: EventReport,
    keys_of: PlaceKeys,
    window_days: int,
    coarse_of: Coarse,
    related: Related = _unrelated,
    sites_of: Sites | None = None,
    country_of: Callable[[str | None], str | None] | None = None,
) -> bool:
    """True when ``report`` is the cluster's event: tested against *every* report of the cluster
    (complete link), so that reports of separate incidents do not chain into one event through a
    report that agrees with each (ACLED tuning half: a fifth of records were merged that way)."""
    if report.article_id in cluster.articles:
        return False
    if not all(_compatible_type(t, report.type) for t in cluster.types):
        return False
    if any(_contradicts(other, report, related) for other in cluster.reports):
        return False
    if sites_of is not None and any(_different_sites(sites_of(other), sites_of(report)) for other in cluster.reports):
        return False
    when = _dates_agree(cluster, report, window_days)
    if when is False:
        return False
    if any((_undated(r) or _undated(report)) and not _corroborated(r, report) for r in cluster.reports):
        return False
    where = _places_agree(cluster, report, keys_of)
    if where is True and country_of is not None and _other_country(cluster, report, country_of):
        return False  # Tripoli (Libya) and Tripoli (Lebanon): one name, two places
    if where is False:
        return False
    if where is True:
        # Different days a day apart, each stated to the day, are one event only at the same place;
        # so are reports without a day-precise date on one side (a province and a town in it, a week
        # apart, are more often two incidents than one: measured on ACLED's tuning half).
        if when == "late":
            # An undated report published days after the event is a follow-up only at the very place
            # and with the same group named (undated short reports of other attacks in one place, a
            # few days later, were joined to it: ACLED tuning half).
            return _same_place(cluster, report, keys_of) and _shared_perpetrator(cluster, report)
        if not _any_coarse(cluster, report, coarse_of):
            return when == "day" or _same_place(cluster, report, keys_of)
        # A province or a country on one side ("in Idleb", "near Donetsk"), the other naming it or a
        # town inside it: a region sees several incidents a day, so the dates are not enough; the
        # same group or the same kind of target must be named as well (ACLED tuning half: a sixth of
        # the merged records).
        if not (_shared_perpetrator(cluster, report) or _same_target(cluster, report)):
            return False
        return when == "day" or _same_place(cluster, report, keys_of)
    # No place on one side: the same named perpetrator and a day-precise date must agree instead.
    return when == "day" and _shared_perpetrator(cluster, report)


def _contradicts(a: EventReport, b: EventReport, related: Related) -> bool:
    """True when two reports published on the same day cannot be about one incident: their death
    tolls cannot both be true ("two men were shot dead" and "at least five died"), or each names
    the perpetrator and no group named by one is named by (or part of) the other's. Tolls rise and
    attributions change from day to day, so reports of other days are not tested (ACLED tuning
    half: short reports of separate incidents of one day and town, merged for the same place)."""
    if not a.published or a.published[:10] != (b.published or "")[:10]:
        return False
    if a.killed is not None and b.killed is not None and not _tolls_overlap(a.killed, b.killed):
        return True
    mine, theirs = _perp_keys(a), _perp_keys(b)
    return bool(mine and theirs) and not any(x == y or related(x, y) or related(y, x) for x in mine for y in theirs)


def _undated(report: EventReport) -> bool:
    """True when the report states no day (nor week) of its own: no date, or a month, year or decade."""
    return report.date is None or not report.date.value or report.date.precision not in ("day", "week")


def _corroborated(a: EventReport, b: EventReport) -> bool:
    """True when two reports agree on a detail beyond place and time: the same group named, the same
    kind of target, the same stated type of attack, or the same death toll. A report that states no
    date of its own is tied to a dated one only so (ACLED tuning half: undated short reports of other
    killings in one town, a day later, were joined to a dated one)."""
    if _perp_keys(a) & _perp_keys(b):
        return True
    if a.target is not None and a.target == b.target:
        return True
    if a.type == b.type and a.type != "unknown":
        return True
    return a.killed is not None and b.killed is not None and a.killed.value == b.killed.value


def _sites_memo(sites: Sites | None) -> Sites | None:
    if sites is None:
        return None
    seen: dict[tuple[str, int], tuple[frozenset[str], frozenset[str]]] = {}

    def of(report: EventReport) -> tuple[frozenset[str], frozenset[str]]:
        key = (report.article_id, report.index)
        if key not in seen:
            seen[key] = sites(report)
        return seen[key]

    return of


def _different_sites(a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]]) -> bool:
    """True when each report's first sentence names a specific place (not a country or a province)
    that no sentence of the other names: "fired at positions near Pisky" and "... near Shyrokyne",
    both placed in the city the two villages lie by, are two incidents. A report that names no
    place of its own, or only places the other names too, contradicts nothing."""
    return _unnamed(a[0], b[1]) and _unnamed(b[0], a[1])


def _unnamed(lead: frozenset[str], other: frozenset[str]) -> bool:
    """True when ``lead`` names a place none of ``other`` names (a name contained in another counts)."""
    return any(not any(x in y or y in x for y in other) for x in lead)


def _tolls_overlap(a: Figure, b: Figure) -> bool:
    """True when some count is allowed by both figures (their ranges meet; "about" and "dozens"
    allow a quarter either side)."""
    (low_a, high_a), (low_b, high_b) = _toll_span(a), _toll_span(b)
    return (high_a is None or low_b <= high_a) and (high_b is None or low_a <= high_b)


def _toll_span(figure: Figure) -> tuple[float, float | None]:
    if figure.qualifier in ("about", "vague"):
        return figure.low * 0.75, None if figure.high is None else figure.high * 1.25
    return figure.low, figure.high


def _compatible_type(a: str, b: str) -> bool:
    return a == b or "unknown" in (a, b) or b in TYPE_FAMILIES.get(a, frozenset({a}))


def _dates_agree(cluster: _Cluster, report: EventReport, window_days: int) -> bool | str:
    """False, or how the dates agree: "day" (the same day, each stated to the day), "late" (an
    undated report published more than two days after a dated one) or "coarse". Tested against
    every report of the cluster, so that the event's dates span a day at most: reports of the 4th,
    the 5th and the 6th are not one event."""
    theirs = report.date if report.date is not None and report.date.value else None
    dated = [r.date for r in cluster.reports if r.date is not None and r.date.value]
    if not dated and theirs is None:
        # Undated on both sides: published within two days of every report, never chained report to
        # report (undated short reports of one place a week apart are usually two incidents: ACLED
        # tuning half, a third of records merged with the 14-day window).
        days = min(window_days, _UNDATED_DAYS)
        near = bool(report.published) and all(
            _near(str(report.published)[:10], {r.published[:10]}, days) for r in cluster.reports if r.published
        )
        return near and "coarse"
    if theirs is not None:
        if not all(dates_overlap(d, theirs, slack_days=1) for d in dated):
            return False
        undated = [r for r in cluster.reports if r.date is None or not r.date.value]
        if not all(_published_within(r, theirs, window_days) for r in undated):
            return False
        if not all(_published_within(r, theirs, _UNDATED_DAYS) for r in undated):
            return "late"
        stated = {d.value for d in dated if d.precision == "day"}
        if theirs.precision == "day" and stated:
            # Two different days, each stated to the day, are two incidents (a day's slack is for a
            # coarse date: "on the night of 4 May", "early May").
            return "day" if stated == {theirs.value} else False
        return "coarse"
    if not all(_published_within(report, d, window_days) for d in dated):
        return False
    # and within two days of the cluster's other undated reports: never chained report to report
    if report.published and not all(
        _near(report.published[:10], {r.published[:10]}, _UNDATED_DAYS)
        for r in cluster.reports
        if r.published and (r.date is None or not r.date.value)
    ):
        return False
    if report.published and not all(_published_within(report, d, _UNDATED_DAYS) for d in dated):
        return "late"
    return "coarse"


def _published_within(report: EventReport, when: DateValue, window_days: int) -> bool:
    """An undated report published from the day before ``when`` to ``window_days`` after it."""
    if not report.published:
        return True
    span = date_range(when)
    assert span is not None  # only dates with a resolved value are passed
    first, last = span
    seen = date.fromisoformat(report.published[:10])
    return first - timedelta(days=1) <= seen <= last + timedelta(days=window_days)


_UNDATED_DAYS = 2


def _near(day: str, others: set[str], window_days: int) -> bool:
    d = date.fromisoformat(day)
    return any(abs((date.fromisoformat(o) - d).days) <= window_days for o in others)


def _places_agree(cluster: _Cluster, report: EventReport, keys_of: PlaceKeys) -> bool | None:
    """True (agree), False (disagree) or None (a side names no place).

    The same place, or a place and the region containing it, agree; two different places of the
    same region do not (two villages of one province are two incidents, not one). Tested against
    every report of the cluster that names a place: a town agreeing with its province does not
    bring in another town of that province."""
    if not report.place or cluster.place_keys(keys_of) is None:
        return None
    own_t, region_t = keys_of(report.place, report.place_id)
    for other in cluster.reports:
        if other.place:
            own_o, region_o = keys_of(other.place, other.place_id)
            if not (own_t & own_o or own_t & region_o or own_o & region_t):
                return False
    return True


def _same_place(cluster: _Cluster, report: EventReport, keys_of: PlaceKeys) -> bool:
    """True when ``report`` names the very place of every report of the cluster that names one."""
    own = keys_of(report.place or "", report.place_id)[0]
    named = [keys_of(r.place, r.place_id)[0] for r in cluster.reports if r.place]
    return bool(named) and all(own & theirs for theirs in named)


def _any_coarse(cluster: _Cluster, report: EventReport, coarse_of: Coarse) -> bool:
    """True when the report or a report of the cluster names only a region (a province, a country)
    or a place outside its own sentences. A name another report resolves to a town is that town
    ("MADRID" read once as the region)."""
    placed = [r for r in [report, *cluster.reports] if r.place]
    if any(_placed_by_lead(r) for r in placed):
        return True
    towns = {name_key(r.place or "") for r in placed if not coarse_of(r.place or "", r.place_id)}
    return any(coarse_of(r.place or "", r.place_id) and name_key(r.place or "") not in towns for r in placed)


def _placed_by_lead(report: EventReport) -> bool:
    """True when the report's place is named outside its own sentences (the article's lead or
    dateline, see events/article.py): where the article is, not a place the event's sentences tie
    to the act, so it is as weak a sign of one incident as a province is."""
    start = report.place_start
    return start >= 0 and bool(report.evidence) and not any(s <= start < e for s, e in report.evidence)


def _same_target(cluster: _Cluster, report: EventReport) -> bool:
    """True when the report and every report of the cluster name the same kind of target."""
    return report.target is not None and all(r.target == report.target for r in cluster.reports)


def _shared_perpetrator(cluster: _Cluster, report: EventReport) -> bool:
    return bool(_perp_keys(report) & {k for r in cluster.reports for k in _perp_keys(r)})


def _other_country(cluster: _Cluster, report: EventReport, country_of: Callable[[str | None], str | None]) -> bool:
    """True when the report's place and a place of the cluster resolve to different countries."""
    mine = country_of(report.place_id)
    return mine is not None and any(
        (theirs := country_of(r.place_id)) is not None and theirs != mine for r in cluster.reports
    )


def _country_memo(place_info: PlaceInfo | None) -> Callable[[str | None], str | None]:
    """place id -> the country (ISO code) it resolved to, else None; memoised per merge."""
    seen: dict[str | None, str | None] = {}

    def country(place_id: str | None) -> str | None:
        if place_id not in seen:
            info = place_info(place_id) if place_info is not None and place_id else None
            seen[place_id] = getattr(info, "country", None) or None
        return seen[place_id]

    return country


# Gazetteer levels that name a region where many incidents happen on one day, not a locality.
_REGION_LEVELS = frozenset({"admin1", "country"})


def _coarse_memo(place_info: PlaceInfo | None) -> Coarse:
    """(place, place id) -> True when the place resolved to a province or a country, memoised per merge."""
    seen: dict[str | None, bool] = {}

    def coarse(place: str, place_id: str | None) -> bool:
        if place_id not in seen:
            info = place_info(place_id) if place_info is not None and place_id else None
            seen[place_id] = getattr(info, "level", "") in _REGION_LEVELS
        return seen[place_id]

    return coarse


def _place_keys(place: str, place_id: str | None, place_info: PlaceInfo | None) -> tuple[set[str], set[str]]:
    """Keys a place answers to (its id and names) and the keys of the region containing it."""
    keys: set[str] = {name_key(place)}
    region: set[str] = set()
    if place_id:
        info = place_info(place_id) if place_info is not None else None
        name = name_key(getattr(info, "name", "") or "") if info is not None else ""
        # A village the gazetteer lacks is geocoded to the place named beside it ("near Pisky,
        # Donetsk" -> Donetsk): it is a place *in* that one, not that place, or every village
        # around a city would be one place (ACLED tuning half: a third of the merged records).
        inside = bool(name) and not _one_name(name_key(place), name)
        (region if inside else keys).update({place_id, name})
        if info is not None:
            region |= {name_key(getattr(info, "admin1", "") or "")}
    keys.discard("")
    region.discard("")
    return keys, region - keys


def _one_name(mention: str, name: str) -> bool:
    """True when a mention's name key and its gazetteer entry's name one place: the same, one
    containing the other ("Kandahar city"), or a spelling apart ("al-Hasakeh", "Al-Hasakah")."""
    return mention in name or name in mention or SequenceMatcher(None, mention, name).ratio() >= 0.8


def _perp_keys(report: EventReport) -> set[str]:
    return {p.entity_id or name_key(p.name) for p in report.perpetrators if p.status != "denied"}


# --- building events ---------------------------------------------------------------------------


def _event(cluster: _Cluster, citations: dict, group_of: dict[str, str], related: Related) -> Event:
    reports = sorted(cluster.reports, key=lambda r: (r.published or "", r.article_id, r.index))
    first = min(cluster.reports, key=_report_order)
    kind = max((r.type for r in reports), key=lambda t: _RANK.get(t, 0))
    place = _best_place(reports)
    cites = tuple(citations[(r.article_id, r.start, r.end)] for r in reports)
    killed = _toll(reports, "killed", citations)
    injured = _toll(reports, "injured", citations)
    perps = _responsibility(reports, citations, group_of)
    subject = f"{kind.replace('_', ' ')} in {place[0] or 'an unnamed place'}"
    return Event(
        id="ev:" + hashlib.sha1(f"{first.article_id}:{first.index}".encode()).hexdigest()[:12],
        type=kind,
        date=cluster.best_date(),
        place=place[0],
        place_id=place[1],
        perpetrators=perps,
        killed=killed,
        injured=injured,
        target=_most_common([r.target for r in reports]),
        reports=tuple(reports),
        citations=cites,
        articles=len({r.article_id for r in reports}),
        source_groups=len({group_of.get(r.article_id, r.article_id) for r in reports}),
        conflicts=tuple(
            _responsibility_conflicts(perps, subject, related)
            + _toll_conflicts(killed, subject, "killed")
            + _toll_conflicts(injured, subject, "injured")
        ),
    )


def _best_place(reports: list[EventReport]) -> tuple[str | None, str | None]:
    named = [(r.place, r.place_id) for r in reports if r.place]
    if not named:
        return None, None
    counts = Counter(name_key(p) for p, _ in named)
    top = counts.most_common(1)[0][0]
    return next((p, i) for p, i in named if name_key(p) == top)


def _most_common(values: list[str | None]) -> str | None:
    present = [v for v in values if v]
    return Counter(present).most_common(1)[0][0] if present else None


def _toll(reports: list[EventReport], role: str, citations: dict) -> Toll | None:
    points = []
    for r in reports:
        figure: Figure | None = getattr(r, role)
        if figure is not None:
            points.append(TollPoint(r.published, figure, citations[(r.article_id, figure.start, figure.end)]))
    if not points:
        return None
    highs = [p.figure.high if p.figure.qualifier in ("range", "up_to") else p.figure.value for p in points]
    bounded = [h for h in highs if h is not None]
    return Toll(
        series=tuple(points),
        low=min(p.figure.value for p in points),
        high=max(bounded) if bounded else None,
        latest=points[-1],
    )


def _responsibility(
    reports: list[EventReport], citations: dict, group_of: dict[str, str]
) -> tuple[Responsibility, ...]:
    by_key: dict[tuple[str, str], list[tuple[EventReport, Perpetrator]]] = {}
    for r in reports:
        for p in r.perpetrators:
            by_key.setdefault((p.entity_id or name_key(p.name), p.status), []).append((r, p))
    out = []
    for (_, status), items in by_key.items():
        names = Counter(p.name for _, p in items)
        articles = {r.article_id for r, _ in items}
        name = max(names, key=lambda n: (names[n], len(n)))
        groups = len({group_of.get(a, a) for a in articles})
        out.append(
            Responsibility(
                name=name,
                entity_id=items[0][1].entity_id,
                status=status,
                sources=tuple(dict.fromkeys(p.source for _, p in items if p.source)),
                articles=len(articles),
                source_groups=groups,
                citations=tuple(dict.fromkeys(citations[(r.article_id, p.start, p.end)] for r, p in items)),
                confidence=perpetrator_confidence(status, name, items[0][1].entity_id, groups),
            )
        )
    order = {"claimed": 0, "attributed": 1, "suspected": 2, "denied": 3}
    return tuple(sorted(out, key=lambda x: (order.get(x.status, 9), -x.source_groups, x.name)))


def _responsibility_conflicts(perps: tuple[Responsibility, ...], subject: str, related: Related) -> list[Conflict]:
    """Two unrelated actors claimed or blamed, or an actor that is named and also denies it."""
    named: dict[str, list[Responsibility]] = {}
    for p in perps:
        named.setdefault(p.entity_id or name_key(p.name), []).append(p)
    firm = [k for k, ps in named.items() if any(p.status in ("claimed", "attributed") for p in ps)]
    distinct = [k for i, k in enumerate(firm) if not any(k == o or related(k, o) or related(o, k) for o in firm[:i])]
    denied = [
        k
        for k, ps in named.items()
        if "denied" in {p.status for p in ps} and {p.status for p in ps} & {"claimed", "attributed", "suspected"}
    ]
    if len(distinct) < 2 and not denied:
        return []
    values = tuple(
        _supported(
            p.name,
            f"{p.name} ({p.status}{': ' + ', '.join(p.sources) if p.sources else ''})",
            p.articles,
            p.source_groups,
            p.citations,
            p.status,
            p.entity_id,
        )
        for p in perps
    )
    note = (
        "competing claims or attributions of responsibility"
        if len(distinct) >= 2
        else "responsibility claimed or attributed, and denied"
    )
    return [Conflict("responsibility", subject, values, note)]


def _supported(
    value: str, display: str, articles: int, groups: int, citations, qualifier: str = "", object_id: str | None = None
) -> SupportedValue:
    return SupportedValue(value, display, articles, groups, tuple(citations), qualifier, object_id)


def _toll_conflicts(toll: Toll | None, subject: str, role: str) -> list[Conflict]:
    """A downward revision (the latest figure below an earlier one), and incompatible figures given
    on the same day by independent sources: one conflict each, listing the figures involved."""
    if toll is None or len(toll.series) < 2:
        return []
    out = []
    points = list(toll.series)
    latest = points[-1]
    # Only a bounded latest figure can revise down: "more than 500" after "512" is no revision.
    ceiling = latest.figure.high
    higher = [
        p
        for p in points[:-1]
        if ceiling is not None
        and p.figure.low > ceiling
        and p.figure.qualifier != "vague"
        and not figures_compatible(p.figure, latest.figure)
    ]
    if higher:
        top = max(higher, key=lambda p: p.figure.low)
        note = f"{role} figure revised down from {top.figure.text} to {latest.figure.text}"
        out.append(Conflict(f"toll_{role}", subject, (_point(top), _point(latest)), note))
    for day in sorted({(p.published or "")[:10] for p in points if p.published}):
        same = [p for p in points if (p.published or "")[:10] == day]
        clash = [
            p
            for p in same
            if any(
                q.citation.group_id != p.citation.group_id and not figures_compatible(p.figure, q.figure) for q in same
            )
        ]
        if len(clash) >= 2:
            unique = list({(p.figure.text, p.citation.group_id): p for p in clash}.values())
            note = f"incompatible {role} figures reported on {day} by independent sources"
            out.append(Conflict(f"toll_{role}", subject, tuple(_point(p) for p in unique), note))
    return out


def _point(p: TollPoint) -> SupportedValue:
    return SupportedValue(str(p.figure.value), p.figure.text, 1, 1, (p.citation,), p.figure.qualifier)


# --- facts -------------------------------------------------------------------------------------


def profile_facts(facts: Sequence[Fact], *, groups: Groups, cite: Cite) -> list[ProfileFact]:
    """Facts grouped by attribute and normalised value, each value with its support; best supported first."""
    citations = cite((f.article_id, f.start, f.end) for f in facts)
    group_of = groups({f.article_id for f in facts})
    by_attr: dict[str, dict[str, list[Fact]]] = {}
    for f in facts:
        by_attr.setdefault(f.attribute, {}).setdefault(_fact_key(f), []).append(f)
    out = []
    for attribute, values in by_attr.items():
        supported = [_fact_value(items, citations, group_of) for items in values.values()]
        supported.sort(key=lambda v: (-v.source_groups, -v.articles, v.display))
        out.append(ProfileFact(attribute, tuple(supported)))
    order = [
        "founded",
        "leader",
        "based_in",
        "active_in",
        "strength",
        "affiliate_of",
        "linked_to",
        "rival_of",
        "designated_by",
        "bounty",
    ]
    return sorted(out, key=lambda p: order.index(p.attribute) if p.attribute in order else len(order))


def _fact_key(f: Fact) -> str:
    if f.attribute == "strength" and f.high is not None:
        return f"{f.value}-{f.high}"
    if f.attribute == "bounty":
        return f"{f.value}|{name_key(f.on)}"
    return f.value


def _fact_value(items: list[Fact], citations: dict, group_of: dict[str, str]) -> SupportedValue:
    first = items[0]
    articles = {f.article_id for f in items}
    display = Counter(f.display for f in items).most_common(1)[0][0]
    if first.attribute == "bounty" and first.on:
        display = f"{display} for {first.on}"
    groups = len({group_of.get(a, a) for a in articles})
    return SupportedValue(
        _fact_key(first),
        display,
        len(articles),
        groups,
        tuple(dict.fromkeys(citations[(f.article_id, f.start, f.end)] for f in items)),
        first.qualifier,
        first.object_id,
        fact_confidence(first.attribute, groups),
    )


def fact_conflicts(profile: Sequence[ProfileFact], subject: str) -> list[Conflict]:
    """Differing values of single-valued attributes (founding year, strength, leader)."""
    out = []
    for p in profile:
        if p.attribute not in SINGLE_VALUED or len(p.values) < 2:
            continue
        if p.attribute == "strength" and _strengths_compatible(p.values):
            continue
        note = {
            "founded": "sources give different founding dates",
            "strength": "sources give incompatible strength estimates (they may be from different years)",
            "leader": "sources name different leaders (possibly at different times)",
        }[p.attribute]
        out.append(Conflict(p.attribute, subject, p.values, note))
    return out


def _strengths_compatible(values: Sequence[SupportedValue]) -> bool:
    figures = []
    for v in values:
        low, _, high = v.value.partition("-")
        lo = int(low)
        hi = int(high) if high else (None if v.qualifier in ("at_least", "more_than") else lo)
        figures.append(Figure(v.display, 0, 0, lo, v.qualifier or "exact", lo, hi))
    return all(figures_compatible(a, b) for i, a in enumerate(figures) for b in figures[i + 1 :])
