"""The JSON API under ``/api/``: the library's typed values as JSON (schemas in ``/openapi.json``)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

import khabar

from ...browse import EVENT_FACETS
from ...models import ArticlePage, Findings, Overview
from ...schemas import component_ref
from ...store.lists import ARTICLE_FACETS, ENTITY_FACETS
from ..jobs import Job
from . import start_ingest, store_of


def documented(name: str) -> dict:
    """OpenAPI ``responses`` naming the JSON Schema (khabar/schemas) of a route's answer."""
    return {
        200: {"description": f"a {name} document", "content": {"application/json": {"schema": component_ref(name)}}}
    }


def as_document(value, **kw) -> JSONResponse:
    """A result as its schema'd JSON document: the same one the CLI prints (khabar.to_json)."""
    return JSONResponse(khabar.to_json(value, **kw))


__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])

Limit = Query(50, ge=1, le=500, description="Maximum number of items.")
Format = Query("json", pattern="^(json|csv)$", description="json (the schema'd document) or csv (the items)")


def facet_filters(request: Request, keys) -> dict[str, str]:
    """The facet filters of a list request: only known keys, values cut to 200 characters."""
    return {k: request.query_params[k][:200] for k in keys if request.query_params.get(k)}


def page_csv(page, kind: str, request: Request | None = None) -> Response:
    """The items of a list page as CSV (the events columns are those of `khabar events --format csv`)."""
    from ...render.csvout import page_csv as to_csv

    places = khabar.event_places(list(page.items), db=store_of(request)) if request is not None else None
    return Response(
        to_csv(page, places),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )


Offset = Query(0, ge=0, description="Items to skip (for paging).")


@router.get("/overview", response_model=Overview, summary="Counts of articles, outlets and entities")
def overview(request: Request):
    return khabar.overview(db=store_of(request))


@router.get("/search", response_model=Findings, summary="Entities, articles and sentences matching q")
def search(request: Request, q: str = Query(..., min_length=1, max_length=200), limit: int = Limit):
    return khabar.find(q, db=store_of(request), limit=limit)


@router.get(
    "/entities",
    responses=documented("khabar.entities/2"),
    summary="Entities: filters class, type, country, registry (yes/no), q (name); sort; paging; facet counts; "
    "format=csv",
)
def entities(
    request: Request,
    q: str = Query("", max_length=200),
    sort: str = Query("-articles", max_length=20),
    limit: int = Limit,
    offset: int = Offset,
    format: str = Format,
):
    filters = facet_filters(request, ENTITY_FACETS)
    if request.query_params.get("cls"):  # the name of version 1
        filters.setdefault("class", request.query_params["cls"][:20])
    page = khabar.list_entities(db=store_of(request), filters=filters, q=q, sort=sort, limit=limit, offset=offset)
    return page_csv(page, "entities") if format == "csv" else as_document(page)


@router.get(
    "/entities/{entity_id}",
    responses=documented("khabar.dossier/2"),
    summary="The dossier of one entity, by id (khabar.dossier/2)",
)
def entity(request: Request, entity_id: str):
    return as_document(khabar.who(entity_id, db=store_of(request), settings=request.app.state.settings))


@router.get(
    "/who",
    responses=documented("khabar.dossier/2"),
    summary="Who is NAME? (name or alias; the best match; khabar.dossier/2)",
)
def who(request: Request, name: str = Query(..., min_length=1, max_length=200)):
    return as_document(khabar.who(name, db=store_of(request), settings=request.app.state.settings))


@router.get(
    "/events",
    responses=documented("khabar.events/2"),
    summary="Attack events across articles (khabar.events/2): actor, place, since; facet filters type, year, "
    "country, status, actor; sort; paging; format=csv",
)
def events(
    request: Request,
    actor: str | None = Query(None, description="perpetrator name or alias"),
    place: str | None = Query(None, description="place, or a region or country containing it"),
    since: str | None = Query(None, description="ISO date or year"),
    sort: str = Query("-date", max_length=20),
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Offset,
    format: str = Format,
):
    facets = {k: v for k, v in facet_filters(request, EVENT_FACETS).items() if k != "actor"}
    if request.query_params.get("perpetrator"):
        facets["actor"] = request.query_params["perpetrator"]
    page = khabar.list_events(
        db=store_of(request),
        actor=actor,
        place=place,
        since=since,
        filters=facets,
        sort=sort,
        limit=limit,
        offset=offset,
        settings=request.app.state.settings,
    )
    return page_csv(page, "events", request) if format == "csv" else as_document(page)


@router.get(
    "/events/{event_id}",
    responses=documented("khabar.event/2"),
    summary="One event: reports, tolls over time, support (khabar.event/2)",
)
def event(request: Request, event_id: str):
    return as_document(khabar.event(event_id, db=store_of(request), settings=request.app.state.settings))


@router.get(
    "/sentences",
    responses=documented("khabar.search/2"),
    summary="Full-text search over sentences: phrases, OR, NOT, prefix* (khabar.search/2)",
)
def sentences(
    request: Request, q: str = Query(..., min_length=1, max_length=200), limit: int = Query(20, ge=1, le=500)
):
    return as_document(khabar.search(q, db=store_of(request), limit=limit), query=q, schema="khabar.search/2")


@router.get(
    "/lineage",
    responses=documented("khabar.lineage/2"),
    summary="Independent source groups: copies and rewrites, with known directions (khabar.lineage/2)",
)
def lineage(request: Request):
    return as_document(khabar.lineage(db=store_of(request)))


@router.get("/edits", responses=documented("khabar.edits/2"), summary="Analyst edits (khabar.edits/2)")
def edits(request: Request):
    return as_document(khabar.edits(db=store_of(request)), schema="khabar.edits/2")


@router.get(
    "/articles",
    responses=documented("khabar.articles/2"),
    summary="Articles: filters outlet, year, language, q (title or outlet); sort; paging; facet counts; format=csv",
)
def articles(
    request: Request,
    q: str = Query("", max_length=200),
    sort: str = Query("-published", max_length=20),
    limit: int = Limit,
    offset: int = Offset,
    format: str = Format,
):
    page = khabar.list_articles(
        db=store_of(request), filters=facet_filters(request, ARTICLE_FACETS), q=q, sort=sort, limit=limit, offset=offset
    )
    return page_csv(page, "articles") if format == "csv" else as_document(page)


@router.get(
    "/articles/{article_id}",
    response_model=ArticlePage,
    summary="An article: clean text, paragraphs, dropped text, sentences, marked mentions",
)
def article(request: Request, article_id: str):
    return khabar.article_page(article_id, db=store_of(request))


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "outlet": {"type": "string", "description": "outlet for articles whose files do not say"},
                        "published": {"type": "string", "description": "ISO date for articles whose files do not say"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/ingest",
    response_model=Job,
    status_code=202,
    openapi_extra=_UPLOAD_BODY,
    summary="Upload files (multipart/form-data, field 'files'; optional 'outlet', 'published')",
)
async def ingest(request: Request):
    return await start_ingest(request)


@router.get("/jobs/{job_id}", response_model=Job, summary="An ingest job: state, progress, report")
def job(request: Request, job_id: str):
    return request.app.state.jobs.get(job_id)
