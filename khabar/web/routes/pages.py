"""HTML pages: server-rendered, no scripts. Each parses the request, calls khabar, renders a template."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import khabar

from ...browse import EVENT_FACETS
from ...render.graphs import GraphEdge, GraphNode, layered_picture
from ...render.maps import MapPicture, MapPoint, map_picture
from ...render.marks import mark_paragraphs
from ...store.lists import ARTICLE_FACETS, ENTITY_FACETS
from ..csrf import csrf_token, set_csrf_cookie
from ..urls import article_url
from . import start_ingest, store_of
from .api import facet_filters

__all__ = ["router", "render"]

router = APIRouter(include_in_schema=False)
PAGE = 50


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    """Render a page template with the request, the app's settings and the form token in its context."""
    page = request.app.state.templates.get_template(template)
    html = page.render(request=request, settings=request.app.state.settings, csrf=csrf_token(request), **context)
    response = HTMLResponse(html, status_code=status)
    set_csrf_cookie(request, response)
    return response


@router.get("/")
def home(request: Request):
    store = store_of(request)
    return render(
        request,
        "home.html",
        overview=khabar.overview(db=store),
        groups=khabar.entities(db=store, cls="GROUP", limit=15),
        people=khabar.entities(db=store, cls="PERSON", limit=15),
        articles=khabar.articles(db=store, limit=10),
    )


@router.get("/search")
def search(request: Request, q: str = Query("", max_length=200)):
    findings = khabar.find(q, db=store_of(request), limit=30) if q.strip() else None
    return render(request, "search.html", q=q, findings=findings)


@router.get("/who")
def who(request: Request, name: str = Query(..., min_length=1, max_length=200)):
    dossier = khabar.who(name, db=store_of(request), settings=request.app.state.settings)
    return RedirectResponse(f"/entity/{dossier.entity.id}", status_code=303)


def _offset(page: int) -> int:
    return (page - 1) * PAGE


@router.get("/entities")
def entities(
    request: Request,
    cls: str | None = Query(None, pattern="^(PERSON|GROUP|PLACE)$"),
    q: str = Query("", max_length=200),
    sort: str = Query("-articles", max_length=20),
    page: int = Query(1, ge=1, le=100000),
):
    filters = facet_filters(request, ENTITY_FACETS)
    if cls:
        filters.setdefault("class", cls)
    found = khabar.list_entities(
        db=store_of(request), filters=filters, q=q, sort=sort, limit=PAGE, offset=_offset(page)
    )
    return render(request, "entities.html", page=found, cls=filters.get("class"), q=q)


@router.get("/edits")
def edits(request: Request):
    items = list(reversed(khabar.edits(db=store_of(request))))
    return render(request, "edits.html", edits=items)


def _notes(store, subject_ids: set[str]) -> list:
    """Notes in force on these subjects (an entity, its facts ``ID#attribute``, events), newest first."""
    return [
        e
        for e in reversed(khabar.edits(db=store))
        if e.action == "note" and not e.undone_at and e.entity_id.partition("#")[0] in subject_ids
    ]


def _edit_done(request: Request, store):
    wanted = request.query_params.get("edit", "")
    return next((e for e in khabar.edits(db=store) if str(e.id) == wanted), None) if wanted.isdigit() else None


@router.get("/entity/{entity_id}")
def entity(request: Request, entity_id: str):
    store = store_of(request)
    dossier = khabar.who(entity_id, db=store, settings=request.app.state.settings)
    picture = event_map(store, list(dossier.attacks)) if dossier.attacks else None
    place = dossier.place
    spot = (
        map_picture([MapPoint(place.longitude, place.latitude, place.name, kind="place")])
        if place is not None and place.latitude is not None and place.longitude is not None
        else None
    )
    return render(
        request,
        "entity.html",
        d=dossier,
        picture=picture,
        spot=spot,
        notes=_notes(store, {dossier.entity.id}),
        done=_edit_done(request, store),
    )


@router.get("/entity/{entity_id}/dossier.html")
def dossier_file(request: Request, entity_id: str):
    """The dossier as one self-contained HTML file (styles and pictures inline, links absolute) to save."""
    import base64

    store = store_of(request)
    dossier = khabar.who(entity_id, db=store, settings=request.app.state.settings)
    timeline_uri = None
    if dossier.attacks:
        with tempfile.TemporaryDirectory(prefix="khabar-dossier-") as tmp:
            svg = khabar.timeline(dossier.entity.id, Path(tmp) / "t.svg", db=store).read_bytes()
        timeline_uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    picture = event_map(store, list(dossier.attacks)) if dossier.attacks else None
    css = (Path(__file__).resolve().parent.parent / "static" / "khabar.css").read_text("utf-8")
    response = render(
        request,
        "entity.html",
        d=dossier,
        picture=picture,
        spot=None,
        notes=[],
        done=None,
        standalone=True,
        inline_css=css,
        timeline_uri=timeline_uri,
        site=str(request.base_url).rstrip("/"),
    )
    name = "".join(ch if ch.isalnum() else "-" for ch in dossier.entity.name).strip("-")[:60] or "dossier"
    response.headers["Content-Disposition"] = f'attachment; filename="khabar-{name}.html"'
    return response


@router.get("/entity/{entity_id}/timeline.svg")
def timeline(request: Request, entity_id: str):
    with tempfile.TemporaryDirectory(prefix="khabar-timeline-") as tmp:
        path = khabar.timeline(
            entity_id, Path(tmp) / "timeline.svg", db=store_of(request), settings=request.app.state.settings
        )
        return Response(path.read_bytes(), media_type="image/svg+xml")


@router.get("/events")
def events(
    request: Request,
    actor: str | None = Query(None, max_length=200),
    place: str | None = Query(None, max_length=200),
    since: str | None = Query(None, max_length=10),
    sort: str = Query("-date", max_length=20),
    page: int = Query(1, ge=1, le=100000),
):
    store = store_of(request)
    facets = {k: v for k, v in facet_filters(request, EVENT_FACETS).items() if k != "actor"}
    if request.query_params.get("perpetrator"):
        facets["actor"] = request.query_params["perpetrator"][:200]
    found = khabar.list_events(
        db=store,
        actor=actor or None,
        place=place or None,
        since=since or None,
        filters=facets,
        sort=sort,
        limit=PAGE,
        offset=_offset(page),
        settings=request.app.state.settings,
    )
    picture = event_map(store, list(found.items))
    return render(
        request,
        "events.html",
        page=found,
        picture=picture,
        located=len(picture.marks),
        actor=actor,
        place=place,
        since=since,
    )


@router.get("/event/{event_id}")
def event(request: Request, event_id: str):
    store = store_of(request)
    found = khabar.event(event_id, db=store, settings=request.app.state.settings)
    places = khabar.event_places([found], db=store)
    picture = event_map(store, [found]) if places else None
    return render(
        request,
        "event.html",
        e=found,
        picture=picture,
        place=places.get(found.id),
        notes=_notes(store, {found.id}),
        done=_edit_done(request, store),
    )


def event_map(store, events: list) -> MapPicture:
    """A map of the events whose places have coordinates, each dot linking to its event."""
    places = khabar.event_places(events, db=store)
    points = [
        MapPoint(p.longitude, p.latitude, f"{_event_label(e)} ({e.articles} report(s))", f"/event/{e.id}", e.articles)
        for e in events
        if (p := places.get(e.id)) and p.latitude is not None and p.longitude is not None
    ]
    return map_picture(points)


def _event_label(e) -> str:
    date = e.date.value if e.date and e.date.value else "undated"
    return f"{date}: {e.type.replace('_', ' ')}" + (f" in {e.place}" if e.place else "")


@router.get("/articles")
def articles(
    request: Request,
    q: str = Query("", max_length=200),
    sort: str = Query("-published", max_length=20),
    page: int = Query(1, ge=1, le=100000),
):
    found = khabar.list_articles(
        db=store_of(request),
        filters=facet_filters(request, ARTICLE_FACETS),
        q=q,
        sort=sort,
        limit=PAGE,
        offset=_offset(page),
    )
    return render(request, "articles.html", page=found, q=q)


@router.get("/article/{article_id}")
def article(
    request: Request, article_id: str, start: int | None = Query(None, ge=0), end: int | None = Query(None, ge=0)
):
    store = store_of(request)
    page = khabar.article_page(article_id, db=store)
    highlight = (start, end) if start is not None and end is not None and end > start else None
    paragraphs = mark_paragraphs(page.article.text, page.article.paragraphs, page.marks, highlight)
    cited = page.article.text[highlight[0] : highlight[1]] if highlight else None
    lineage = khabar.lineage_view(db=store, article=page.article.id)
    return render(
        request,
        "article.html",
        page=page,
        a=page.article,
        paragraphs=paragraphs,
        cited=cited,
        relations=_relations(page.article.id, lineage),
    )


def _relations(article_id: str, lineage) -> list[tuple[str, object]]:
    """This article's copies, rewrites and originals: (how it relates, the other article), originals first."""
    refs = {m.id: m for g in lineage.groups for m in g.members}
    out = []
    for g in lineage.groups:
        for e in g.edges:
            if article_id not in (e.a, e.b):
                continue
            other = e.b if e.a == article_id else e.a
            kind = e.relation.value
            how = (
                f"original of this {kind}"
                if e.origin == other
                else f"{kind} of this article"
                if e.origin
                else f"{kind} (which came first is unknown)"
            )
            out.append((how, refs[other]))
    return sorted(out, key=lambda item: not item[0].startswith("original"))


@router.get("/lineage")
def lineage(
    request: Request,
    entity: str | None = Query(None, max_length=200),
    article: str | None = Query(None, max_length=200),
):
    found = khabar.lineage_view(db=store_of(request), entity=entity or None, article=article or None)
    nodes = [
        GraphNode(
            m.id,
            m.title or m.id,
            f"{m.outlet or 'unknown outlet'} · {(m.published or 'undated')[:10]}",
            article_url(m.id),
            g.id,
            m.published or "",
        )
        for g in found.groups
        for m in g.members
    ]
    edges = [_graph_edge(e) for g in found.groups for e in g.edges]
    titles = {m.id: m.title or m.id for g in found.groups for m in g.members}
    from ...render.relations import group_origin

    origins = {o for g in found.groups if (o := group_origin(g)[0])}
    return render(
        request,
        "lineage.html",
        groups=found.groups,
        total=found.total,
        subject=found.subject,
        picture=layered_picture(nodes, edges),
        titles=titles,
        origins=origins,
    )


def _graph_edge(e) -> GraphEdge:
    kind = getattr(e.relation, "value", str(e.relation))
    if e.origin:
        derived = e.b if e.origin == e.a else e.a
        return GraphEdge(e.origin, derived, kind, e.reason, True)
    return GraphEdge(e.a, e.b, kind, f"{e.reason}; direction unknown: {e.direction_reason}", False)


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
    routes = [
        (method.upper(), path, op.get("summary", ""))
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    ]
    return render(request, "api.html", routes=routes)
