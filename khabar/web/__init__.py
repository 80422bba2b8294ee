"""The web app: a thin FastAPI skin over the ``khabar`` library (see docs/web.md).

:func:`create_app` builds the application; :func:`serve` runs it with uvicorn, bound to
127.0.0.1 unless told otherwise, and refuses any other bind address without a token.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..settings import Settings
from .app import create_app
from .security import is_loopback

__all__ = ["create_app", "serve", "check_bind"]


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token (anyone on the network could read the data)."""
    if not is_loopback(host) and not token:
        raise InputError(
            f"binding to {host} exposes the knowledge base to the network; give --token SECRET "
            "(clients then send 'Authorization: Bearer SECRET') or bind to 127.0.0.1"
        )


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    settings: Settings | None = None,
) -> None:
    """Run the web app until interrupted."""
    import uvicorn

    check_bind(host, token)
    app = create_app(db, token=token, settings=settings)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
