"""Rendering: typed results -> terminal text, Markdown, JSON (and pictures, in ``pictures.py``).

Renderers are pure functions from a result value to a string. JSON documents carry a ``schema``
field naming their documented schema (docs/schemas.md).
"""

from __future__ import annotations

from .jsonout import dossier_json, search_json, to_jsonable
from .markdown import dossier_markdown
from .text import article_text, dossier_text, ingest_summary, search_text

__all__ = [
    "to_jsonable", "dossier_json", "search_json", "dossier_markdown", "dossier_text", "search_text",
    "article_text", "ingest_summary",
]
