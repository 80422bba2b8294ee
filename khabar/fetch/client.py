"""The HTTP client: httpx (HTTP/1.1 and HTTP/2) behind the SSRF guard, robots.txt and the host gate.

:meth:`Fetcher.get` returns a :class:`Response` (the body bytes and their :class:`FetchRecord`) or a
:class:`Rejection` whose code says what happened (see :data:`TRANSIENT` for the ones worth a retry).
Redirects are followed here, hop by hop (at most ``max_redirects``), so that every hop passes the
robots rules and the guard. Bodies are read as a stream and decoded here rather than by httpx,
because httpx's decoders have no output bound: a 1 MB gzip bomb inflates to 1 GB before any limit
could look at it. Here inflation stops at ``max_bytes``.
"""

from __future__ import annotations

import hashlib
import ssl
import time
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit

import courlan
import httpcore
import httpx

from ..models import FetchRecord, Rejection
from ..settings import Settings, default_of
from .guard import BlockedAddress, GuardedBackend, Network, NetworkPolicy, parse_networks, redact
from .pages import content_type_of
from .polite import ROBOTS_MAX_BYTES, HostGate, Robots

__all__ = ["Fetcher", "FetchOptions", "Response", "TRANSIENT", "canonical_url", "user_agent", "ROBOTS_AGENT"]

ROBOTS_AGENT = "khabar"
# Codes of rejections that a later try may not get again (the others are refusals or permanent).
TRANSIENT = frozenset({"timeout", "network", "http-server"})
_REDIRECTS = {301, 302, 303, 307, 308}
_DROP_HEADERS = {"set-cookie", "cookie", "authorization", "proxy-authorization", "www-authenticate"}


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How to fetch: limits, politeness and the networks the guard lets through."""

    user_agent: str
    timeout: float = 30.0  # seconds for a whole response, headers and body
    max_bytes: int = default_of("max_bytes")  # body bytes after decompression
    max_redirects: int = 5
    host_delay: float = 1.0
    per_host: int = 2
    concurrency: int = 4
    allow: tuple[Network, ...] = ()
    robots: bool = True
    http2: bool = True
    ca_file: str = ""  # extra certificate authorities (PEM), e.g. a company's; '' trusts certifi's

    @classmethod
    def from_settings(cls, settings: Settings, *, allow_net: Sequence[str] = ()) -> FetchOptions:
        """Options from the settings table; ``allow_net`` adds to the ``allow_net`` setting."""
        return cls(
            user_agent=user_agent(settings.fetch_contact),
            timeout=settings.fetch_timeout,
            max_bytes=settings.max_bytes,
            max_redirects=settings.fetch_max_redirects,
            host_delay=settings.fetch_host_delay,
            per_host=settings.fetch_per_host,
            concurrency=settings.fetch_concurrency,
            ca_file=settings.fetch_ca_file,
            allow=parse_networks([settings.allow_net, *allow_net]),
        )


@dataclass(frozen=True, slots=True)
class Response:
    """A successful (2xx) or not-modified (304) response: the record and the body bytes."""

    record: FetchRecord
    body: bytes


def user_agent(contact: str) -> str:
    """The User-Agent khabar sends, naming itself and, when set, how to reach its operator."""
    from .. import __version__

    reach = f"+{contact}" if contact else "no contact set: see fetch_contact"
    return f"khabar/{__version__} (news knowledge base; {reach})"


def canonical_url(url: str) -> str:
    """The URL normalised (courlan, tracking parameters and fragment dropped): one key per page."""
    url = redact(url).split("#", 1)[0]
    try:
        return courlan.normalize_url(url, strict=True)
    except (ValueError, AttributeError):
        return url


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class _Failed(Exception):
    """Internal: a fetch that ends in a rejection (code, reason)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


class Fetcher:
    """Fetch URLs politely and safely. Use as a context manager; thread-safe.

    ``transport`` is the seam for tests that want their own httpx transport (the guard is then theirs
    to provide); by default it is httpx's, connecting through :class:`GuardedBackend`.
    """

    def __init__(self, options: FetchOptions, *, transport: httpx.BaseTransport | None = None) -> None:
        self.options = options
        self.policy = NetworkPolicy(options.allow)
        self.gate = HostGate(delay=options.host_delay, per_host=options.per_host)
        self.robots = Robots(self._robots_text)
        self.client = httpx.Client(
            transport=transport or self._transport(),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(options.timeout, connect=min(options.timeout, 10.0)),
            headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"},
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),  # keep no cookies between requests
        )

    def _transport(self) -> httpx.HTTPTransport:
        verify: ssl.SSLContext | bool = True
        if self.options.ca_file:
            verify = ssl.create_default_context(cafile=self.options.ca_file)
        transport = httpx.HTTPTransport(http2=self.options.http2, trust_env=False, verify=verify)
        # httpx has no public option for httpcore's network backend, the one place where the address a
        # socket connects to is known; swap the pool for one that connects through the guard.
        ssl_context = transport._pool._ssl_context
        limit = max(4, self.options.concurrency * 2)
        transport._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            http1=True,
            http2=self.options.http2,
            max_connections=limit,
            network_backend=GuardedBackend(self.policy),
        )
        return transport

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # --- public -------------------------------------------------------------------------------

    def get(self, url: str, *, accept: str = "*/*", etag: str = "", last_modified: str = "") -> Response | Rejection:
        """Fetch one URL (conditional when ``etag``/``last_modified`` are given)."""
        started = time.monotonic()
        try:
            return self._get(
                url, accept=accept, etag=etag, last_modified=last_modified, started=started, polite=self.options.robots
            )
        except _Failed as exc:
            return Rejection(redact(url), exc.code, exc.reason)

    def get_many(self, urls: Sequence[str], *, accept: str = "*/*") -> list[Response | Rejection]:
        """Fetch several URLs concurrently (``concurrency`` at once, ``per_host`` per host), in order."""
        if len(urls) <= 1:
            return [self.get(u, accept=accept) for u in urls]
        with ThreadPoolExecutor(max_workers=max(1, self.options.concurrency)) as pool:
            return list(pool.map(lambda u: self.get(u, accept=accept), urls))

    # --- the hops -----------------------------------------------------------------------------

    def _get(self, url: str, *, accept: str, etag: str, last_modified: str, started: float, polite: bool) -> Response:
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        hops: list[str] = []
        current = url
        while True:
            _check_url(current)
            delay = self._robots_delay(current) if polite else 0.0
            with self.gate.slot(current, delay=delay):
                response = self._send(current, headers, started)
                try:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        hops.append(redact(current))
                        if len(hops) > self.options.max_redirects:
                            raise _Failed(
                                "redirects",
                                f"more than {self.options.max_redirects} redirects (last to {redact(location)})",
                            )
                        current = urljoin(current, location)
                        headers.pop("Authorization", None)
                        continue
                    return self._finish(url, current, hops, response, started)
                finally:
                    response.close()

    def _robots_delay(self, url: str) -> float:
        rules = self.robots.rules(url)
        if not rules.allows(url, ROBOTS_AGENT):
            raise _Failed("robots", rules.blocked or f"robots.txt disallows {redact(url)} for {ROBOTS_AGENT}")
        return rules.delay(ROBOTS_AGENT)

    def _send(self, url: str, headers: dict[str, str], started: float) -> httpx.Response:
        remaining = self.options.timeout - (time.monotonic() - started)
        if remaining <= 0:
            raise _Failed("timeout", f"no complete answer within {self.options.timeout:g} s")
        try:
            request = self.client.build_request("GET", url, headers=headers)
            return self.client.send(request, stream=True)
        except BlockedAddress as exc:
            raise _Failed("ssrf", exc.reason) from None
        except httpx.TimeoutException:
            raise _Failed(
                "timeout", f"no answer from {urlsplit(url).hostname} within {self.options.timeout:g} s"
            ) from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise _Failed("bad-url", f"not a fetchable URL ({exc})") from None
        except httpx.TransportError as exc:
            raise _Failed(
                "network", f"network error talking to {urlsplit(url).hostname}: {type(exc).__name__} {exc}".strip()
            ) from None

    def _finish(self, url: str, final: str, hops: list[str], response: httpx.Response, started: float) -> Response:
        status = response.status_code
        if status == 304:
            return Response(self._record(url, final, hops, response, b"", started), b"")
        if status == 429 or status >= 500:
            raise _Failed("http-server", f"HTTP {status} {response.reason_phrase}: the server may answer later")
        if not 200 <= status < 300:
            raise _Failed("http", f"HTTP {status} {response.reason_phrase}")
        body = _read_body(
            response,
            max_bytes=self.options.max_bytes,
            deadline=started + self.options.timeout,
            timeout=self.options.timeout,
        )
        return Response(self._record(url, final, hops, response, body, started), body)

    def _record(
        self, url: str, final: str, hops: list[str], response: httpx.Response, body: bytes, started: float
    ) -> FetchRecord:
        content_type, charset = content_type_of(response.headers.get("content-type", ""))
        headers = tuple((k, v[:1000]) for k, v in response.headers.items() if k.lower() not in _DROP_HEADERS)
        return FetchRecord(
            url=redact(url),
            final_url=redact(final),
            canonical_url=canonical_url(final),
            status=response.status_code,
            fetched_at=_now(),
            body_hash=hashlib.sha256(body).hexdigest(),
            size=len(body),
            content_type=content_type,
            charset=charset,
            http_version=response.http_version,
            headers=headers,
            redirects=tuple(hops),
            seconds=time.monotonic() - started,
            via="http",
        )

    def _robots_text(self, url: str) -> tuple[int, str]:
        """Load robots.txt through the same guarded client (redirects followed, size capped)."""
        try:
            got = self._get(url, accept="text/plain", etag="", last_modified="", started=time.monotonic(), polite=False)
        except _Failed as exc:
            if exc.code in ("ssrf", "bad-url"):  # the page itself would be refused the same way
                raise
            if exc.code == "http":  # 4xx: there are no rules
                return 400, ""
            return 0, exc.reason
        return got.record.status, got.body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise _Failed("bad-url", f"only http and https URLs are fetched, not {parts.scheme or 'a bare path'}")
    if not parts.hostname:
        raise _Failed("bad-url", "the URL has no host name")


class _Inflater:
    """Bounded decoding of a gzip / deflate body (identity passes through)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        if encoding in ("gzip", "x-gzip"):
            self.wbits = 16 + zlib.MAX_WBITS
        elif encoding == "deflate":
            self.wbits = zlib.MAX_WBITS  # zlib-wrapped, per RFC 9110; raw deflate tried on error
        elif encoding in ("", "identity"):
            self.wbits = 0
        else:
            raise _Failed("encoding", f"unsupported Content-Encoding {encoding!r} (khabar asks for gzip or deflate)")
        self.d = zlib.decompressobj(self.wbits) if self.wbits else None

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode ``data``; at most ``room`` bytes come out (more means the body is too large)."""
        if self.d is None:
            return data[:room]
        out = b""
        while data and len(out) < room:
            try:
                out += self.d.decompress(data, room - len(out))
            except zlib.error as exc:
                if self.wbits == zlib.MAX_WBITS and not out:
                    self.wbits, self.d = -zlib.MAX_WBITS, zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise _Failed("encoding", f"corrupt {self.encoding} body ({exc})") from None
            data = self.d.unconsumed_tail or (self.d.unused_data if self.d.eof else b"")
            if self.d.eof and data:  # a further gzip member
                self.d = zlib.decompressobj(self.wbits)
        return out


def _read_body(response: httpx.Response, *, max_bytes: int, deadline: float, timeout: float) -> bytes:
    encoding = response.headers.get("content-encoding", "").strip().lower()
    inflater = _Inflater(encoding)
    declared = response.headers.get("content-length", "")
    if not inflater.d and declared.isdigit() and int(declared) > max_bytes:
        raise _Failed("too-large", f"body of {int(declared):,} bytes is over the max_bytes limit of {max_bytes:,}")
    chunks: list[bytes] = []
    size = received = 0
    try:
        for raw in response.iter_raw():  # as received: a chunk size would buffer past the deadline
            received += len(raw)
            piece = inflater.feed(raw, max_bytes + 1 - size)
            size += len(piece)
            if size > max_bytes:
                what = f" (from {received:,} bytes of {encoding})" if encoding else ""
                raise _Failed("too-large", f"body is over the max_bytes limit of {max_bytes:,} bytes{what}")
            chunks.append(piece)
            if time.monotonic() > deadline:
                raise _Failed("timeout", f"body not complete within {timeout:g} s ({received:,} bytes so far)")
    except httpx.TimeoutException:
        raise _Failed("timeout", f"body stalled ({received:,} bytes read)") from None
    except httpx.TransportError as exc:
        raise _Failed("network", f"connection broke while reading the body ({type(exc).__name__})") from None
    return b"".join(chunks)
