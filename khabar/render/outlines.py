"""Country outlines for maps, drawn offline (no tile server, nothing fetched at run time).

The outlines are Natural Earth's 1:110m countries (public domain), as shipped inside the
``geopandas`` 0.14 wheel on PyPI (``datasets/naturalearth_lowres``). ``make setup`` runs
``python -m khabar.render.outlines``, which downloads that wheel with pip (without installing it),
reads the shapefile straight from the zip and writes a small JSON file of rings rounded to 0.01
degrees into ``khabar/data/outlines/`` (ignored by git). Without that file, maps still draw their
points on a graticule and say that the outlines are missing.
"""

from __future__ import annotations

import argparse
import json
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["Country", "load_outlines", "read_shapefile", "build", "OUTLINES_FILE"]

OUTLINES_FILE = "world-110m.json"
_WHEEL = "geopandas==0.14.4"  # the last release that ships Natural Earth's low-resolution countries
_SHAPES = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"


@dataclass(frozen=True, slots=True)
class Country:
    """A country's outline: rings of (longitude, latitude) points."""

    name: str
    iso3: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@lru_cache(maxsize=1)
def load_outlines() -> tuple[Country, ...]:
    """The packaged outlines; empty when they were not built (``python -m khabar.render.outlines``)."""
    path = resources.files("khabar").joinpath("data", "outlines", OUTLINES_FILE)
    if not path.is_file():
        return ()
    data = json.loads(path.read_text("utf-8"))
    return tuple(
        Country(c["name"], c["iso3"], tuple(tuple((x, y) for x, y in r) for r in c["rings"])) for c in data["countries"]
    )


def read_shapefile(shp: bytes, dbf: bytes) -> list[Country]:
    """Polygons of an ESRI shapefile (type 5) with the ``name`` and ``iso_a3`` fields of its table."""
    records = _dbf_records(dbf)
    out, offset = [], 100
    for record in records:
        length = struct.unpack(">i", shp[offset + 4 : offset + 8])[0] * 2
        content = shp[offset + 8 : offset + 8 + length]
        offset += 8 + length
        out.append(Country(record.get("name", ""), record.get("iso_a3", ""), _polygon(content)))
    return out


def _polygon(content: bytes) -> tuple[tuple[tuple[float, float], ...], ...]:
    shape_type = struct.unpack("<i", content[:4])[0]
    if shape_type != 5:
        return ()
    parts_n, points_n = struct.unpack("<ii", content[36:44])
    parts = list(struct.unpack(f"<{parts_n}i", content[44 : 44 + 4 * parts_n])) + [points_n]
    start = 44 + 4 * parts_n
    points = [struct.unpack("<dd", content[start + 16 * i : start + 16 * i + 16]) for i in range(points_n)]
    return tuple(tuple((round(x, 2), round(y, 2)) for x, y in points[a:b]) for a, b in zip(parts, parts[1:]))


def _dbf_records(dbf: bytes) -> list[dict[str, str]]:
    count, header, size = struct.unpack("<IHH", dbf[4:12])
    fields, at = [], 1  # each record starts with a deletion flag byte
    for i in range(32, header - 1, 32):
        name, width = dbf[i : i + 11].split(b"\0")[0].decode("ascii"), dbf[i + 16]
        fields.append((name, at, width))
        at += width
    rows = []
    for n in range(count):
        raw = dbf[header + n * size : header + (n + 1) * size]
        rows.append({name: raw[a : a + w].decode("utf-8", "replace").strip() for name, a, w in fields})
    return rows


def build(output: Path) -> Path:
    """Download the wheel that ships the outlines (pip, no install) and write ``output``."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                tmp,
                _WHEEL,
            ],
            check=True,
        )
        wheel = next(Path(tmp).glob("geopandas-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            countries = read_shapefile(archive.read(_SHAPES + ".shp"), archive.read(_SHAPES + ".dbf"))
    data = {
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via the geopandas 0.14.4 wheel",
        "countries": [{"name": c.name, "iso3": c.iso3, "rings": c.rings} for c in countries if c.rings],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return output


def main() -> None:
    """Build the outlines file (``make setup`` runs this; a failure leaves maps without outlines)."""
    default = Path(__file__).resolve().parent.parent / "data" / "outlines" / OUTLINES_FILE
    parser = argparse.ArgumentParser(description="Build khabar's offline country outlines.")
    parser.add_argument("--output", type=Path, default=default)
    parser.add_argument("--force", action="store_true", help="rebuild even when the file exists")
    args = parser.parse_args()
    if args.output.exists() and not args.force:
        return
    try:
        path = build(args.output)
    except (subprocess.CalledProcessError, OSError, StopIteration, KeyError) as exc:
        print(f"WARNING: country outlines not built ({exc}); maps will show points without outlines", file=sys.stderr)
        return
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
