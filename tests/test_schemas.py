"""One schema per object: every JSON output of the CLI, khabar.to_json and /api/ validates against
khabar/schemas/*.json on the demo KB, the same object gives the same document everywhere, and
/openapi.json embeds the schemas with references that resolve."""

from __future__ import annotations

import copy
import json
import sys

import jsonschema
import pytest
from fastapi.testclient import TestClient

import khabar
from khabar import schemas
from khabar.cli import main
from khabar.web import create_app


def cli_json(args: list[str], capsys) -> dict:
    argv, sys.argv = sys.argv, ["khabar", *args]
    try:
        main()
    except SystemExit as exc:
        assert exc.code in (0, None), capsys.readouterr().err
    finally:
        sys.argv = argv
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def api(demo_db):
    with TestClient(create_app(demo_db), base_url="http://127.0.0.1") as client:
        yield client


def test_every_schema_file_is_a_valid_json_schema():
    assert len(schemas.SCHEMAS) >= 10
    for name, filename in schemas.SCHEMAS.items():
        document = schemas.schema(name)
        jsonschema.Draft202012Validator.check_schema(document)
        assert document["title"] == name and document["properties"]["schema"]["const"] == name, filename


def test_cli_json_outputs_follow_their_schemas(demo_db, capsys):
    db = str(demo_db)
    article = khabar.search("Abbey Gate", db=demo_db)[0].citation.article_id
    outputs = [
        cli_json(["who", "ISKP", "--db", db, "-f", "json"], capsys),
        cli_json(["who", "Kunduz", "--db", db, "-f", "json"], capsys),
        cli_json(["events", "--db", db, "-f", "json"], capsys),
        cli_json(["search", '"suicide bomber" OR drone', "--db", db, "-f", "json"], capsys),
        cli_json(["show", article, "--db", db, "-f", "json"], capsys),
        cli_json(["lineage", "--db", db, "-f", "json"], capsys),
        cli_json(["edits", "--db", db, "-f", "json"], capsys),
    ]
    for document in outputs:
        schemas.validate(document)
    assert {d["schema"] for d in outputs} == {
        "khabar.dossier/2",
        "khabar.events/2",
        "khabar.search/2",
        "khabar.article/2",
        "khabar.lineage/2",
        "khabar.edits/2",
    }


def test_api_gives_the_cli_document(demo_db, api, capsys):
    from_cli = cli_json(["who", "ISKP", "--db", str(demo_db), "-f", "json"], capsys)
    from_api = api.get("/api/who", params={"name": "ISKP"}).json()
    from_python = khabar.to_json(khabar.who("ISKP", db=demo_db))
    assert from_api == from_cli == from_python
    by_id = api.get(f"/api/entities/{from_api['id']}").json()
    schemas.validate(by_id)
    assert by_id["id"] == from_api["id"]


def test_api_json_outputs_follow_their_schemas(demo_db, api):
    event_id = khabar.events(db=demo_db)[0].id
    for url in (
        "/api/events",
        f"/api/events/{event_id}",
        "/api/sentences?q=kabul%20NOT%20airport",
        "/api/lineage",
        "/api/edits",
        "/api/entities",
        "/api/entities?cls=GROUP&sort=name&limit=5",
        "/api/articles",
        "/api/articles?outlet=Hindukush%20Herald",
    ):
        answer = api.get(url)
        assert answer.status_code == 200, (url, answer.text[:300])
        schemas.validate(answer.json())


def test_one_event_has_one_shape(demo_db, api):
    event = khabar.events(db=demo_db)[0]
    listed = next(e for e in api.get("/api/events").json()["events"] if e["id"] == event.id)
    single = api.get(f"/api/events/{event.id}").json()
    assert single.pop("schema") == "khabar.event/2" and single == listed
    assert listed["date"] is None or isinstance(listed["date"], dict)
    assert listed["gtd_type"] and listed["acled_type"]


def test_a_wrong_shape_is_refused(demo_db):
    document = khabar.to_json(khabar.who("ISKP", db=demo_db))
    assert document["attacks"], "the demo dossier lost its attacks"
    broken = copy.deepcopy(document)
    broken["attacks"][0]["date"] = "2021-08-26"  # version 1's shape
    with pytest.raises(jsonschema.ValidationError):
        schemas.validate(broken)
    missing = copy.deepcopy(document)
    del missing["evidence"][0]["start"]
    with pytest.raises(jsonschema.ValidationError):
        schemas.validate(missing)


def test_openapi_embeds_the_schemas_and_every_reference_resolves(api):
    doc = api.get("/openapi.json").json()
    components = doc["components"]["schemas"]
    assert {"khabar.dossier-2", "khabar.events-2", "khabar.common-2"} <= set(components)
    assert doc["paths"]["/api/who"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/khabar.dossier-2"
    }

    def resolve(pointer: str):
        node = doc
        for part in pointer.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                assert node["$ref"].startswith("#/"), node["$ref"]
                resolve(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
