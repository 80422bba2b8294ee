"""The application factory: :func:`create_app` wires stores, templates, guards, routes and errors.

Routes live in ``routes/`` (HTML pages and the JSON API); each parses its request, calls one public
``khabar`` function and renders the result. Errors are mapped here, once: a
:class:`~khabar.errors.KhabarError` becomes its ``http_status`` with a JSON error under ``/api/``
and an error page elsewhere.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException

from .. import __version__
from ..cache import set_cache_dir
from ..errors import KhabarError, StoreError
from ..render.events import qualifier_label
from ..render.relations import group_origin
from ..settings import Settings, load_settings
from ..store import SharedReads, Store, database_exists, is_database_url, open_store
from .jobs import JobRunner
from .routes import api, edits, exports, pages, sources
from .security import BodyLimit, HostGuard, OriginGuard, SecurityHeaders, TokenGuard
from .urls import article_url, entity_url, url_with, web_url

__all__ = ["create_app", "Stores", "data_dir", "article_url", "entity_url", "web_url"]

STATIC = Path(__file__).resolve().parent / "static"


class Stores:
    """One read connection per worker thread (SQLite connections must not be shared mid-query)."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        # Whole-KB values (merged events) built once for every thread until the next commit.
        self.shared: SharedReads | None = None
        if not is_database_url(db):
            try:
                self.shared = SharedReads(db)
            except sqlite3.Error:  # cannot open a second connection: every request builds its own
                pass

    def get(self) -> Store:
        """This thread's store, opened on first use."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = open_store(self.db, create=False)
            store.shared = self.shared
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        """Close every connection opened so far."""
        with self._lock:
            for store in self._all:
                store.close()
            self._all.clear()
            if self.shared is not None:
                self.shared.close()


def data_dir(db: Path, settings: Settings) -> Path:
    """The folder uploads go to: the ``data_dir`` setting, or ``uploads/`` beside the database."""
    if settings.data_dir or is_database_url(db):  # a server database: uploads/ in the working directory
        return Path(settings.data_dir or "uploads").resolve()
    return db.resolve().parent / "uploads"


def create_app(
    db: str | Path, *, token: str | None = None, settings: Settings | None = None, loopback_only: bool | None = None
) -> FastAPI:
    """The khabar web app over the database at ``db`` (which must exist).

    ``token``: when given, every request must carry it (see ``security.py``). ``loopback_only``:
    answer only requests addressed to localhost / 127.0.0.1 (default: when there is no token).
    """
    db = Path(db)
    if not database_exists(db):
        raise StoreError(f"no database at {db}; run `khabar ingest PATH --db {db}` first")
    settings = settings or load_settings()
    open_store(db, create=False).close()  # migrate now, not on the first page
    app = FastAPI(
        title="khabar",
        version=__version__,
        lifespan=_lifespan,
        docs_url=None,
        redoc_url=None,
        description="Evidence-linked knowledge base from news: search, dossiers, articles, exports. "
        "Every citation's start/end are character offsets into the article's clean text.",
    )
    app.state.db, app.state.settings = db, settings
    set_cache_dir(settings.cache_dir)
    app.state.stores = Stores(db)
    app.state.data_dir = data_dir(db, settings)
    app.state.jobs = JobRunner(db, settings)
    app.state.templates = _templates()
    _routes(app)
    _openapi_schemas(app)
    _errors(app)
    _guards(
        app,
        token=token,
        limit=settings.upload_max_bytes,
        loopback_only=(token is None) if loopback_only is None else loopback_only,
    )
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI):
    yield
    app.state.jobs.shutdown()
    app.state.stores.close()


def _routes(app: FastAPI) -> None:
    app.include_router(api.router)
    app.include_router(edits.router)
    app.include_router(exports.router)
    app.include_router(pages.router)
    app.include_router(sources.router)  # feeds and fetches, read-only
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def _openapi_schemas(app: FastAPI) -> None:
    """/openapi.json embeds khabar/schemas/*.json as components, which the /api/ routes reference."""
    from fastapi.openapi.utils import get_openapi

    from ..schemas import openapi_components

    def openapi() -> dict:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            doc.setdefault("components", {}).setdefault("schemas", {}).update(openapi_components())
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema


def _guards(app: FastAPI, *, token: str | None, limit: int, loopback_only: bool) -> None:
    # Starlette runs the middleware added last first: headers, then host, token, origin, body size.
    app.add_middleware(BodyLimit, limit=limit)
    app.add_middleware(OriginGuard)
    if token:
        app.add_middleware(TokenGuard, token=token)
    if loopback_only:
        app.add_middleware(HostGuard)
    app.add_middleware(SecurityHeaders)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(KhabarError)
    async def khabar_error(request: Request, exc: KhabarError):
        return _error(request, exc.http_status, exc.code, exc.message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return _error(request, exc.status_code, "http", str(exc.detail))


def _error(request: Request, status: int, code: str, message: str):
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    page = request.app.state.templates.get_template("error.html")
    return HTMLResponse(page.render(status=status, code=code, message=message), status_code=status)


def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("khabar.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        entity_url=entity_url,
        article_url=article_url,
        version=__version__,
        url_with=url_with,
        group_origin=group_origin,
    )
    env.filters["date"] = lambda value: (value or "undated")[:10]
    env.filters["web_url"] = web_url
    env.filters["qualifier_label"] = qualifier_label
    return env
