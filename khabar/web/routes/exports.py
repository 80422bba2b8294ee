"""File downloads: the knowledge base as STIX 2.1, GraphML, GEXF, CSV (zipped folder), JSON Lines, MISP or GeoJSON."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

import khabar

from ...export import FORMATS, GRAPHS
from . import store_of
from .pages import render

__all__ = ["router"]

router = APIRouter(tags=["export"])

_TYPES = {
    "stix": ("application/stix+json;version=2.1", "khabar.stix.json"),
    "graphml": ("application/graphml+xml", "khabar-{graph}.graphml"),
    "gexf": ("application/gexf+xml", "khabar-{graph}.gexf"),
    "csv": ("application/zip", "khabar-tables.zip"),
    "jsonl": ("application/x-ndjson", "khabar.jsonl"),
    "misp": ("application/json", "khabar.misp.json"),
    "geojson": ("application/geo+json", "khabar.geojson"),
}


@router.get("/export", include_in_schema=False)
def export_page(request: Request):
    return render(request, "export.html", formats=FORMATS, graphs=GRAPHS)


@router.get(
    "/api/export/{format}",
    summary="Download the knowledge base: stix, graphml, gexf, csv (zip), jsonl, misp, geojson",
    response_class=Response,
    responses={200: {"content": {t: {} for t, _ in _TYPES.values()}}},
)
def export(request: Request, format: str, graph: str = Query("entities", description="graphml/gexf: which graph")):
    folder = Path(tempfile.mkdtemp(prefix="khabar-export-"))
    try:
        written = khabar.export(
            format, folder / "out", db=store_of(request), graph=graph, settings=request.app.state.settings
        )
        body = _zip(written) if format == "csv" else written[0].read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    media, name = _TYPES[format]
    return Response(
        body, media_type=media, headers={"content-disposition": f'attachment; filename="{name.format(graph=graph)}"'}
    )


def _zip(files: list[Path]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.name)
    return buffer.getvalue()
