"""The README is executed: every command of its CLI tour and its Python API section, on the demo KB.

Commands run as the README writes them (``kb.db`` is a copy of the demo knowledge base, the
working directory a scratch folder with ``examples/`` linked in), in-process through the CLI's own
entry point. Each command must exit 0 and its output must show what the README's comment says.
A README line without an expectation here fails the test, so the tour cannot drift from the tool.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT
from fetchsite import Site, html, page, text
from test_warc import write_warc

import khabar
from khabar import schemas
from khabar.cli import main

README = (ROOT / "README.md").read_text("utf-8")


def block_after(heading: str, lang: str = "") -> str:
    """The first fenced code block after ``heading``."""
    part = README[README.index(heading) :]
    match = re.search(r"```" + lang + r"\n(.*?)```", part, re.S)
    assert match, f"no code block under {heading}"
    return match.group(1)


def tour_commands() -> list[list[str]]:
    """The CLI tour's commands as argument lists (the comment after `#` dropped)."""
    commands = []
    for line in block_after("## CLI tour").splitlines():
        line = line.strip()
        if line.startswith("khabar "):
            commands.append(shlex.split(line, comments=True)[1:])
    return commands


def first_json(text: str) -> dict:
    return json.loads(text[text.index("{") :])


def valid(text: str) -> bool:
    schemas.validate(first_json(text))
    return True


# The tour's fetch and watch commands name this site; here they reach a local one written for the test
# (a story and a feed of two more), through --allow-net, since nothing here may reach the internet.
NEWS = "https://news.example.org"


# What each command's output must show: (a key word sequence of the command, check of stdout+stderr).
EXPECT = [
    (["ingest", "examples/corpus", "--db"], lambda o: "Read 37 article(s)" in o and "already stored" in o),
    (["ingest", "examples/corpus/af-feed.jsonl"], lambda o: "article(s)" in o and "already stored" in o),
    (["who", "ISKP", "--db"], lambda o: "Islamic State Khorasan Province" in o and "Aliases" in o and "Evidence" in o),
    (["who", "is-k", "--format", "md"], lambda o: o.startswith("# Islamic State Khorasan Province")),
    (["who", "ISKP", "--format", "json"], lambda o: valid(o) and first_json(o)["schema"] == "khabar.dossier/2"),
    (["search", "suicide bomber"], lambda o: "sentence(s) match" in o and " -- " in o),
    (["show", "examples/corpus/sa-kabul-airport-wire.txt"], lambda o: "Kabul" in o and "[" in o),
    (
        ["compare", "examples/corpus/sa-kabul-airport-wire.txt", "examples/corpus/sa-kabul-airport-wire-northline.txt"],
        lambda o: re.search(r"\b(copy|rewrite)\b", o) is not None,
    ),
    (["compare", "--db", "--format", "json"], lambda o: valid(o) and first_json(o)["relation"] in ("copy", "rewrite")),
    (
        ["lineage", "--picture", "lineage.svg"],
        lambda o: "independent source group(s)" in o and "<svg" in Path("lineage.svg").read_text("utf-8")[:3000],
    ),
    (["relate"], lambda o: "compared with the rest" in o),
    (["who", "Kunduz", "--format", "json"], lambda o: valid(o) and first_json(o)["place"]["latitude"] is not None),
    (["who", "ISKP", "--timeline", "iskp.png"], lambda o: Path("iskp.png").read_bytes()[:4] == b"\x89PNG"),
    (["events", "--actor", "ISKP", "--since", "2021"], lambda o: "event(s)" in o and "killed" in o),
    (
        ["events", "--place", "Kabul", "--format", "csv"],
        lambda o: o.startswith("id,type,type_label,gtd_type,acled_type") and o.count("\n") >= 2,
    ),
    (["merge", "Ag Ghaly", "Iyad Ag Ghaly"], lambda o: "Recorded edit" in o and "merge" in o),
    (["split", "place:169387", "Barisha"], lambda o: "Recorded edit" in o and "split" in o),
    (["note", "Iyad Ag Ghaly"], lambda o: "Recorded edit" in o and "note on person:iyad-ag-ghaly" in o),
    (["undo", "--db"], lambda o: o.startswith("Undid edit")),
    (["edits", "--db"], lambda o: "in force" in o and "undone" in o),
    (["conflicts", "--db"], lambda o: bool(o.strip())),
    (["serve", "--db"], None),  # run in a process of its own below
    (
        ["export", "--format", "stix"],
        lambda o: "wrote" in o and json.loads(Path("kb.stix.json").read_text())["type"] == "bundle",
    ),
    (["fetch", NEWS + "/story"], lambda o: "added" in o),
    (["watch", NEWS + "/rss.xml", "--once"], lambda o: "added" in o),
    (["watch", "--every", "15m"], None),  # runs until stopped: in a process of its own below
    (["sources", "--db"], lambda o: "/rss.xml" in o),
    (["ingest", "crawl.warc.gz"], lambda o: "Read 3 article(s)" in o),
    (["settings"], lambda o: "min_words = " in o),
    (["--set", "min_words=20", "ingest"], lambda o: "Read " in o and "article(s)" in o),
]


def expectation(args: list[str]):
    """The most specific expectation whose words all occur in the command, in order."""
    matches = [(words, check) for words, check in EXPECT if all(w in args for w in words) and _in_order(words, args)]
    if matches:
        return max(matches, key=lambda m: len(m[0]))
    raise AssertionError(f"README command without an expectation in tests/test_readme.py: khabar {shlex.join(args)}")


def _in_order(words: list[str], args: list[str]) -> bool:
    positions = [args.index(w) for w in words]
    return positions == sorted(positions)


@pytest.fixture()
def news_site():
    site = Site().start()
    site.routes["/robots.txt"] = text("User-agent: *\nAllow: /\n")
    for n in range(3):
        site.routes[f"/story{n or ''}"] = html(
            page(
                f"Harbour crane story {n}",
                f"Story {n}: the harbour authority said on Friday that {n + 3} cranes had "
                "stopped working after a power cut in the port district of the city.",
                "Dock workers waited for the engineers, who said the repairs would take until the next week.",
            )
        )
    items = "".join(
        f"<item><title>Story {n}</title><link>{site.url(f'/story{n}')}</link><guid>s{n}</guid></item>" for n in (1, 2)
    )
    site.routes["/rss.xml"] = text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>{items}</channel></rss>',
        "application/rss+xml",
    )
    yield site
    site.stop()


def local(args: list[str], site: Site) -> list[str]:
    """The command with the README's news site replaced by the local one (reachable with --allow-net)."""
    if not any(a.startswith(NEWS) for a in args) and args[0] != "watch":
        return args
    return [site.url(a[len(NEWS) :]) if a.startswith(NEWS) else a for a in args] + ["--allow-net", "127.0.0.1/32"]


@pytest.fixture()
def tour_dir(demo_db, tmp_path, monkeypatch):
    shutil.copy(demo_db, tmp_path / "kb.db")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    write_warc(tmp_path / "crawl.warc.gz")  # the web archive the tour ingests: three pages and other records
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    argv = sys.argv
    sys.argv = ["khabar", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_answers(args: list[str]) -> None:
    """`khabar serve` as the README writes it (plus a free --port): the home page answers, then we stop it."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "khabar", *args, "--port", str(port)],
        cwd=Path.cwd(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    assert answer.status == 200 and b"khabar" in answer.read()
                    return
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "khabar serve did not answer within 90 s"
                time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def watch_keeps_watching(args: list[str]) -> None:
    """`khabar watch --every` as the README writes it: it makes a pass, says it goes on, and stops on a signal."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "khabar", *args],
        cwd=Path.cwd(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "KHABAR_FETCH_HOST_DELAY": "0"},
    )
    try:
        seen = ""
        deadline = time.monotonic() + 120
        while "watching every 15m" not in seen:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, f"khabar watch --every stopped by itself:\n{seen}"
            assert time.monotonic() < deadline, f"khabar watch --every said nothing within 120 s:\n{seen}"
            seen += line
        assert proc.poll() is None, "khabar watch --every stopped after one pass"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_every_tour_command_runs_and_shows_what_the_readme_says(tour_dir, news_site, capsys, monkeypatch):
    monkeypatch.setenv("KHABAR_FETCH_HOST_DELAY", "0")
    commands = tour_commands()
    assert len(commands) >= 20, "the CLI tour lost its commands"
    for written in commands:
        words, check = expectation(written)
        args = local(written, news_site)
        if check is None:
            (watch_keeps_watching if args[0] == "watch" else serve_answers)(args)
            continue
        code, output = run_cli(args, capsys)
        assert code == 0, f"khabar {shlex.join(args)} exited {code}:\n{output[-2000:]}"
        assert check(output), f"khabar {shlex.join(args)}: output lacks what the README says:\n{output[:2000]}"


def test_the_python_api_section_runs(tour_dir):
    code = block_after("## Python API", "python")
    namespace: dict = {}
    exec(compile(code, "README.md (Python API)", "exec"), namespace)
    assert namespace["report"].read == 37 and namespace["report"].unchanged == 37
    assert namespace["dossier"].entity.name == "Islamic State Khorasan Province" and namespace["dossier"].evidence
    assert namespace["cmp"].relation.value in ("copy", "rewrite")
    assert namespace["groups"].groups and namespace["events"] and namespace["facts"]
    assert Path("iskp.svg").read_text("utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert namespace["edit"].action == "merge" and khabar.edits(db="kb.db")[-1].id == namespace["edit"].id
    assert Path("kb.stix.json").exists() and namespace["hits"]
    assert namespace["doc"]["schema"] == "khabar.dossier/2"
    schemas.validate(namespace["doc"])
    namespace["store"].close()


def test_exit_codes_are_documented_once_and_shown_by_help():
    from khabar.cli import exit_codes_text

    assert exit_codes_text() in README
    assert README.count("Exit codes:") == 1


def test_ci_runs_exactly_the_readme_test_command():
    """CI's entry point calls the command the README opens with; Makefile refuses an old Python."""
    opening = re.match(r"# khabar\n+```\n(.*?)```", README, re.S)
    assert opening, "the README must open with its two commands"
    commands = [line.split("#")[0].strip() for line in opening.group(1).splitlines()]
    assert commands == ["make demo", "make test"]
    ci_lines = [line.strip() for line in (ROOT / ".ci/run").read_text("utf-8").splitlines()]
    assert "make test" in ci_lines
    assert (ROOT / ".ci/run").stat().st_mode & 0o111, ".ci/run must be executable"
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "sys.version_info < (3, 11)" in makefile
