"""The web app's guards: token, host and origin checks, request-size limit, safe upload paths, headers.

Each guard is a small pure-ASGI middleware, so it runs before any request body is read or parsed.
The security model (docs/web.md):

* Bound to a loopback address (the default), the app answers only requests whose ``Host`` is a
  loopback name, which defeats DNS rebinding; any other bind address requires a token.
* With a token, every request must carry it (``Authorization: Bearer T``, the ``khabar_token``
  cookie, or ``?token=T`` once, which sets the cookie); without it the answer is 401.
* A state-changing request (POST) from a browser must come from the app's own pages: a foreign
  ``Origin`` gets 403, so another site cannot make a visitor's browser upload files.
* Request bodies larger than the ``upload_max_bytes`` setting get 413, before they are stored.
* Uploaded file names are reduced to a plain base name; files land only under the data directory.
* Every response forbids scripts (Content-Security-Policy), framing and content sniffing; pages
  need no script at all, and every piece of article text is escaped by the templates.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..errors import InputError

__all__ = [
    "is_loopback",
    "TokenGuard",
    "HostGuard",
    "OriginGuard",
    "BodyLimit",
    "SecurityHeaders",
    "safe_filename",
    "inside",
    "TOKEN_COOKIE",
    "CSP",
]

log = logging.getLogger("khabar.web")
TOKEN_COOKIE = "khabar_token"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make browsers send "Origin: null" on POST
    (b"cross-origin-opener-policy", b"same-origin"),
]
_UNSAFE_NAME = re.compile(r"[^\w.\-]+", re.UNICODE)


def is_loopback(host: str) -> bool:
    """True for localhost and any loopback address (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def _reply(send, status: int, code: str, message: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *_HEADERS,
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return ""


class TokenGuard:
    """Requires the token on every request; ``?token=`` also sets the cookie that browsers resend."""

    def __init__(self, app, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        from_query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
        offered = [from_query, _bearer(_header(scope, b"authorization")), _cookie(_header(scope, b"cookie"))]
        if not any(o and hmac.compare_digest(o.encode(), self.token.encode()) for o in offered):
            return await _reply(
                send,
                401,
                "unauthorized",
                "this server needs its token: send 'Authorization: Bearer TOKEN' or open a page once with ?token=TOKEN",
                [(b"www-authenticate", b"Bearer")],
            )
        if from_query:
            send = _with_cookie(send, self.token)
        await self.app(scope, receive, send)


def _bearer(value: str) -> str:
    scheme, _, credential = value.partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else ""


def _cookie(value: str) -> str:
    jar = SimpleCookie()
    try:
        jar.load(value)
    except Exception:  # a malformed Cookie header is simply no token
        return ""
    return jar[TOKEN_COOKIE].value if TOKEN_COOKIE in jar else ""


def _with_cookie(send, token: str):
    cookie = f"{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict".encode()

    async def wrapped(message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
        await send(message)

    return wrapped


class HostGuard:
    """Answers only requests addressed to a loopback name (against DNS rebinding); 421 otherwise."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and not is_loopback(_host_name(_header(scope, b"host"))):
            return await _reply(send, 421, "misdirected", "this server answers only to localhost / 127.0.0.1")
        await self.app(scope, receive, send)


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class OriginGuard:
    """Refuses POST, PUT, PATCH and DELETE whose ``Origin`` is another site (403)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            origin = _header(scope, b"origin")
            if origin and urlsplit(origin).netloc != _header(scope, b"host"):
                return await _reply(send, 403, "cross-origin", "requests that change data must come from this app")
        await self.app(scope, receive, send)


class BodyLimit:
    """Stops request bodies larger than ``limit`` bytes with 413, whether or not they declare a length."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.limit:
            return await _reply(send, 413, "too-large", f"request body over {self.limit:,} bytes (upload_max_bytes)")
        seen, started = 0, False

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge()
            return message

        async def tracking(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracking)
        except _TooLarge:
            if not started:
                await _reply(send, 413, "too-large", f"request body over {self.limit:,} bytes (upload_max_bytes)")


class _TooLarge(Exception):
    """Raised inside the app when the body goes past the limit; BodyLimit answers 413."""


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response, errors included.

    It is the outermost of the app's own middleware, so an exception no handler took becomes a 500
    here, with the headers and with its cause in the log (Starlette's own 500 page, sent further out,
    carried none of the headers). Every 5xx is logged with the request that got it.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def wrapped(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
                if message["status"] >= 500:
                    log.error("%s %s answered %s", scope["method"], scope["path"], message["status"])
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        except Exception:
            log.exception("%s %s failed (answered 500)", scope["method"], scope["path"])
            if not started:
                await _reply(
                    send, 500, "internal", "khabar met an internal error on this request; the server log has its cause"
                )


def safe_filename(name: str) -> str:
    """The base name of an uploaded file, reduced to letters, digits, '.', '-' and '_'.

    "../../x.txt" -> "x.txt"; "C:\\\\evil\\\\a b.html" -> "a_b.html"; names that reduce to nothing or to
    dots only raise :class:`InputError`.
    """
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _shorten(_UNSAFE_NAME.sub("_", base).strip("._"), 120)
    if not base or set(base) <= {".", "_"}:
        raise InputError(f"unusable file name {name!r}; give the file a plain name such as article.html")
    return base


def _shorten(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` characters, keeping its extension(s) (".html.gz"): cut names stay readable."""
    if len(name) <= limit:
        return name
    stem, dot, rest = name.partition(".")
    suffix = dot + rest if len(rest) <= 16 else "." + name.rsplit(".", 1)[-1][:15] if "." in name else ""
    return name[: limit - len(suffix)].rstrip("._") + suffix


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing any result that would resolve outside ``folder``."""
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise InputError(f"file name {name!r} points outside the upload folder")
    return target
