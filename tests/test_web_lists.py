"""The web app's lists (facets, sorting, paging, JSON/CSV of the view), edits from the page with
CSRF and undo, the saveable dossier and SVGs without inline CSS, through a real app on the demo KB."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient

import khabar
from khabar import schemas
from khabar.web import create_app


@pytest.fixture()
def client(demo_copy):
    with TestClient(create_app(demo_copy), base_url="http://127.0.0.1") as c:
        yield c


def test_entity_facets_count_and_filter(client, demo_copy):
    page = client.get("/entities", params={"class": "PLACE"})
    assert page.status_code == 200
    total = int(re.search(r'id="total">(\d+)<', page.text).group(1))
    listed = khabar.list_entities(db=demo_copy, filters={"class": "PLACE"})
    assert total == listed.total > 0
    countries = dict(dict(listed.facets)["country"])
    country, count = max(countries.items(), key=lambda kv: kv[1])
    narrowed = client.get("/entities", params={"class": "PLACE", "country": country})
    assert int(re.search(r'id="total">(\d+)<', narrowed.text).group(1)) == count


def test_sorting_and_paging_follow_the_links(client):
    first = client.get("/entities", params={"sort": "name"}).text
    names = re.findall(r'class="entity type-[A-Z]+" href="[^"]+">([^<]+)<', first)
    assert names == sorted(names, key=str.lower) and len(names) == 50
    following = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(following).text
    assert "51–100 of" in second
    more = re.findall(r'class="entity type-[A-Z]+" href="[^"]+">([^<]+)<', second)
    assert more[0].lower() >= names[-1].lower()


def test_json_and_csv_links_give_the_same_view(client):
    page = client.get("/articles", params={"year": "2021", "sort": "outlet"}).text
    json_url = re.search(r'class="json" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    csv_url = re.search(r'class="csv" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    document = client.get(json_url).json()
    schemas.validate(document)
    rows = list(csv.DictReader(io.StringIO(client.get(csv_url).text)))
    assert [r["id"] for r in rows] == [a["id"] for a in document["items"]]
    assert all(a["published"].startswith("2021") for a in document["items"])


def test_events_csv_has_gtd_and_acled_columns(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/api/events", params={"format": "csv"}).text)))
    assert rows and all(r["gtd_type"] and r["acled_type"] for r in rows)


def token(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_merge_from_the_page_then_undo(client, demo_copy):
    page = client.get("/entity/person:iyad-ag-ghaly")
    done = client.post(
        "/edit/merge",
        data={"source": "Ag Ghaly", "target": "person:iyad-ag-ghaly", "reason": "same man", "csrf": token(page.text)},
    )
    assert done.status_code == 200 and 'id="edit-done"' in done.text
    edit = khabar.edits(db=demo_copy)[-1]
    assert edit.action == "merge" and edit.analyst.endswith("(web)") and edit.reason == "same man"
    undone = client.post(
        "/edit/undo", data={"edit": str(edit.id), "csrf": token(done.text), "back": "/entity/person:iyad-ag-ghaly"}
    )
    assert undone.status_code == 200 and "Undid edit" in undone.text
    assert khabar.edits(db=demo_copy)[-1].undone_at


def test_forms_without_the_token_are_refused(client, demo_copy):
    client.get("/entity/person:iyad-ag-ghaly")
    refused = client.post(
        "/edit/merge", data={"source": "Ag Ghaly", "target": "person:iyad-ag-ghaly", "reason": "x", "csrf": "forged"}
    )
    assert refused.status_code == 403 and not khabar.edits(db=demo_copy)


def test_a_note_is_escaped_and_listed(client, demo_copy):
    page = client.get("/entity/person:iyad-ag-ghaly")
    shown = client.post(
        "/edit/note",
        data={
            "subject": "person:iyad-ag-ghaly",
            "text": "<script>x</script> check",
            "csrf": token(page.text),
            "back": "/entity/person:iyad-ag-ghaly",
        },
    )
    assert "&lt;script&gt;x&lt;/script&gt; check" in shown.text and "<script>x" not in shown.text
    assert khabar.edits(db=demo_copy)[-1].action == "note"


def test_the_saved_dossier_needs_nothing_else(client):
    saved = client.get("/entity/actor:iskp/dossier.html")
    assert saved.status_code == 200 and "attachment" in saved.headers["content-disposition"]
    html = saved.text
    assert "<style>" in html and 'rel="stylesheet"' not in html
    assert not re.search(r'<(img|script)[^>]+src="(?!data:)', html), "the file loads something from elsewhere"
    assert 'src="data:image/svg+xml;base64,' in html and 'name="csrf"' not in html


def test_timeline_svg_has_no_inline_css(client):
    svg = client.get("/entity/actor:iskp/timeline.svg").text
    assert "<svg" in svg and "style=" not in svg and "<style" not in svg


def test_datasette_metadata_names_real_tables_and_columns(demo_db):
    import json
    import sqlite3

    from conftest import ROOT

    meta = json.loads((ROOT / "khabar" / "data" / "datasette-metadata.json").read_text("utf-8"))
    conn = sqlite3.connect(demo_db)
    try:
        for table, spec in meta["databases"]["kb"]["tables"].items():
            columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            assert columns, f"no table {table}"
            named = (
                set(spec.get("facets", []))
                | set(spec.get("columns", {}))
                | {spec.get("label_column"), spec.get("sort_desc")} - {None}
            )
            assert named <= columns, (table, named - columns)
            if "fts_table" in spec:
                conn.execute(f"SELECT rowid FROM {spec['fts_table']} LIMIT 1")
    finally:
        conn.close()
