"""The JSON API under ``/api/``: the library's typed values as JSON (schemas in ``/openapi.json``)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

import khabar

from ...models import ArticlePage, ArticleSummary, EntitySummary, Findings, Overview
from ...schemas import component_ref
from ..jobs import Job
from . import start_ingest, store_of


def documented(name: str) -> dict:
    """OpenAPI ``responses`` naming the JSON Schema (khabar/schemas) of a route's answer."""
    return {200: {"description": f"a {name} document", "content": {"application/json": {"schema": component_ref(name)}}}}


def as_document(value, **kw) -> JSONResponse:
    """A result as its schema'd JSON document: the same one the CLI prints (khabar.to_json)."""
    return JSONResponse(khabar.to_json(value, **kw))

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


@router.get("/entities/{entity_id}", responses=documented("khabar.dossier/2"),
            summary="The dossier of one entity, by id (khabar.dossier/2)")
def entity(request: Request, entity_id: str):
    return as_document(khabar.who(entity_id, db=store_of(request), settings=request.app.state.settings))


@router.get("/who", responses=documented("khabar.dossier/2"),
            summary="Who is NAME? (name or alias; the best match; khabar.dossier/2)")
def who(request: Request, name: str = Query(..., min_length=1, max_length=200)):
    return as_document(khabar.who(name, db=store_of(request), settings=request.app.state.settings))


@router.get("/events", responses=documented("khabar.events/2"),
            summary="Attack events across articles, newest first (khabar.events/2)")
def events(request: Request, actor: str | None = Query(None, description="perpetrator name or alias"),
           place: str | None = Query(None, description="place, or a region or country containing it"),
           since: str | None = Query(None, description="ISO date or year")):
    found = khabar.events(db=store_of(request), actor=actor, place=place, since=since)
    return as_document(found, schema="khabar.events/2")


@router.get("/events/{event_id}", responses=documented("khabar.event/2"),
            summary="One event: reports, tolls over time, support (khabar.event/2)")
def event(request: Request, event_id: str):
    return as_document(khabar.event(event_id, db=store_of(request)))


@router.get("/sentences", responses=documented("khabar.search/2"),
            summary="Full-text search over sentences: phrases, OR, NOT, prefix* (khabar.search/2)")
def sentences(request: Request, q: str = Query(..., min_length=1, max_length=200), limit: int = Query(20, ge=1, le=500)):
    return as_document(khabar.search(q, db=store_of(request), limit=limit), query=q, schema="khabar.search/2")


@router.get("/lineage", responses=documented("khabar.lineage/2"),
            summary="Independent source groups: copies and rewrites, with known directions (khabar.lineage/2)")
def lineage(request: Request):
    return as_document(khabar.lineage(db=store_of(request)))


@router.get("/edits", responses=documented("khabar.edits/2"), summary="Analyst edits (khabar.edits/2)")
def edits(request: Request):
    return as_document(khabar.edits(db=store_of(request)), schema="khabar.edits/2")


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
