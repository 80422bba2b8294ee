"""The CLI as a user runs it: real processes, real files, exit codes, formats."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "khabar", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr}")
    return proc


def test_who_json_follows_the_documented_schema(demo_db):
    data = json.loads(run("who", "isis-k", "--db", str(demo_db), "--format", "json").stdout)
    assert data["schema"] == "khabar.dossier/2"
    assert data["name"] and data["type"] and data["articles"] >= 3
    assert {"alias", "sources", "articles", "outlets", "citations"} <= set(data["aliases"][0])
    assert data["evidence"]
    for item in data["evidence"]:
        assert {"article_id", "outlet", "start", "end", "text"} <= set(item)
        assert item["end"] > item["start"]


def test_who_text_and_markdown_cite_their_evidence(demo_db):
    text = run("who", "ISKP", "--db", str(demo_db)).stdout
    assert "Aliases" in text and "Evidence" in text and "--" in text
    md = run("who", "ISKP", "--db", str(demo_db), "--format", "md").stdout
    assert md.startswith("# ") and "## Evidence" in md


def test_unknown_name_fails_with_suggestion_and_exit_code(demo_db):
    proc = run("who", "Islamic State Khorasan", "--db", str(demo_db), check=False)
    assert proc.returncode == 5
    assert "no entity named" in proc.stderr and "Islamic State Khorasan Province" in proc.stderr


def test_missing_database_is_a_clear_error(tmp_path):
    proc = run("who", "x", "--db", str(tmp_path / "none.db"), check=False)
    assert proc.returncode == 4 and "khabar ingest" in proc.stderr


def test_search_and_show_formats(demo_db):
    hits = json.loads(run("search", "suicide bomb", "--db", str(demo_db), "--format", "json").stdout)
    assert hits["schema"] == "khabar.search/2" and hits["hits"]
    first = hits["hits"][0]["article_id"]
    shown = run("show", first[:8], "--db", str(demo_db)).stdout
    assert first in shown
    data = json.loads(run("show", first, "--db", str(demo_db), "--format", "json").stdout)
    assert data["schema"] == "khabar.article/2" and data["id"] == first and "raw" not in data


def test_ingest_of_nothing_readable_exits_non_zero_with_summary(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("")
    (tmp_path / "in" / "pic.html").write_bytes(b"\x89PNG\r\n\x1a\n....")
    proc = run("ingest", str(tmp_path / "in"), "--db", str(tmp_path / "kb.db"), check=False)
    assert proc.returncode == 1
    assert "empty.txt: file is empty" in proc.stdout and "binary file" in proc.stdout


def test_bad_setting_is_rejected(demo_db):
    proc = run("--set", "max_bytes=lots", "who", "ISKP", "--db", str(demo_db), check=False)
    assert proc.returncode == 2 and "max_bytes" in proc.stderr


def test_every_command_has_help_and_docs():
    import typer

    from khabar.cli import app

    commands = sorted(typer.main.get_command(app).commands)
    assert {"ingest", "who", "search", "show", "settings"} <= set(commands)
    readme = (ROOT / "README.md").read_text("utf-8")
    for command in commands:
        assert run(command, "--help").stdout.strip()
        assert f"khabar {command}" in readme, f"README does not document `khabar {command}`"


def test_every_setting_is_documented():
    from khabar.settings import SETTINGS, settings_markdown

    doc = (ROOT / "docs" / "settings.md").read_text("utf-8")
    assert doc == settings_markdown(), "docs/settings.md is stale: regenerate it (command in the file)"
    for setting in SETTINGS:
        assert f"`{setting.name}`" in doc, setting.name
