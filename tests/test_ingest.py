"""Ingest end to end on real files into real SQLite: idempotence, rejections, kill and re-run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import EXAMPLES, ROOT, write_article

import khabar
from khabar.store import MIGRATIONS, open_store


def test_demo_corpus_ingests_with_one_recorded_rejection(demo_db):
    with open_store(demo_db) as store:
        assert store.article_count() >= 35
        rejected = store.rejections()
        assert [r.code for r in rejected] == ["json"]
        assert rejected[0].source.endswith("sa-feed.jsonl:3")
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]


def test_reingest_is_a_no_op(demo_copy):
    before = _counts(demo_copy)
    report = khabar.ingest([EXAMPLES], db=demo_copy)
    assert report.added == 0 and report.unchanged == report.read >= 35
    assert _counts(demo_copy) == before


def test_outlet_and_published_fill_missing_metadata_only(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    body = "Gunmen attacked a police post in the north of the country overnight, killing four officers. " * 3
    (folder / "plain.txt").write_text("Police post attacked\n" + body)
    write_article(folder, "meta.txt", body + " A second report.", outlet="Own Outlet", published="2020-05-01")
    db = tmp_path / "kb.db"
    khabar.ingest([folder], db=db, outlet="Given Outlet", published="2021-01-02")
    rows = dict(sqlite3.connect(db).execute("SELECT title, outlet || '|' || published FROM articles"))
    assert rows["Police post attacked"] == "Given Outlet|2021-01-02"
    assert "Own Outlet|2020-05-01" in rows.values()


def test_every_stored_span_matches_its_article_text(demo_db):
    conn = sqlite3.connect(demo_db)
    bad = conn.execute(
        "SELECT count(*) FROM mentions m JOIN articles a ON a.id = m.article_id "
        "WHERE substr(a.text, m.char_start + 1, m.char_end - m.char_start) != m.text"
    ).fetchone()[0]
    assert bad == 0
    bad = conn.execute(
        "SELECT count(*) FROM sentences s JOIN articles a ON a.id = s.article_id "
        "WHERE substr(a.text, s.char_start + 1, s.char_end - s.char_start) != s.text"
    ).fetchone()[0]
    assert bad == 0


def test_non_english_paragraphs_produce_no_english_mentions(demo_db):
    conn = sqlite3.connect(demo_db)
    leaked = conn.execute(
        "SELECT count(*) FROM mentions m JOIN paragraphs p ON p.article_id = m.article_id "
        "AND m.char_start >= p.char_start AND m.char_end <= p.char_end WHERE p.language != 'en'"
    ).fetchone()[0]
    tagged = conn.execute("SELECT count(*) FROM paragraphs WHERE language IN ('ur', 'ar', 'ps')").fetchone()[0]
    assert tagged >= 2 and leaked == 0


def test_search_finds_sentences_with_article_and_outlet(demo_db):
    hits = khabar.search("Abbey Gate", db=demo_db)
    assert hits and all("abbey gate" in h.citation.text.lower() for h in hits)
    assert all(h.citation.outlet for h in hits)
    assert khabar.search("", db=demo_db) == []
    assert khabar.search('"unbalanced quote AND OR', db=demo_db) == []


def _counts(db: Path) -> tuple[int, ...]:
    conn = sqlite3.connect(db)
    tables = ["articles", "sentences", "mentions", "entities", "aliases", "paragraphs", "dropped"]
    return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)


def _many_articles(folder: Path, n: int) -> None:
    folder.mkdir()
    texts = sorted(EXAMPLES.glob("*.txt"))
    for i in range(n):
        body = texts[i % len(texts)].read_text("utf-8").split("---", 2)[-1]
        write_article(
            folder,
            f"a{i:03}.txt",
            f"Report number {i}.\n\n{body}",
            outlet=f"Outlet {i % 7}",
            published=f"2022-01-{1 + i % 28:02}",
        )


def test_killed_run_leaves_consistent_db_and_rerun_finishes(tmp_path):
    folder, db = tmp_path / "many", tmp_path / "kb.db"
    _many_articles(folder, 60)
    cmd = [sys.executable, "-m", "khabar", "--set", "batch_size=1", "ingest", str(folder), "--db", str(db)]
    log = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 300
    while time.time() < deadline and _stored(db) < 3 and proc.poll() is None:
        time.sleep(0.1)
    assert proc.poll() is None, "ingest ended before it could be killed: " + (tmp_path / "stderr.txt").read_text()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = _stored(db)
    assert 3 <= stored < 60, "the run should have been killed part-way"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    orphans = conn.execute(
        "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM sentences s WHERE s.article_id = a.id)"
    ).fetchone()[0]
    assert orphans == 0  # no article without its analysis: each one was committed whole
    conn.close()
    report = khabar.ingest([folder], db=db)
    assert report.added == 60 - stored and report.unchanged == stored
    assert _stored(db) == 60


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(db, timeout=1)
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _open_and_close(path: str) -> str:
    from khabar.store import open_store

    open_store(path).close()
    return "ok"


def test_processes_creating_one_new_database_at_once_all_succeed(tmp_path):
    """A cluster driver and a reader (or two ingests) may create the same new file together: one migrates,
    the others wait and find it migrated (before: 'table articles already exists' or 'database is locked')."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for attempt in range(5):
        path = str(tmp_path / f"kb{attempt}.db")
        with context.Pool(4) as pool:
            assert pool.map(_open_and_close, [path] * 4) == ["ok"] * 4
