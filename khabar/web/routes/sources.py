"""The read-only Sources page: watched feeds with their state, and the latest fetches (docs/sources.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request

import khabar

from . import store_of
from .pages import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/sources")
def sources(request: Request):
    return render(request, "sources.html", view=khabar.live_sources(db=store_of(request), limit=100))
