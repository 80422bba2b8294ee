"""Exports: the knowledge base in the formats analysts' tools read (docs/export.md).

* ``stix``: one STIX 2.1 bundle (JSON) for OpenCTI, MISP and TAXII tools (``stix.py``);
* ``graphml`` / ``gexf``: the entity co-mention graph or the lineage graph for Gephi, yEd (``graph.py``);
* ``csv``: a folder of tables (entities, aliases, articles) for spreadsheets (``tables.py``);
* ``jsonl``: the same records as JSON Lines, one object per line with a ``record`` field;
* ``misp``: one MISP event (JSON) that PyMISP and MISP's import read (``misp.py``);
* ``geojson``: an RFC 7946 FeatureCollection of the located places and events (``geo.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..settings import Settings
from ..store import Store

__all__ = ["export", "FORMATS", "GRAPHS"]

FORMATS = ("stix", "graphml", "gexf", "csv", "jsonl", "misp", "geojson")
GRAPHS = ("entities", "lineage")


def export(store: Store, format: str, output: str | Path, *, settings: Settings, graph: str = "entities") -> list[Path]:
    """Write the knowledge base to ``output`` in ``format``; returns the files written."""
    window = settings.event_window_days
    output = Path(output)
    if format not in FORMATS:
        raise InputError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    if format == "stix":
        from .stix import stix_bundle

        # stix2's own pretty-printer sorts properties in quadratic time (18 s for 4,000 objects).
        return [
            _write(
                output,
                json.dumps(
                    json.loads(
                        stix_bundle(store, window_days=window, min_confidence=settings.min_confidence).serialize()
                    ),
                    indent=1,
                    ensure_ascii=False,
                ),
            )
        ]
    if format in ("graphml", "gexf"):
        from .graph import build_graph, write_graph

        return [write_graph(build_graph(store, graph), output, format)]
    if format == "misp":
        from .misp import misp_event

        return [
            _write(
                output,
                json.dumps(
                    misp_event(store, window_days=window, min_confidence=settings.min_confidence),
                    indent=1,
                    ensure_ascii=False,
                ),
            )
        ]
    if format == "geojson":
        from .geo import feature_collection

        return [_write(output, json.dumps(feature_collection(store, window_days=window), indent=1, ensure_ascii=False))]
    from .tables import write_csv, write_jsonl

    if format == "csv":
        return write_csv(store, output, window_days=window)
    return [write_jsonl(store, output, window_days=window)]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
