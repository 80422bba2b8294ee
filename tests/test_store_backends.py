"""The store on both backends: SQLite (the embedded default) and PostgreSQL (``--db postgresql://``).

Every test takes the ``backend`` fixture parameter and runs twice. The PostgreSQL runs use a
throwaway server from Debian's package (``tests/pgserver.py``: initdb + pg_ctl in a temp dir, on
127.0.0.1, a free port); under ``CI=true`` a missing PostgreSQL fails instead of skipping.

The same articles are ingested into one knowledge base per backend (the full pipeline: spaCy,
resolution, relations, events, facts); every read of the :class:`~khabar.store.Store` interface
must then give the same typed values on both.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, write_article
from pgserver import PgServer, find_bindir

import khabar
from khabar.errors import StoreError
from khabar.models import Rejection
from khabar.store import open_store
from khabar.web import create_app

# A copy, a rewrite and independent reports of the same story, plus other stories and a JSONL feed.
SAMPLE = [
    "af-mogadishu-2017-first-reports.txt",
    "af-mogadishu-2017-toll-512.txt",
    "af-mogadishu-2017-toll-over-200.html",
    "af-mogadishu-2022-wire-coastal.html",
    "af-mogadishu-2022-wire-horn.html",
    "af-palma-2021.txt",
    "af-shekau-death-2021.html",
    "af-chibok-ten-years.txt",
]


@pytest.fixture(scope="session")
def pg_server():
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL is not installed (make postgres, or apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    pytest.importorskip("psycopg") if os.environ.get("CI") != "true" else __import__("psycopg")
    server = PgServer(bindir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    for name in SAMPLE:
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


def _new_db(backend: str, request, tmp_path_factory) -> str:
    if backend == "sqlite":
        return str(tmp_path_factory.mktemp("kb") / "kb.db")
    return request.getfixturevalue("pg_server").new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture()
def empty_db(backend, request, tmp_path_factory) -> str:
    """A fresh, empty knowledge base on this backend."""
    return _new_db(backend, request, tmp_path_factory)


_KBS: dict[str, str] = {}


@pytest.fixture()
def sample_kb(backend, request, tmp_path_factory, sample_dir) -> str:
    """The sample articles ingested once per backend (tests must not modify it)."""
    if backend not in _KBS:
        db = _new_db(backend, request, tmp_path_factory)
        report = khabar.ingest([sample_dir], db=db)
        assert report.added == len(SAMPLE), report
        _KBS[backend] = db
    return _KBS[backend]


@pytest.fixture()
def both_kbs(request, tmp_path_factory, sample_dir) -> tuple[str, str]:
    out = []
    for backend in ("sqlite", "postgresql"):
        if backend not in _KBS:
            request.getfixturevalue("pg_server") if backend == "postgresql" else None
            db = _new_db(backend, request, tmp_path_factory)
            report = khabar.ingest([sample_dir], db=db)
            assert report.added == len(SAMPLE), report
            _KBS[backend] = db
        out.append(_KBS[backend])
    return out[0], out[1]


# --- the interface on each backend ------------------------------------------------------------------


def test_migrations_named_and_recorded(empty_db):
    with open_store(empty_db) as store:
        names = store.applied_migrations()
        assert names == sorted(names) and names[0] == "0001_core" and "0004_events" in names
    with open_store(empty_db) as store:  # re-opening applies nothing twice
        assert store.applied_migrations() == names


def test_refuses_missing_database(backend, tmp_path, request):
    if backend == "sqlite":
        missing = str(tmp_path / "nothing.db")
    else:
        server = request.getfixturevalue("pg_server")
        missing = server.new_database()  # exists as a database, but holds no khabar schema
    with pytest.raises(StoreError, match="no .*database at"):
        open_store(missing, create=False)


def test_ingest_is_idempotent_and_counts(sample_kb, sample_dir):
    with open_store(sample_kb) as store:
        assert store.article_count() == len(SAMPLE)
        assert store.fingerprint_count() == len(SAMPLE)
        assert store.articles_without_fingerprint() == []
    report = khabar.ingest([sample_dir], db=sample_kb)
    assert report.added == 0 and report.unchanged == len(SAMPLE)


def test_full_text_search(sample_kb):
    with open_store(sample_kb) as store:
        hits = store.search("lorry bomb")
        assert hits, "no hit for a phrase the Mogadishu articles use"
        for hit in hits:
            text = hit.citation.text.lower()
            assert "lorry" in text and "bomb" in text
        assert [h.rank for h in hits] == sorted(h.rank for h in hits)  # best (lowest) first
        prefix = store.search("Mogad")  # a word prefix finds the word
        assert prefix and all("mogad" in h.citation.text.lower() for h in prefix)
        assert store.search("zzqxv nowhere") == [] and store.search("  ,;") == []


def test_atomic_rolls_back_whole(empty_db):
    rejection = Rejection("a.txt", "too-short", "7 words")
    with open_store(empty_db) as store:
        with pytest.raises(RuntimeError):
            with store.atomic():
                store.record_rejection(rejection)
                raise RuntimeError("killed half-way")
        assert store.rejections() == []
        store.record_rejection(rejection)
        store.record_rejection(Rejection("a.txt", "too-short", "8 words"))  # latest reason wins
        assert store.rejections() == [Rejection("a.txt", "too-short", "8 words")]


def test_sentence_vectors_kept_once_by_key(empty_db):
    from khabar.models import SentenceVector

    first, other = np.arange(4, dtype=np.float32) / 4, np.ones(4, dtype=np.float32) / 2
    with open_store(empty_db) as store:
        assert store.sentence_vectors("minilm", ["k1"]) == {}
        store.save_sentence_vectors([SentenceVector("minilm", "k1", first), SentenceVector("minilm", "k2", other)])
        store.save_sentence_vectors([SentenceVector("minilm", "k1", other)])  # a key already kept keeps its vector
        store.save_sentence_vectors([])
    with open_store(empty_db) as store:
        got = store.sentence_vectors("minilm", ["k1", "k2", "k3", "k1"])
        assert sorted(got) == ["k1", "k2"] and got["k1"].tolist() == first.tolist()
        assert got["k2"].dtype == np.float32 and got["k2"].tolist() == other.tolist()
        assert store.sentence_vectors("e5", ["k1"]) == {}  # per model


def test_edits_merge_and_undo(backend, empty_db, tmp_path):
    a = write_article(
        tmp_path,
        "a.txt",
        "Officials said the Northern Hawks Brigade attacked a convoy near Kandula "
        "on Monday. The Northern Hawks Brigade has fought there for years, residents said.",
        outlet="Paper One",
        published="2024-03-04",
    )
    b = write_article(
        tmp_path,
        "b.txt",
        "Police blamed the Hawks of the North for a raid on a market in Kandula. "
        "The Hawks of the North did not comment, a police spokesman told reporters.",
        outlet="Paper Two",
        published="2024-03-09",
    )
    khabar.ingest([a, b], db=empty_db)
    with open_store(empty_db) as store:
        groups = [e for e in store.entity_summaries(cls="GROUP")]
    names = {g.name: g.id for g in groups}
    assert len(names) >= 2, names
    first, second = sorted(names.values())[:2]
    edit = khabar.merge(first, second, db=empty_db, reason="same group", analyst="test")
    assert edit.id is not None and edit.id >= 1
    with open_store(empty_db) as store:
        live = {e.id for e in store.entity_summaries(cls="GROUP")}
        assert first not in live and second in live
        assert store.edits(active_only=True)[0].id == edit.id
    undone = khabar.undo(db=empty_db, analyst="test")
    assert undone.id == edit.id
    with open_store(empty_db) as store:
        assert {e.id for e in store.entity_summaries(cls="GROUP")} >= {first, second}
        assert store.edits(active_only=True) == []


def test_reader_answers_while_a_writer_writes(empty_db, sample_dir):
    """A reader (the web app's connection) keeps answering during an ingest, and sees whole articles."""
    errors: list[BaseException] = []
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        try:
            with open_store(empty_db) as store:
                while True:  # one more read after the writer is done: the last one sees all it committed
                    finished = done.is_set()
                    n = store.article_count()
                    assert store.fingerprint_count() >= n
                    seen.append(n)
                    if finished:
                        break
                    time.sleep(0.05)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    open_store(empty_db).close()
    reader = threading.Thread(target=read)
    reader.start()
    try:
        khabar.ingest([sample_dir / SAMPLE[0], sample_dir / SAMPLE[1], sample_dir / SAMPLE[5]], db=empty_db)
    finally:
        done.set()
        reader.join(30)
    assert not errors, errors
    assert seen and seen == sorted(seen) and seen[-1] in (2, 3), seen


# --- the same values from both backends --------------------------------------------------------------


def _reads(db: str) -> dict[str, object]:
    """Every read of the store interface over the whole knowledge base, as plain values."""
    out: dict[str, object] = {}
    with open_store(db) as store:
        ids = store.article_ids()
        out["overview"] = store.overview()
        out["ids"] = ids
        out["articles"] = [store.get_article(i) for i in ids]
        out["prefix"] = store.resolve_article_ref(ids[0][:8])
        out["sentences"] = [store.sentences(i) for i in ids]
        out["mentions"] = [store.mentions(i) for i in ids]
        out["texts"] = [store.stored_text(i) for i in ids]
        out["refs"] = store.article_refs(ids)
        # ranks differ by design (FTS5's bm25 vs PostgreSQL's ts_rank): the same sentences are found
        out["search"] = sorted((h.citation.article_id, h.citation.start) for h in store.search("attack", limit=500))
        out["summaries"] = store.article_summaries(limit=100)
        out["summaries_ids"] = store.article_summaries(ids=ids[:3])
        out["search_articles"] = store.search_articles("mogadishu")
        out["entities"] = entities = store.entity_summaries(limit=1000)
        out["groups"] = store.entity_summaries(cls="GROUP", limit=1000)
        out["search_entities"] = store.search_entities("al")
        out["alias_names"] = store.alias_names()
        out["all_aliases"] = store.all_aliases()
        out["entity_articles"] = store.entity_articles()
        out["comentions"] = store.comentions(min_articles=1)
        out["places"] = store.places()
        out["resolved_places"] = store.places(resolved=True)
        out["conflicts"] = store.alias_conflicts()
        for e in entities[:25]:
            out[f"entity:{e.id}"] = (
                store.entity(e.id),
                store.entity_record(e.id),
                store.entity_summary(e.id),
                store.entity_reach(e.id),
                sorted(store.entity_article_ids(e.id)),
                store.alias_support(e.id),
                store.neighbours(e.id),
                store.mention_sentences(e.id),
                store.place(e.id),
                store.find_entities(e.name),
                store.facts(subject_ids=[e.id]),
                store.alias_conflicts(e.id),
            )
        out["neighbour_sets"] = store.entity_neighbours([e.id for e in entities[:10]])
        out["article_entities"] = [store.article_entity_ids(i) for i in ids]
        out["source_groups"] = store.source_groups()
        out["group_map"] = store.source_group_map(ids)
        out["group_count"] = store.source_group_count(ids)
        out["lineage"] = store.relation_edges()
        out["derived"] = store.relation_edges(derived_only=True)
        out["pairs"] = {(e.a, e.b): store.stored_pairs(e.a, e.b) for e in out["lineage"]}
        out["fingerprints"] = [
            (
                f.article_id,
                f.minhash.tolist(),
                np.round(f.embedding, 6).tolist(),
                f.keys,
                f.language,
                f.published,
                None if f.lede is None else np.round(f.lede, 6).tolist(),
            )
            for f in store.fingerprints()
        ]
        out["events"] = store.event_reports()
        out["events_some"] = store.event_reports(article_ids=ids[:2])
        out["facts"] = store.facts()
        spans = [(i, 0, 40) for i in ids]
        out["citations"] = store.citations(spans)
        out["citation"] = store.citation(ids[0], 5, 30)
    return out


def _first_difference(a, b):
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return (i, _first_difference(x, y))
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if a.get(k) != b.get(k):
                return (k, _first_difference(a.get(k), b.get(k)))
    return (a, b)


def test_both_backends_hold_the_same_knowledge_base(both_kbs):
    sqlite_db, pg_db = both_kbs
    left, right = _reads(sqlite_db), _reads(pg_db)
    assert left.keys() == right.keys()
    different = [k for k in left if left[k] != right[k]]
    assert not different, {k: _first_difference(left[k], right[k]) for k in different[:4]}
    # the comparison compared something: a real KB with relations, events, entities
    assert (
        left["overview"].articles == len(SAMPLE) and left["lineage"] and left["events"] and len(left["entities"]) > 20
    )


def test_both_backends_give_the_same_dossier(both_kbs):
    sqlite_db, pg_db = both_kbs
    for name in ("al-Shabaab", "Boko Haram"):
        mine, theirs = khabar.who(name, db=sqlite_db), khabar.who(name, db=pg_db)
        assert dataclasses.asdict(mine) == dataclasses.asdict(theirs), name


def test_cli_takes_a_postgresql_url(pg_server, sample_dir, capsys):
    from khabar import cli

    url = pg_server.new_database()
    with pytest.raises(SystemExit) as stop:
        import sys

        argv, sys.argv = sys.argv, ["khabar", "ingest", str(sample_dir / SAMPLE[5]), "--db", url]
        try:
            cli.main()
        finally:
            sys.argv = argv
    assert stop.value.code in (0, None)
    with open_store(url, create=False) as store:
        assert store.article_count() == 1


def test_web_app_on_postgresql_answers_while_an_ingest_writes(pg_server, sample_dir):
    from fastapi.testclient import TestClient

    url = pg_server.new_database()
    khabar.ingest([sample_dir / SAMPLE[0]], db=url)
    statuses: list[int] = []
    counts: list[int] = []
    writer = threading.Thread(
        target=khabar.ingest, args=([sample_dir / SAMPLE[1], sample_dir / SAMPLE[5]],), kwargs={"db": url}
    )
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        writer.start()
        while writer.is_alive() or not counts:
            answer = client.get("/api/overview")
            statuses.append(answer.status_code)
            counts.append(answer.json()["articles"])
            statuses.append(client.get("/api/search", params={"q": "Mogadishu"}).status_code)
            time.sleep(0.05)
        writer.join()
        counts.append(client.get("/api/overview").json()["articles"])
    assert set(statuses) == {200} and len(statuses) > 2
    assert counts == sorted(counts) and counts[0] >= 1 and counts[-1] == 3


def test_shared_reads_are_built_once_and_again_after_any_commit(tmp_path):
    """Issue 16: ``SharedReads`` keeps a value until a connection commits (``PRAGMA data_version``)."""
    import threading

    from khabar.store import SharedReads, open_store

    db = tmp_path / "kb.db"
    writer = open_store(db)
    reader = open_store(db)
    reader.shared = SharedReads(db)
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    threads = [threading.Thread(target=reader.cached, args=("k", build)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1  # one builder, the others waited for its value
    assert reader.cached("k", build) is not None and len(calls) == 1
    with writer.atomic() as conn:
        conn.execute("CREATE TABLE scratch (x)")  # any commit by another connection
    reader.cached("k", build)
    assert len(calls) == 2
    with reader.atomic() as conn:
        conn.execute("DROP TABLE scratch")  # a commit by the reading store itself counts too
    reader.cached("k", build)
    assert len(calls) == 3 and reader.shared.builds == 3
    assert open_store(db).cached("k", lambda: "unshared") == "unshared"  # a store without shared reads builds


def test_shared_reads_keep_the_most_recently_used_values_only(tmp_path):
    from khabar.store import SharedReads, open_store

    db = tmp_path / "kb.db"
    open_store(db).close()
    shared = SharedReads(db, max_values=2)
    for key in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" comes
        shared.get(key, key.upper)
    assert shared.builds == 3
    assert shared.get("a", lambda: "rebuilt") == "A" and shared.get("b", lambda: "rebuilt") == "rebuilt"
