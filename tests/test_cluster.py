"""``khabar ingest --workers N`` / ``--scheduler``: the per-article work on a real Dask cluster.

Every test compares the knowledge base built on the cluster with the one a single-process run
builds from the same articles: the same articles, sentences, mentions and their entities, entities,
events, facts, relations and source groups. Clusters are real: a ``LocalCluster`` of worker
processes, and a ``dask scheduler`` + ``dask worker`` pair started as programs on 127.0.0.1.
Under ``CI=true`` a missing Dask fails instead of skipping.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

import khabar
from khabar.store import open_store

if os.environ.get("CI") == "true":
    import distributed  # noqa: F401 (CI=true: a missing Dask fails loudly)
else:
    pytest.importorskip("distributed", reason="pip install 'khabar[cluster]'")

from khabar.cluster import ingest_cluster, open_client  # noqa: E402

pytestmark = pytest.mark.slow

# Copies and rewrites of one story, a second story told twice, and unrelated articles.
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


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cluster-in")
    for name in SAMPLE:
        (folder / name).write_bytes((EXAMPLES / name).read_bytes())
    return folder


@pytest.fixture(scope="module")
def single_kb(sample_dir, tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("single") / "kb.db"
    report = khabar.ingest([sample_dir], db=db)
    assert report.added == len(SAMPLE)
    return snapshot(db)


def snapshot(db) -> dict:
    """The knowledge base as plain values (no timestamps)."""
    with open_store(db) as store:
        ids = store.article_ids()
        return {
            "articles": ids,
            "texts": [store.get_article(i).text for i in ids],
            "sentences": [store.sentences(i) for i in ids],
            "mentions": [store.mentions(i) for i in ids],
            "entities": store.entity_summaries(limit=10_000),
            "aliases": store.all_aliases(),
            "places": store.places(),
            "events": store.event_reports(),
            "facts": store.facts(),
            "relations": store.relation_edges(),
            "pairs": {(e.a, e.b): store.stored_pairs(e.a, e.b) for e in store.relation_edges()},
            "groups": store.source_groups(),
            "fingerprints": [(f.article_id, f.minhash.tolist(), f.keys) for f in store.fingerprints()],
        }


def assert_same_kb(mine: dict, single: dict) -> None:
    assert mine.keys() == single.keys()
    different = [k for k in single if mine[k] != single[k]]
    assert not different, f"cluster KB differs from the single-process KB in {different}"
    assert len(single["articles"]) == len(SAMPLE) and single["relations"] and single["events"]


def test_local_cluster_of_two_workers_survives_a_killed_worker(sample_dir, single_kb, tmp_path):
    db = tmp_path / "cluster.db"
    client = open_client(workers=2)
    try:
        pids = client.run(os.getpid)
        assert len(pids) == 2 and os.getpid() not in pids.values()
        outcome: dict = {}

        def run() -> None:
            try:
                with open_store(db) as store:
                    outcome["report"] = ingest_cluster(
                        store, [sample_dir], client=client, batch=1, settings=khabar.load_settings()
                    )
            except BaseException as exc:  # noqa: BLE001 (re-raised below)
                outcome["error"] = exc

        open_store(db).close()
        thread = threading.Thread(target=run)
        thread.start()
        killed = _kill_a_busy_worker(client, db, pids)
        thread.join(600)
        assert not thread.is_alive()
        if "error" in outcome:
            raise outcome["error"]
        assert killed, "no worker was busy when one was to be killed"
        assert outcome["report"].added == len(SAMPLE)
    finally:
        client.close()
        client.cluster.close() if getattr(client, "cluster", None) else None
    assert_same_kb(snapshot(db), single_kb)


def _kill_a_busy_worker(client, db: Path, pids: dict[str, int]) -> bool:
    """After the first article is saved, SIGKILL a worker process that holds unfinished batches."""
    deadline = time.time() + 300
    while time.time() < deadline:
        with open_store(db) as store:
            saved = store.article_count()
        busy = [w for w, tasks in client.processing().items() if tasks]
        if saved >= 1 and busy:
            os.kill(pids[busy[0]], signal.SIGKILL)
            return True
        if saved >= len(SAMPLE):
            return False
        time.sleep(0.1)
    return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}


def test_scheduler_and_worker_programs_on_loopback(sample_dir, single_kb, tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "dask"]
    scheduler = subprocess.Popen(
        [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0", "--no-show"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    worker = subprocess.Popen(
        [
            *dask,
            "worker",
            address,
            "--host",
            "127.0.0.1",
            "--nworkers",
            "1",
            "--nthreads",
            "1",
            "--no-dashboard",
            "--memory-limit",
            "0",
        ],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_worker(address)
        db = tmp_path / "kb.db"
        done = subprocess.run(
            [sys.executable, "-m", "khabar", "ingest", str(sample_dir), "--db", str(db), "--scheduler", address],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    finally:
        for process in (worker, scheduler):
            process.terminate()
        for process in (worker, scheduler):
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    assert_same_kb(snapshot(db), single_kb)


def _wait_for_worker(address: str) -> None:
    from distributed import Client

    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with Client(address, timeout="5s") as client:
                client.wait_for_workers(1, timeout=120)
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"no Dask worker joined {address}")


def test_killed_driver_leaves_a_consistent_store_and_a_rerun_finishes(sample_dir, single_kb, tmp_path):
    db = tmp_path / "kb.db"
    command = [sys.executable, "-m", "khabar", "ingest", str(sample_dir), "--db", str(db), "--workers", "1"]
    driver = subprocess.Popen(
        command, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.time() + 400
        while time.time() < deadline and driver.poll() is None:
            if db.exists():
                with open_store(db) as store:
                    if store.article_count() >= 2:
                        break
            time.sleep(0.1)
        assert driver.poll() is None, "the driver ended before it could be killed"
        os.killpg(driver.pid, signal.SIGKILL)  # the driver and its LocalCluster, mid-run
        driver.wait(30)
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
    with open_store(db) as store:  # consistent: every stored article is whole
        partial = store.article_count()
        assert 2 <= partial < len(SAMPLE)
        for article_id in store.article_ids():
            assert store.sentences(article_id)
    done = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert_same_kb(snapshot(db), single_kb)
