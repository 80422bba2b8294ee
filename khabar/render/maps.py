"""Maps as SVG geometry: country outlines and points, projected and framed around the points.

The projection is equirectangular with longitudes scaled by the cosine of the view's middle
latitude (true shapes near that latitude, which is all a regional view of events needs). The
result is plain numbers and path strings; templates turn it into SVG (and escape every label).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .outlines import Country, load_outlines

__all__ = ["MapPoint", "MapMark", "MapPicture", "map_picture"]

_SCALE = 10.0  # SVG units per degree of latitude
_MARGIN = 3.0  # degrees around the points
_MIN_SPAN = 14.0  # degrees: a single point still shows its country and neighbours
_ASPECT = 1.6  # least width / height of a framed map


@dataclass(frozen=True, slots=True)
class MapPoint:
    """Something to put on the map: where, what to call it, where it links, how big."""

    longitude: float
    latitude: float
    label: str
    href: str = ""
    weight: int = 1  # e.g. number of reports; the dot's area grows with it
    kind: str = "event"  # a CSS class: event, place ...


@dataclass(frozen=True, slots=True)
class MapMark:
    """A projected point: centre, radius and what the template needs to label and link it."""

    x: float
    y: float
    r: float
    label: str
    href: str
    kind: str


@dataclass(frozen=True, slots=True)
class MapPicture:
    """A framed map: SVG viewBox, country paths (name, d), graticule paths and the marks."""

    view: tuple[float, float, float, float]
    countries: tuple[tuple[str, str], ...]
    graticule: tuple[str, ...]
    marks: tuple[MapMark, ...]
    outlines: bool  # False when the outlines file was not built

    @property
    def viewbox(self) -> str:
        return " ".join(f"{v:.1f}" for v in self.view)


def map_picture(points: Sequence[MapPoint], *, outlines: Sequence[Country] | None = None) -> MapPicture:
    """Frame ``points`` (the whole world when there are none) and project outlines and points."""
    outlines = load_outlines() if outlines is None else outlines
    west, south, east, north = _frame(points)
    k = math.cos(math.radians((south + north) / 2))
    if (east - west) * k < _ASPECT * (north - south):  # widen tall frames so that maps stay landscape
        half = _ASPECT * (north - south) / k / 2
        mid = (east + west) / 2
        west, east = max(mid - half, -180.0), min(mid + half, 180.0)
    project = lambda lon, lat: (lon * k * _SCALE, -lat * _SCALE)  # noqa: E731
    x0, y0 = project(west, north)
    x1, y1 = project(east, south)
    view = (x0, y0, x1 - x0, y1 - y0)
    r0 = max(view[2], view[3]) * 0.006
    marks = tuple(
        MapMark(*project(p.longitude, p.latitude), r0 * math.sqrt(max(p.weight, 1)), p.label, p.href, p.kind)
        for p in sorted(points, key=lambda p: -p.weight)
    )
    countries = tuple((c.name, _path(c, project)) for c in outlines if _overlaps(c, west, south, east, north))
    return MapPicture(view, countries, _graticule(west, south, east, north, project), marks, bool(outlines))


def _frame(points: Sequence[MapPoint]) -> tuple[float, float, float, float]:
    if not points:
        return -180.0, -60.0, 180.0, 84.0
    lons, lats = [p.longitude for p in points], [p.latitude for p in points]
    west, east = min(lons) - _MARGIN, max(lons) + _MARGIN
    south, north = min(lats) - _MARGIN, max(lats) + _MARGIN
    if east - west < _MIN_SPAN:
        mid = (east + west) / 2
        west, east = mid - _MIN_SPAN / 2, mid + _MIN_SPAN / 2
    if north - south < _MIN_SPAN * 0.6:
        mid = (north + south) / 2
        south, north = mid - _MIN_SPAN * 0.3, mid + _MIN_SPAN * 0.3
    return max(west, -180.0), max(south, -85.0), min(east, 180.0), min(north, 85.0)


def _overlaps(c: Country, west: float, south: float, east: float, north: float) -> bool:
    for ring in c.rings:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        if min(xs) <= east and max(xs) >= west and min(ys) <= north and max(ys) >= south:
            return True
    return False


def _path(c: Country, project) -> str:
    parts = []
    for ring in c.rings:
        coords = [project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + "Z")
    return "".join(parts)


def _graticule(west: float, south: float, east: float, north: float, project) -> tuple[str, ...]:
    step = 5 if max(east - west, north - south) <= 40 else 30
    lines = []
    for lon in range(int(math.ceil(west / step)) * step, int(east) + 1, step):
        (xa, ya), (xb, yb) = project(lon, south), project(lon, north)
        lines.append(f"M{xa:.1f},{ya:.1f}L{xb:.1f},{yb:.1f}")
    for lat in range(int(math.ceil(south / step)) * step, int(north) + 1, step):
        (xa, ya), (xb, yb) = project(west, lat), project(east, lat)
        lines.append(f"M{xa:.1f},{ya:.1f}L{xb:.1f},{yb:.1f}")
    return tuple(lines)
