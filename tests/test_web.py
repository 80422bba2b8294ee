"""The web app over real databases: pages, the JSON API, error mapping and the security guards.

Most tests use Starlette's in-process client (the real app, real SQLite); the token, host and
upload-limit tests also run the app with uvicorn on a real local port.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from webfixtures import running

import khabar
from khabar.web import check_bind, create_app
from khabar.web.security import safe_filename

LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def db(demo_db, tmp_path_factory) -> Path:
    """A private copy of the demo database for this module (uploads add articles to it)."""
    target = tmp_path_factory.mktemp("web") / "kb.db"
    shutil.copy(demo_db, target)
    return target


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db), base_url=LOCAL) as c:
        yield c


@pytest.fixture(scope="module")
def iskp(db) -> khabar.Dossier:
    return khabar.who("ISKP", db=db)


def test_pages_render(client, iskp):
    article_id = iskp.evidence[0].article_id
    for path in [
        "/",
        "/search?q=ISKP",
        "/search",
        "/entities?cls=GROUP",
        "/entities?cls=PERSON&page=2",
        f"/entity/{iskp.entity.id}",
        "/articles",
        f"/article/{article_id}",
        "/ingest",
        "/api",
    ]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert "<script" not in r.text.lower(), path


def test_who_redirects_to_entity_page(client, iskp):
    r = client.get("/who", params={"name": "is-k"}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/entity/{iskp.entity.id}"


def test_entity_page_shows_dossier_with_citation_links(client, iskp):
    html = client.get(f"/entity/{iskp.entity.id}").text
    assert iskp.entity.name in html
    for alias in iskp.aliases:
        assert f"<td>{alias.alias}</td>" in html
    for c in iskp.evidence:
        assert f'href="/article/{c.article_id}?start={c.start}&amp;end={c.end}#cited"' in html


def test_citation_link_highlights_exactly_the_cited_span(client, iskp):
    c = iskp.evidence[0]
    html = client.get(f"/article/{c.article_id}", params={"start": c.start, "end": c.end}).text
    assert html.count('id="cited"') == 1
    marked = "".join("<mark" + part.split("</mark>")[0] for part in html.split("<mark")[1:])
    text = _strip_tags(marked)
    assert _unescape(text) == c.text


def test_api_dossier_is_the_library_dossier(client, iskp):
    r = client.get(f"/api/entities/{iskp.entity.id}")
    assert r.status_code == 200
    expected = khabar.to_json(dataclasses.replace(iskp, query=iskp.entity.id))
    assert r.json() == expected  # the same document as `khabar who --format json` (khabar.dossier/2)


def test_api_search_article_and_listing_shapes(client, iskp):
    found = client.get("/api/search", params={"q": "Khorasan"}).json()
    assert {"query", "entities", "articles", "sentences"} <= found.keys()
    assert any(e["id"] == iskp.entity.id for e in found["entities"])
    hit = found["sentences"][0]["citation"]
    page = client.get(f"/api/articles/{hit['article_id']}").json()
    assert page["article"]["text"][hit["start"] : hit["end"]] == hit["text"]
    assert page["article"]["raw"] == ""
    assert {m["kind"] for m in page["marks"]} <= {"mention", "event"}
    listing = client.get("/api/entities", params={"class": "GROUP", "limit": 5}).json()
    assert listing["schema"] == "khabar.entities/2" and listing["total"] > 5
    assert len(listing["items"]) == 5 and all(e["class"] == "GROUP" for e in listing["items"])
    assert client.get("/api/overview").json()["articles"] >= 30


def test_errors_map_to_status_and_json_under_api(client):
    r = client.get("/api/entities/e:doesnotexist")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "E004"
    r = client.get("/api/articles/zz")
    assert r.status_code == 404
    page = client.get("/entity/e:doesnotexist")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert client.get("/api/search").status_code == 422  # q is required
    assert client.get("/api/nothing-here").json()["error"]["code"] == "http"


def test_openapi_schema_documents_the_api(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in [
        "/api/search",
        "/api/entities/{entity_id}",
        "/api/articles/{article_id}",
        "/api/ingest",
        "/api/jobs/{job_id}",
        "/api/overview",
    ]:
        assert path in paths, path
    assert "khabar.dossier-2" in schema["components"]["schemas"]
    assert "multipart/form-data" in paths["/api/ingest"]["post"]["requestBody"]["content"]


def test_security_headers_forbid_scripts_and_framing(client):
    r = client.get("/")
    assert "script-src" not in r.headers["content-security-policy"]  # default-src 'none' covers scripts
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_foreign_host_header_is_refused_on_loopback(client):
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example.
    assert client.get("/", headers={"host": "evil.example"}).status_code == 421
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_cross_site_post_is_refused(client):
    r = client.post("/api/ingest", headers={"origin": "http://evil.example"}, files={"files": ("a.txt", b"x")})
    assert r.status_code == 403


def test_non_loopback_bind_needs_a_token():
    with pytest.raises(khabar.InputError):
        check_bind("0.0.0.0", None)
    with pytest.raises(khabar.InputError):
        check_bind("192.168.1.5", "")
    check_bind("127.0.0.1", None)
    check_bind("localhost", None)
    check_bind("::1", None)
    check_bind("0.0.0.0", "s3cret")


def test_token_is_required_on_every_request(db):
    app = create_app(db, token="s3cret-token")
    with running(app, host="0.0.0.0") as url:  # what `khabar serve --host 0.0.0.0 --token ...` runs
        for path in ["/", "/api/overview", "/openapi.json", "/static/khabar.css", "/api/export/jsonl"]:
            assert httpx.get(url + path).status_code == 401, path
        assert httpx.get(url + "/api/overview", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(url + "/api/overview", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        with httpx.Client(base_url=url) as browser_like:
            first = browser_like.get("/", params={"token": "s3cret-token"})
            assert first.status_code == 200 and "khabar_token" in first.headers["set-cookie"]
            assert "HttpOnly" in first.headers["set-cookie"]
            assert browser_like.get("/api/overview").status_code == 200  # the cookie carries it now


def test_upload_over_the_size_limit_gets_413(db, tmp_path):
    settings = khabar.load_settings({"upload_max_bytes": 10_000, "data_dir": str(tmp_path / "data")})
    with running(create_app(db, settings=settings)) as url:
        big = b"x" * 50_000
        r = httpx.post(url + "/api/ingest", files={"files": ("big.txt", big)})
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "too-large"

        def chunks():  # no Content-Length: the limit must hold while streaming too
            for _ in range(10):
                yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n' + big

        r = httpx.post(
            url + "/api/ingest", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"}
        )
        assert r.status_code == 413
    written = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in written) <= 10_000


@pytest.mark.parametrize(
    "name, stored",
    [
        ("../../x.txt", "x.txt"),
        ("/etc/passwd", "passwd"),
        ("..\\..\\evil.txt", "evil.txt"),
        ("a b;c.txt", "a_b_c.txt"),
        ("....//..//y.html", "y.html"),
    ],
)
def test_upload_names_cannot_leave_the_data_directory(db, tmp_path, name, stored):
    data = tmp_path / "sandbox" / "data"
    settings = khabar.load_settings({"data_dir": str(data)})
    with TestClient(create_app(db, settings=settings), base_url=LOCAL) as c:
        r = c.post("/api/ingest", files={"files": (name, b"---\ntitle: t\n---\nshort text\n")})
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["files"] == [stored]
        _wait(c, job["id"])
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(p.is_relative_to(data) for p in written), written
    assert not (tmp_path / "x.txt").exists() and not (tmp_path / "sandbox" / "x.txt").exists()


def test_unusable_upload_names_are_refused():
    for name in ["..", "...", "/", "", "._"]:
        with pytest.raises(khabar.InputError):
            safe_filename(name)


def test_upload_runs_the_pipeline_with_progress(client, db, tmp_path):
    body = (
        "---\ntitle: Curfew in Maiduguri after Boko Haram raid\noutlet: Test Wire\npublished: 2024-03-02\n---\n"
        "Boko Haram fighters raided a village near Maiduguri on Friday, killing at least 12 people, "
        "officials in Borno State said. The army said troops pursued the attackers into the Sambisa forest.\n"
    )
    r = client.post(
        "/api/ingest",
        files=[("files", ("raid.txt", body.encode())), ("files", ("empty.txt", b""))],
        data={"outlet": "Fallback"},
    )
    assert r.status_code == 202
    job = _wait(client, r.json()["id"])
    assert job["state"] == "done", job
    assert job["report"]["added"] == 1
    assert [x["source"] for x in job["report"]["rejected"]] == ["empty.txt"]
    assert job["progress"]["files_done"] == job["progress"]["files_total"] == 2
    hits = client.get("/api/search", params={"q": "Sambisa forest"}).json()["sentences"]
    assert hits and hits[0]["citation"]["outlet"] == "Test Wire"
    page = client.get(f"/jobs/{job['id']}").text
    assert 'data-state="done"' in page and "empty.txt" in page


def test_html_form_upload_redirects_to_its_job_page(client):
    r = client.post("/ingest", files={"files": ("note.txt", b"too short")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    running_page = client.get(r.headers["location"]).text
    assert "Ingest job" in running_page


def test_article_text_is_escaped_in_html(client, db, tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "---\ntitle: <script>document.title='pwned'</script>\noutlet: <b onmouseover=alert(1)>X</b>\n"
        "url: javascript:alert(1)\n---\nAl-Shabaab fighters attacked a base near Mogadishu, officials "
        'said. <script>window.__pwned = 1</script> <img src=x onerror="window.__pwned=2">\n',
        encoding="utf-8",
    )
    khabar.ingest([hostile], db=db)
    article_id = khabar.search("Shabaab fighters attacked base", db=db)[0].citation.article_id
    for path in [f"/article/{article_id}", "/articles", "/search?q=Shabaab+attacked+base"]:
        html = client.get(path).text
        assert "<script" not in html.lower() and "<img" not in html.lower() and "<b " not in html.lower(), path
        assert "&lt;script&gt;" in html, path
    assert 'href="javascript:' not in client.get(f"/article/{article_id}").text


def _wait(client, job_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def _strip_tags(html: str) -> str:
    import re

    return re.sub(r"<[^>]*>", "", html)


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_events_page_maps_located_events(client, db, outlines):
    events = khabar.events(db=db)
    located = khabar.event_places(events, db=db)
    html = client.get("/events").text
    assert html.count('<circle class="dot') == len(located) > 0
    assert html.count('<path class="country"') > 20
    for event_id in list(located)[:3]:
        assert f'href="/event/{event_id}"' in html
    actor = client.get("/events", params={"actor": "ISKP"}).text
    assert actor.count('<circle class="dot') < len(located)


def test_event_page_lists_reports_and_tolls(client, db):
    event = max(khabar.events(db=db), key=lambda e: e.articles)
    html = client.get(f"/event/{event.id}").text
    for c in event.citations:
        assert f"/article/{c.article_id}?start={c.start}&amp;end={c.end}#cited" in html
    assert client.get(f"/api/events/{event.id}").json() == khabar.to_json(event)
    assert client.get("/event/ev:none").status_code == 404


def test_entity_page_shows_facts_attacks_timeline_and_map(client, iskp):
    html = client.get(f"/entity/{iskp.entity.id}").text
    assert iskp.attacks and 'id="attacks"' in html and '<circle class="dot' in html
    for fact in iskp.facts:
        assert fact.values[0].display in html
    svg = client.get(f"/entity/{iskp.entity.id}/timeline.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.content
    assert b"<script" not in svg.content


def test_lineage_page_draws_the_source_groups(client, db):
    view = khabar.lineage_view(db=db)
    assert view.groups, "the demo corpus has copies and rewrites"
    html = client.get("/lineage").text
    members = sum(len(g.members) for g in view.groups)
    assert html.count('<g class="node') == members
    assert html.count('class="edge') == sum(len(g.edges) for g in view.groups)
    group = view.groups[0]
    from khabar.render.relations import group_origin

    known = [g for g in view.groups if group_origin(g)[0]]
    assert html.count('<g class="node origin') == len(known) < len(view.groups)  # no origin claimed without direction
    assert 'data-from="' in html
    for m in group.members:
        assert f'href="/article/{m.id}"' in html
    one = client.get("/lineage", params={"article": group.members[-1].id}).text
    assert one.count('<g class="node') == len(group.members)
    assert client.get("/lineage", params={"entity": "e:none"}).status_code == 404


def test_article_page_names_its_copies_rewrites_and_originals(client, db):
    view = khabar.lineage_view(db=db)
    edge = next(e for g in view.groups for e in g.edges if e.origin)
    derived = edge.b if edge.origin == edge.a else edge.a
    html = client.get(f"/article/{derived}").text
    assert f"original of this {edge.relation.value}" in html and f'href="/article/{edge.origin}"' in html
    html = client.get(f"/article/{edge.origin}").text
    assert f"{edge.relation.value} of this article" in html and f'href="/article/{derived}"' in html


def test_article_page_lists_the_other_articles_of_its_source_group(db):
    from khabar.store import open_store

    with open_store(db, create=False) as store:
        groups = store.source_group_map(a.id for a in store.article_summaries(limit=10_000))
    members: dict[str, set[str]] = {}
    for article_id, group in groups.items():
        members.setdefault(group, set()).add(article_id)
    shared = next(m for m in members.values() if len(m) > 1)
    article_id = min(shared)
    page = khabar.article_page(article_id, db=db)
    assert sorted(a.id for a in page.group) == sorted(shared - {article_id})


def test_cli_serve_binds_loopback_and_refuses_public_bind_without_token(db):
    import subprocess
    import sys

    from webfixtures import free_port

    refused = subprocess.run(
        [sys.executable, "-m", "khabar", "serve", "--db", str(db), "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "--token" in refused.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "khabar", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/overview", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read()
                time.sleep(0.2)
        assert answer.status_code == 200 and answer.json()["articles"] > 0
    finally:
        server.terminate()
        server.wait(10)


def test_pages_share_the_merged_events_until_the_kb_changes(demo_copy):
    """Issue 16: under load every dossier merged every stored report again; the web app now builds
    the merged events (and other whole-KB reads) once for all its threads, and again after any commit."""
    iskp = khabar.who("ISKP", db=demo_copy)
    app = create_app(demo_copy)
    paths = [
        f"/entity/{iskp.entity.id}",
        f"/api/entities/{iskp.entity.id}",
        "/events",
        "/entities",
        "/",
        "/search?q=ISKP",
    ]
    with TestClient(app, base_url=LOCAL) as c:
        shared = app.state.stores.shared
        assert all(c.get(path).status_code == 200 for path in paths)
        assert shared.built["merged events"] == 1
        builds = shared.builds
        assert all(c.get(path).status_code == 200 for path in paths)
        assert shared.builds == builds  # all from the shared values
        event = khabar.events(db=demo_copy, actor="ISKP")[0]
        khabar.note(event.id, "checked against the wire copy", db=demo_copy, analyst="test")  # another connection
        again = c.get(f"/event/{event.id}")
        assert again.status_code == 200 and "checked against the wire copy" in again.text
        assert c.get(paths[0]).status_code == 200
        assert shared.built["merged events"] == 2
