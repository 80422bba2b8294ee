"""Shared test fixtures: real files, real SQLite databases, the real spaCy pipeline."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import khabar

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "corpus"
EVAL_DATA = ROOT.parent / "shared" / "eval-data"


def write_article(folder: Path, name: str, body: str, **meta: str) -> Path:
    """Write a front-matter text article and return its path."""
    head = "".join(f"{k}: {v}\n" for k, v in meta.items())
    path = folder / name
    path.write_text(f"---\n{head}---\n{body.strip()}\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_internal_errors(request):
    """Any internal error (a bug met on an input, turned into a rejection by the guard) fails the test."""
    from khabar.guard import internal_errors_seen

    before = internal_errors_seen()
    yield
    if request.node.get_closest_marker("internal_errors_expected") is None:
        assert internal_errors_seen() == before, "khabar hit internal errors: see the rejections with code 'internal'"


@pytest.fixture(scope="session")
def outlines():
    """The packaged country outlines, built here when missing (as `make outlines` does), so that map tests
    run on a plain `pytest` of a fresh clone. A build that fails skips them loudly, and fails under CI=true."""
    from khabar.render import outlines as module

    if not module.load_outlines():
        target = Path(module.__file__).resolve().parent.parent / "data" / "outlines" / module.OUTLINES_FILE
        try:
            module.build(target)
        except Exception as exc:  # noqa: BLE001 (reported below)
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI=true and the country outlines could not be built: {exc}")
            pytest.skip(f"MAP TESTS SKIPPED: the country outlines could not be built ({exc})")
        module.load_outlines.cache_clear()
    return module.load_outlines()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo corpus ingested once per test session (read-only for tests).

    Ingested as ``examples/corpus`` from the repository root, as the README does, so that source
    paths such as ``examples/corpus/x.txt`` name stored articles (tests/test_readme.py).
    """
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        report = khabar.ingest([EXAMPLES.relative_to(ROOT)], db=db)
    finally:
        os.chdir(here)
    assert report.added > 20, report
    return db


@pytest.fixture()
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo database that a test may modify."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_db, target)
    return target
