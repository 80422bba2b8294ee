"""Rendering: typed results -> terminal text, Markdown, JSON, CSV and pictures (``timeline``, ``maps``,
``lineage_plot``, ``graphs``).

Renderers are pure functions from a result value to a string. JSON documents carry a ``schema``
field naming their JSON Schema in ``khabar/schemas/`` (README, "JSON schemas").
"""

from __future__ import annotations

from .edits import conflicts_text, edit_text, edits_json, edits_text
from .events import events_csv, events_json, events_text
from .jsonout import dossier_json, search_json, to_jsonable
from .markdown import dossier_markdown
from .text import article_text, dossier_text, ingest_summary, search_text

__all__ = [
    "edit_text",
    "edits_text",
    "edits_json",
    "conflicts_text",
    "to_jsonable",
    "dossier_json",
    "search_json",
    "dossier_markdown",
    "dossier_text",
    "search_text",
    "article_text",
    "ingest_summary",
    "events_text",
    "events_json",
    "events_csv",
]
