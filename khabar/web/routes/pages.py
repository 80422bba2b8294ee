"""HTML pages: server-rendered, no scripts. Each parses the request, calls khabar, renders a template."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

import khabar

from ...render.marks import mark_paragraphs
from . import start_ingest, store_of

__all__ = ["router", "render"]

router = APIRouter(include_in_schema=False)
PAGE = 50


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    """Render a page template with the request and the app's settings in its context."""
    page = request.app.state.templates.get_template(template)
    html = page.render(request=request, settings=request.app.state.settings, **context)
    return HTMLResponse(html, status_code=status)


@router.get("/")
def home(request: Request):
    store = store_of(request)
    return render(request, "home.html", overview=khabar.overview(db=store),
                  groups=khabar.entities(db=store, cls="GROUP", limit=15),
                  people=khabar.entities(db=store, cls="PERSON", limit=15),
                  articles=khabar.articles(db=store, limit=10))


@router.get("/search")
def search(request: Request, q: str = Query("", max_length=200)):
    findings = khabar.find(q, db=store_of(request), limit=30) if q.strip() else None
    return render(request, "search.html", q=q, findings=findings)


@router.get("/who")
def who(request: Request, name: str = Query(..., min_length=1, max_length=200)):
    dossier = khabar.who(name, db=store_of(request), settings=request.app.state.settings)
    return RedirectResponse(f"/entity/{dossier.entity.id}", status_code=303)


@router.get("/entities")
def entities(request: Request, cls: str | None = Query(None, pattern="^(PERSON|GROUP|PLACE)$"),
             page: int = Query(1, ge=1)):
    items = khabar.entities(db=store_of(request), cls=cls, limit=PAGE, offset=(page - 1) * PAGE)
    return render(request, "entities.html", items=items, cls=cls, page=page, more=len(items) == PAGE)


@router.get("/entity/{entity_id}")
def entity(request: Request, entity_id: str):
    dossier = khabar.who(entity_id, db=store_of(request), settings=request.app.state.settings)
    return render(request, "entity.html", d=dossier)


@router.get("/articles")
def articles(request: Request, page: int = Query(1, ge=1)):
    items = khabar.articles(db=store_of(request), limit=PAGE, offset=(page - 1) * PAGE)
    return render(request, "articles.html", items=items, page=page, more=len(items) == PAGE)


@router.get("/article/{article_id}")
def article(request: Request, article_id: str, start: int | None = Query(None, ge=0),
            end: int | None = Query(None, ge=0)):
    page = khabar.article_page(article_id, db=store_of(request))
    highlight = (start, end) if start is not None and end is not None and end > start else None
    paragraphs = mark_paragraphs(page.article.text, page.article.paragraphs, page.marks, highlight)
    cited = page.article.text[highlight[0]:highlight[1]] if highlight else None
    return render(request, "article.html", page=page, a=page.article, paragraphs=paragraphs, cited=cited)


@router.get("/ingest")
def ingest_form(request: Request):
    return render(request, "ingest.html")


@router.post("/ingest")
async def ingest(request: Request):
    job = await start_ingest(request)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
def job(request: Request, job_id: str):
    return render(request, "job.html", job=request.app.state.jobs.get(job_id))


@router.get("/api")
def api_index(request: Request):
    schema = request.app.openapi()
    routes = [(method.upper(), path, op.get("summary", "")) for path, ops in schema["paths"].items()
              for method, op in ops.items()]
    return render(request, "api.html", routes=routes)
