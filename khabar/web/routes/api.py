"""The JSON API under ``/api/``: the library's typed values as JSON (schemas in ``/openapi.json``)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

import khabar

from ...models import ArticlePage, ArticleSummary, Dossier, EntitySummary, Event, Findings, Overview
from ..jobs import Job
from . import start_ingest, store_of

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])

Limit = Query(20, ge=1, le=500, description="Maximum number of items.")
Offset = Query(0, ge=0, description="Items to skip (for paging).")


@router.get("/overview", response_model=Overview, summary="Counts of articles, outlets and entities")
def overview(request: Request):
    return khabar.overview(db=store_of(request))


@router.get("/search", response_model=Findings, summary="Entities, articles and sentences matching q")
def search(request: Request, q: str = Query(..., min_length=1, max_length=200), limit: int = Limit):
    return khabar.find(q, db=store_of(request), limit=limit)


@router.get("/entities", response_model=list[EntitySummary], summary="Entities, most-mentioned first")
def entities(request: Request, cls: str | None = Query(None, pattern="^(PERSON|GROUP|PLACE)$"),
             limit: int = Limit, offset: int = Offset):
    return khabar.entities(db=store_of(request), cls=cls, limit=limit, offset=offset)


@router.get("/entities/{entity_id}", response_model=Dossier, summary="The dossier of one entity, by id")
def entity(request: Request, entity_id: str):
    return khabar.who(entity_id, db=store_of(request), settings=request.app.state.settings)


@router.get("/who", response_model=Dossier, summary="Who is NAME? (name or alias; the best match)")
def who(request: Request, name: str = Query(..., min_length=1, max_length=200)):
    return khabar.who(name, db=store_of(request), settings=request.app.state.settings)


@router.get("/events", response_model=list[Event], summary="Attack events across articles, newest first")
def events(request: Request, actor: str | None = Query(None, description="perpetrator name or alias"),
           place: str | None = Query(None, description="place, or a region or country containing it"),
           since: str | None = Query(None, description="ISO date or year")):
    return khabar.events(db=store_of(request), actor=actor, place=place, since=since, settings=request.app.state.settings)


@router.get("/events/{event_id}", response_model=Event, summary="One event: reports, tolls over time, support")
def event(request: Request, event_id: str):
    return khabar.event(event_id, db=store_of(request), settings=request.app.state.settings)


@router.get("/articles", response_model=list[ArticleSummary], summary="Articles, newest first")
def articles(request: Request, limit: int = Limit, offset: int = Offset):
    return khabar.articles(db=store_of(request), limit=limit, offset=offset)


@router.get("/articles/{article_id}", response_model=ArticlePage,
            summary="An article: clean text, paragraphs, dropped text, sentences, marked mentions")
def article(request: Request, article_id: str):
    return khabar.article_page(article_id, db=store_of(request))


_UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"], "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "outlet": {"type": "string", "description": "outlet for articles whose files do not say"},
        "published": {"type": "string", "description": "ISO date for articles whose files do not say"}}}}}}}


@router.post("/ingest", response_model=Job, status_code=202, openapi_extra=_UPLOAD_BODY,
             summary="Upload files (multipart/form-data, field 'files'; optional 'outlet', 'published')")
async def ingest(request: Request):
    return await start_ingest(request)


@router.get("/jobs/{job_id}", response_model=Job, summary="An ingest job: state, progress, report")
def job(request: Request, job_id: str):
    return request.app.state.jobs.get(job_id)
