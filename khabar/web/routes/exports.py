"""File downloads: the knowledge base as STIX 2.1, GraphML, GEXF, CSV or JSON Lines."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(tags=["export"])
