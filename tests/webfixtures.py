"""Helpers for the web tests: the real app on a real local port, and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from khabar.web import create_app

CHROMIUM = Path(os.environ.get("KHABAR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app, *, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return (
            f"Debian's Chromium is not at {CHROMIUM}: run `make browser` (apt-get install -y chromium) "
            "to run the browser tests"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed: pip install -e '.[test]'"
    return None


@contextmanager
def browser_context() -> Iterator:
    """A fresh headless Chromium (own profile folder), as a Playwright persistent context."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="khabar-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1280, "height": 900},
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def live_demo(demo_db) -> Iterator[str]:
    """The app over the demo database, on a real local port."""
    with running(create_app(demo_db)) as url:
        yield url


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """A headless Chromium context for the session; skips (loudly) when Chromium cannot run here."""
    reason = chromium_missing_reason()
    if reason and os.environ.get("CI") == "true":
        pytest.fail("CI=true and the browser tests cannot run: " + reason + " (make browser installs Chromium)")
    if reason:
        pytest.skip("BROWSER TESTS SKIPPED: " + reason)
    with browser_context() as context:
        yield context
