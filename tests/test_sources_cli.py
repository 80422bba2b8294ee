"""`khabar fetch`, `watch` and `sources` as a user runs them (a real process, the full pipeline),
and the web app's Sources page."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

import khabar

from fetchsite import Site, html, page, text
from test_cli import run

STORY = page("Bridge closed for repairs",
             "The council closed the old stone bridge on Wednesday after engineers found cracks in two of "
             "its arches, a spokeswoman said.",
             "Traffic was sent along the ring road and the bridge should reopen next month, she added.")


def test_fetch_watch_and_sources_end_to_end(tmp_path):
    site = Site().start()
    try:
        site.routes["/robots.txt"] = text("")
        site.routes["/story"] = html(STORY)
        site.routes["/feed.xml"] = text(
            '<rss version="2.0"><channel><title>Council &lt;b&gt;news&lt;/b&gt;</title>'
            f'<item><title>Bridge</title><link>{site.url("/story")}</link></item></channel></rss>',
            "application/rss+xml")
        db = str(tmp_path / "kb.db")
        net = ("--allow-net", "127.0.0.1/32")
        refused = run("--set", "fetch_host_delay=0", "fetch", site.url("/story"), "--db", db, check=False)
        assert refused.returncode == 1 and "ssrf" in refused.stdout and site.connections == 0
        fetched = run("--set", "fetch_host_delay=0", "--set", "fetch_contact=desk@example.org",
                      "fetch", site.url("/story"), "--db", db, *net)
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
        with TestClient(khabar.create_app(db), base_url="http://127.0.0.1") as client:
            body = client.get("/sources").text
        assert "Council &lt;b&gt;news&lt;/b&gt;" in body and "<b>news</b>" not in body
        assert site.url("/story") in body and "/article/" in body
    finally:
        site.stop()


def test_watch_every_needs_a_sane_interval(tmp_path):
    proc = run("watch", "--db", str(tmp_path / "kb.db"), "--every", "5s", check=False)
    assert proc.returncode == 2 and "at least 1m" in proc.stderr
