"""`khabar fetch`, `watch` and `sources` as a user runs them (a real process, the full pipeline),
and the web app's Sources page."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from fetchsite import Site, html, page, text
from test_cli import run

import khabar
from khabar.web import create_app

STORY = page(
    "Bridge closed for repairs",
    "The council closed the old stone bridge on Wednesday after engineers found cracks in two of "
    "its arches, a spokeswoman said.",
    "Traffic was sent along the ring road and the bridge should reopen next month, she added.",
)


def test_fetch_watch_and_sources_end_to_end(tmp_path):
    site = Site().start()
    try:
        site.routes["/robots.txt"] = text("")
        site.routes["/story"] = html(STORY)
        site.routes["/feed.xml"] = text(
            '<rss version="2.0"><channel><title>Council &lt;b&gt;news&lt;/b&gt;</title>'
            f"<item><title>Bridge</title><link>{site.url('/story')}</link></item></channel></rss>",
            "application/rss+xml",
        )
        db = str(tmp_path / "kb.db")
        net = ("--allow-net", "127.0.0.1/32")
        refused = run("--set", "fetch_host_delay=0", "fetch", site.url("/story"), "--db", db, check=False)
        assert refused.returncode == 1 and "ssrf" in refused.stdout and site.connections == 0
        fetched = run(
            "--set",
            "fetch_host_delay=0",
            "--set",
            "fetch_contact=desk@example.org",
            "fetch",
            site.url("/story"),
            "--db",
            db,
            *net,
        )
        assert "+ added" in fetched.stdout and "1 added" in fetched.stdout
        assert "desk@example.org" in site.hits[-1].headers["user-agent"]
        watched = run("--set", "fetch_host_delay=0", "watch", site.url("/feed.xml"), "--db", db, "--once", *net)
        assert watched.stdout.startswith("NEW") and "1 new entry" in watched.stdout
        assert site.count("/story") == 1  # the entry's page was fetched already: not again
        listing = json.loads(run("sources", "--db", db, "--format", "json").stdout)
        assert listing["schema"] == "khabar.sources/1"
        [feed] = listing["feeds"]
        assert feed["kind"] == "rss" and feed["done"] == 1 and feed["title"] == "Council <b>news</b>"
        assert listing["fetches"][0]["status"] == 200 and listing["fetches"][0]["article_id"]
        shown = khabar.show(site.url("/story"), db=db)
        assert shown.title == "Bridge closed for repairs"
        with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
            body = client.get("/sources").text
        assert "Council &lt;b&gt;news&lt;/b&gt;" in body and "<b>news</b>" not in body
        assert site.url("/story") in body and "/article/" in body
    finally:
        site.stop()


def test_watch_every_needs_a_sane_interval(tmp_path):
    proc = run("watch", "--db", str(tmp_path / "kb.db"), "--every", "5s", check=False)
    assert proc.returncode == 2 and "at least 1m" in proc.stderr


def test_a_watch_killed_with_sigkill_loses_nothing(tmp_path):
    """A real `khabar watch` process is killed (-9) between two article commits; a re-run finishes."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from conftest import ROOT

    site = Site().start()
    paths = [f"/n/{i}" for i in range(15)]
    try:
        site.routes["/robots.txt"] = text("")
        for i, path in enumerate(paths):
            site.routes[path] = html(
                page(
                    f"Road works {i}",
                    f"Crews resurfaced {i + 2} kilometres of the "
                    "northern road on Monday, the highways office said in a note.",
                    f"Drivers were told to expect delays of {i + 5} minutes near the junction.",
                )
            )
        items = "".join(f"<item><title>{p}</title><link>{site.url(p)}</link></item>" for p in paths)
        site.routes["/feed.xml"] = text(
            f'<rss version="2.0"><channel><title>Roads</title>{items}</channel></rss>', "application/rss+xml"
        )
        db = tmp_path / "kb.db"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "khabar",
                "--set",
                "fetch_host_delay=0",
                "--set",
                "batch_size=1",
                "watch",
                site.url("/feed.xml"),
                "--db",
                str(db),
                "--once",
                "--allow-net",
                "127.0.0.1/32",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 240
        committed = 0
        while committed < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as conn:
                        committed = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                except sqlite3.OperationalError:  # tables not made yet
                    pass
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with khabar.open_kb(db) as store:
            before = store.article_count()
            assert 2 <= before < len(paths), "the kill must land mid-watch for this test to mean anything"
            assert store.feeds()[0].pending == len(paths)
        hits_before = {p: site.count(p) for p in paths}
        run("--set", "fetch_host_delay=0", "watch", "--db", str(db), "--once", "--allow-net", "127.0.0.1/32")
        with khabar.open_kb(db) as store:
            assert store.article_count() == len(paths)
            feed = store.feeds()[0]
            assert (feed.done, feed.pending, feed.failed) == (len(paths), 0, 0)
            committed_urls = {r[0] for r in store.conn.execute("SELECT url FROM articles")}
        refetched = [p for p in paths if site.count(p) > hits_before[p]]
        assert len(refetched) == len(paths) - before  # only pages whose articles were not committed
        assert all(site.url(p) in committed_urls for p in paths)
    finally:
        site.stop()
