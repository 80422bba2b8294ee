"""The CLI as a user runs it: real processes, real files, exit codes, formats."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "khabar", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
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


# --- usage errors and exit codes (each documented code triggered once) ----------------------------


def assert_usage_error(proc: subprocess.CompletedProcess, command: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and len(lines) <= 3, proc.stderr
    assert f"Usage: khabar {command}".rstrip() in proc.stderr


def test_usage_errors_are_one_line_plus_usage_and_exit_2(demo_db):
    assert_usage_error(run("who", check=False), "who")
    assert_usage_error(run("nosuchcmd", check=False), "")
    assert_usage_error(run("who", "ISKP", "--db", str(demo_db), "--format", "xml", check=False), "who")
    assert_usage_error(run("search", "x", "--db", str(demo_db), "--limit", "many", check=False), "search")
    assert "xml" in run("who", "ISKP", "--db", str(demo_db), "--format", "xml", check=False).stderr


def test_version_and_short_help():
    import khabar

    assert run("--version").stdout.strip() == f"khabar {khabar.__version__}"
    assert "Usage: khabar" in run("-h").stdout and "Exit codes:" in " ".join(run("-h").stdout.split())
    assert "--format" in run("who", "-h").stdout


def test_read_commands_refuse_a_missing_database(tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    for args in (["who", "x"], ["search", "x"], ["events"], ["lineage"], ["edits"], ["serve"]):
        proc = run(*args, "--db", str(missing), check=False)
        assert proc.returncode == 4 and "no database at" in proc.stderr, (args, proc.stderr)
    assert not (tmp_path / "no").exists(), "a read command created the folder"


def ambiguous_name(db) -> str:
    import khabar

    with khabar.open_kb(db, create=False) as store:
        for name in store.alias_names():
            if len(store.find_entities(name)) > 1:
                return name
    raise AssertionError("the demo KB has no name shared by two entities")


def test_each_documented_exit_code(demo_db, tmp_path):
    from khabar.cli import EXIT_CODES

    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / "empty.txt").write_text("")
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a.txt").write_text("A title\n\n" + "Words of an article written for this test. " * 10)
    cases = {
        0: ["who", "ISKP", "--db", str(demo_db)],
        1: ["ingest", str(tmp_path / "nothing"), "--db", str(tmp_path / "kb1.db")],
        2: ["who", "--db", str(demo_db)],
        3: [
            "--set",
            "spacy_model=no_such_spacy_model",
            "ingest",
            str(tmp_path / "one"),
            "--db",
            str(tmp_path / "kb3.db"),
        ],
        4: ["who", "ISKP", "--db", str(tmp_path / "none.db")],
        5: ["who", "Nobody Of That Name", "--db", str(demo_db)],
        6: ["merge", ambiguous_name(demo_db), "ISKP", "--reason", "test", "--db", str(demo_db)],
    }
    assert set(cases) == {code for code, _ in EXIT_CODES}
    for code, args in cases.items():
        proc = run(*args, check=False)
        assert proc.returncode == code, (code, args, proc.stderr[-500:])
        assert "Traceback" not in proc.stderr


def test_busy_port_is_a_usage_error_not_model_missing(demo_db):
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        proc = run("serve", "--db", str(demo_db), "--port", str(port), check=False)
    assert proc.returncode == 2 and "choose another --port" in proc.stderr


def test_progress_counts_articles_through_the_stages(tmp_path):
    import khabar

    lines = [
        json.dumps({"title": f"Report {i}", "text": f"Report number {i} written for this test. " * 12})
        for i in range(4)
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    seen = []
    khabar.ingest([tmp_path / "feed.jsonl"], db=tmp_path / "kb.db", progress=seen.append)
    done = [p.added + p.unchanged for p in seen]
    assert done == sorted(done) and done[-1] == 4
    assert {1, 2, 3, 4} <= set(done), "progress was reported per file, not per article"
    assert seen[-1].articles_read == 4 and seen[-1].files_total == 1
