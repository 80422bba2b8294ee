"""The full dossier (facts, relations, attacks, disputes, questions), its renderings, the timeline
picture and the ``khabar events`` command, on the demo corpus."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

import khabar
from khabar import render
from khabar.cli import app

runner = CliRunner()


def _cited(citations) -> bool:
    return bool(citations) and all(c.article_id and c.end > c.start and c.text for c in citations)


def test_dossier_has_profile_attacks_disputes_and_questions(demo_db):
    d = khabar.who("ISKP", db=demo_db)
    assert d.entity.id == "actor:iskp" or "Khorasan" in d.entity.name
    assert d.facts and all(_cited(v.citations) for f in d.facts for v in f.values)
    assert all(v.source_groups <= v.articles for f in d.facts for v in f.values)
    kabul = [e for e in d.attacks if e.date and e.date.value == "2021-08-26"]
    assert kabul and kabul[0].articles >= 3
    assert [e.date.value for e in d.attacks if e.date] == sorted(e.date.value for e in d.attacks if e.date)
    assert any(c.kind == "founded" for c in d.disputes)
    assert d.questions and all(q.text for q in d.questions)


def test_text_markdown_and_json_carry_the_new_sections(demo_db):
    d = khabar.who("ISKP", db=demo_db)
    text = render.dossier_text(d)
    for heading in ("Profile", "Attacks (timeline)", "Where sources disagree", "Open questions"):
        assert heading in text
    markdown = render.dossier_markdown(d)
    assert "## Attacks" in markdown and "## Where sources disagree" in markdown
    data = json.loads(render.dossier_json(d))
    assert data["schema"] == "khabar.dossier/2"
    for key in ("facts", "relations", "attacks", "disputes", "questions"):
        assert key in data
    attack = data["attacks"][0]
    assert {
        "id",
        "type",
        "gtd_type",
        "acled_type",
        "date",
        "place",
        "killed",
        "perpetrators",
        "reports",
    } <= attack.keys()
    assert attack["date"] is None or {"value", "precision", "text"} <= attack["date"].keys()
    assert all(r["citation"]["article_id"] for r in attack["reports"])
    fact = data["facts"][0]
    assert fact["values"][0]["citations"][0]["text"]


def test_timeline_picture_png_and_svg(demo_db, tmp_path):
    png = khabar.timeline("ISKP", tmp_path / "iskp.png", db=demo_db)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = khabar.timeline("al-Shabaab", tmp_path / "shabaab.svg", db=demo_db)
    assert "<svg" in svg.read_text()[:2000]


def test_timeline_rejects_other_formats(demo_db, tmp_path):
    try:
        khabar.timeline("ISKP", tmp_path / "iskp.pdf", db=demo_db)
    except khabar.InputError as exc:
        assert ".png or .svg" in str(exc)
    else:
        raise AssertionError("a .pdf timeline was accepted")


def test_cli_who_writes_a_timeline(demo_db, tmp_path):
    target = tmp_path / "t.png"
    result = runner.invoke(app, ["who", "al-Shabaab", "--db", str(demo_db), "--timeline", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists() and "Attacks (timeline)" in result.output


def test_cli_events_text_json_csv(demo_db):
    text = runner.invoke(app, ["events", "--db", str(demo_db), "--place", "Mogadishu"])
    assert text.exit_code == 0, text.output
    assert "bombing in" in text.output and "reports:" in text.output
    data = json.loads(runner.invoke(app, ["events", "--db", str(demo_db), "--format", "json"]).output)
    assert data["schema"] == "khabar.events/2" and data["events"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                runner.invoke(app, ["events", "--db", str(demo_db), "-f", "csv", "--since", "2023-01-01"]).output
            )
        )
    )
    assert rows and all(r["date"] >= "2023-01-01" for r in rows if r["date"])


def test_cli_events_by_actor(demo_db):
    result = runner.invoke(app, ["events", "--db", str(demo_db), "--actor", "al-Shabaab", "-f", "json"])
    events = json.loads(result.output)["events"]
    assert events and all(any("Shabaab" in p["name"] for p in e["perpetrators"]) for e in events)


def test_cli_events_bad_since_is_an_input_error(demo_db):
    import sys

    from khabar.cli import main

    argv = sys.argv
    sys.argv = ["khabar", "events", "--db", str(demo_db), "--since", "soon"]
    try:
        main()
    except SystemExit as exc:
        assert exc.code == 2
    finally:
        sys.argv = argv
