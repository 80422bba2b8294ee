"""CSRF protection of the page forms (merge, split, note, undo): a double-submit token.

Every page that shows a form sets a random ``khabar_csrf`` cookie (SameSite=Strict, HttpOnly) once
and writes the same value into each form; a form POST is refused (403) unless the two match. With
OriginGuard refusing cross-site Origins, a page on another site can neither read the token nor
send the cookie, so it cannot make a visitor's browser edit the knowledge base.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

__all__ = ["COOKIE", "csrf_token", "set_csrf_cookie", "check_csrf"]

COOKIE = "khabar_csrf"


def csrf_token(request: Request) -> str:
    """The visitor's token: from the cookie, or a new one (stored on the request for the response)."""
    token = request.cookies.get(COOKIE, "")
    if len(token) < 32:
        token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Send the cookie when this request made a new token."""
    token = getattr(request.state, "new_csrf", None)
    if token:
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse (403) a form whose token does not match the visitor's cookie."""
    cookie = request.cookies.get(COOKIE, "")
    if not cookie or not submitted or not hmac.compare_digest(cookie.encode(), submitted.encode()):
        raise HTTPException(403, "the form's security token is missing or stale: reload the page and try again")
