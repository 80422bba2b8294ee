"""A real HTTP server on loopback for the fetch tests: routes written here, every request recorded.

Only 127.0.0.0/8 is ever bound or contacted. Each route is a function of the request handler that
returns ``(status, headers, body)``, or writes the answer itself and returns None (slow answers).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], "tuple[int, dict[str, str], bytes] | None"]


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    started: float
    ended: float = 0.0


@dataclass
class Site:
    """A running server: ``url(path)``, ``routes`` to fill in, ``hits`` seen, peak concurrency."""

    host: str = "127.0.0.1"
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    connections: int = 0
    peak: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _active: int = 0

    def start(self) -> Site:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                with site._lock:
                    site.connections += 1
                super().setup()

            def do_GET(self):
                hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                with site._lock:
                    site.hits.append(hit)
                    site._active += 1
                    site.peak = max(site.peak, site._active)
                try:
                    route = site.routes.get(self.path.split("?", 1)[0])
                    answer = route(self) if route else (404, {"Content-Type": "text/plain"}, b"not here")
                    if answer is not None:
                        status, headers, body = answer
                        self.send_response(status)
                        for k, v in headers.items():
                            self.send_header(k, v)
                        if "Content-Length" not in headers:
                            self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    hit.ended = time.monotonic()
                    with site._lock:
                        site._active -= 1

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def count(self, path: str) -> int:
        return sum(h.path.split("?", 1)[0] == path for h in self.hits)

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def page(title: str, *paragraphs: str, charset: str = "utf-8", extra_head: str = "") -> bytes:
    """A small article page written for these tests."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html><head><meta charset="{charset}"><title>{title}</title>{extra_head}</head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode(charset)


def html(body: bytes, **headers: str) -> Route:
    return lambda _req: (200, {"Content-Type": "text/html; charset=utf-8", **headers}, body)


def redirect(to: str, status: int = 302) -> Route:
    return lambda _req: (status, {"Location": to}, b"")


def text(body: str, content_type: str = "text/plain", status: int = 200) -> Route:
    return lambda _req: (status, {"Content-Type": content_type}, body.encode())
