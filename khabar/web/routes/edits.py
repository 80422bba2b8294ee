"""Edits from the pages: merge, split, note and undo, with the CLI's rules and audit trail.

Each form POSTs here with its CSRF token (``web/csrf.py``); off loopback the app also requires the
token of ``khabar serve --token`` on every request. The library functions (:func:`khabar.merge` ...)
apply the same checks as the CLI and record who, when and why; after an edit the browser goes back
to the page it came from, which shows the edit with an Undo button.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

import khabar

from ..csrf import check_csrf
from . import store_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _analyst(request: Request, given: str) -> str:
    return (given.strip() or request.app.state.settings.analyst or "analyst") + " (web)"


def _back(path: str, edit_id: int) -> RedirectResponse:
    safe = path if path.startswith("/") and not path.startswith("//") else "/edits"
    return RedirectResponse(f"{safe}{'&' if '?' in safe else '?'}edit={edit_id}#edit-done", status_code=303)


@router.post("/edit/merge")
def merge(
    request: Request,
    source: str = Form(..., max_length=200),
    target: str = Form(..., max_length=200),
    reason: str = Form("", max_length=4000),
    analyst: str = Form("", max_length=100),
    csrf: str = Form(""),
):
    check_csrf(request, csrf)
    edit = khabar.merge(source, target, db=store_of(request), reason=reason, analyst=_analyst(request, analyst))
    return _back("/entity/" + quote(edit.target_id, safe=":"), edit.id)


@router.post("/edit/split")
def split(
    request: Request,
    entity: str = Form(..., max_length=200),
    names: list[str] = Form(...),
    reason: str = Form("", max_length=4000),
    analyst: str = Form("", max_length=100),
    csrf: str = Form(""),
):
    check_csrf(request, csrf)
    chosen = [n for n in names if n.strip()][:200]
    edit = khabar.split(entity, chosen, db=store_of(request), reason=reason, analyst=_analyst(request, analyst))
    return _back("/entity/" + quote(edit.entity_id, safe=":"), edit.id)


@router.post("/edit/note")
def note(
    request: Request,
    subject: str = Form(..., max_length=300),
    text: str = Form("", max_length=4000),
    back: str = Form("/edits", max_length=500),
    analyst: str = Form("", max_length=100),
    csrf: str = Form(""),
):
    check_csrf(request, csrf)
    edit = khabar.note(
        subject, text, db=store_of(request), analyst=_analyst(request, analyst), settings=request.app.state.settings
    )
    return _back(back, edit.id)


@router.post("/edit/undo")
def undo(
    request: Request,
    edit: int = Form(..., ge=1),
    back: str = Form("/edits", max_length=500),
    analyst: str = Form("", max_length=100),
    csrf: str = Form(""),
):
    check_csrf(request, csrf)
    done = khabar.undo(db=store_of(request), analyst=_analyst(request, analyst), edit_id=edit)
    return _back(back, done.id)
