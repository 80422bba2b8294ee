"""The stage contract (docs/architecture.md): per-article stages are pure, the pipeline alone writes.

An article is taken apart by hand here: cleaned, analysed, resolved, run through the per-article
stages in *another process*, pickled back, linked against the knowledge base through a read-only
view, and saved. The knowledge base must come out the same as a plain ingest of the same files.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import khabar
from khabar.clean import clean
from khabar.entities import resolve
from khabar.models import ArticleResult
from khabar.nlp import analyse, load_pipeline
from khabar.pipeline import (
    CrossArticleStage,
    KnowledgeView,
    default_stages,
    derive_article,
    link_article,
    save_result,
)
from khabar.settings import load_settings
from khabar.sources import list_sources, read_sources
from khabar.store import open_store
from tests.conftest import write_article

_BODY = """
MAIDUGURI — Gunmen from the Ansar Hills Brigade attacked a market in the town of Konduga on
Tuesday, killing nine traders and wounding fourteen others, police spokesman Idris Bello said.

The Ansar Hills Brigade, led by Musa Karimi, claimed the attack in a statement on Wednesday.
The group was founded in 2016 and has about 300 fighters, according to the army.
"""

_REWRITE = """
MAIDUGURI — Nine traders were killed and fourteen wounded on Tuesday when gunmen of the Ansar Hills
Brigade stormed a market in Konduga town, said Idris Bello, a police spokesman.

In a Wednesday statement, the Ansar Hills Brigade, which Musa Karimi leads, said it carried out the
attack. The army says the group, founded in 2016, has about 300 fighters.
"""


def _articles(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_article(
            folder, "a.txt", _BODY, title="Market attack in Konduga", outlet="North Post", published="2024-03-12"
        ),
        write_article(
            folder,
            "b.txt",
            _REWRITE,
            title="Nine traders killed in Konduga",
            outlet="Lake Wire",
            published="2024-03-13",
        ),
    ]


def _clean(path: Path):
    settings = load_settings()
    sources, _ = list_sources([path])
    (doc,) = read_sources(sources, max_bytes=settings.max_bytes)
    return clean(doc, min_words=settings.min_words, language_min_score=settings.language_min_score)


def _derive_elsewhere(article, analysis, resolution):
    """Runs in a worker process: spaCy and the stages are its own; only values cross."""
    settings = load_settings()
    ((_, doc),) = analyse(load_pipeline(settings.spacy_model), [article])
    return pickle.dumps(derive_article(article, analysis, resolution, doc, default_stages(settings)))


class ReadOnly:
    """A store seen through the read-only protocols only: any other method (a write) is refused."""

    allowed = {n for proto in KnowledgeView.__mro__ for n in vars(proto) if not n.startswith("_")}

    def __init__(self, store) -> None:
        self._store = store
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        if name not in self.allowed:
            raise AssertionError(f"a cross-article stage used Store.{name}, which is not in its read protocol")
        self.calls.append(name)
        return getattr(self._store, name)


def _rows(db: Path) -> dict[str, list]:
    conn = sqlite3.connect(db)
    out = {}
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' "
        "AND name NOT LIKE 'sqlite_%' "
        "AND name NOT IN ('migrations', 'rejections', 'ingest_runs')"
    ):  # run bookkeeping
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if not r[1].endswith("_at")]
        out[table] = sorted(map(repr, conn.execute(f"SELECT {', '.join(columns)} FROM {table}")))
    conn.close()
    return out


def test_per_article_part_runs_in_another_process_and_saves_like_ingest(tmp_path):
    paths = _articles(tmp_path / "in")
    plain = tmp_path / "plain.db"
    khabar.ingest(paths, db=plain)

    settings = load_settings()
    stages = default_stages(settings)
    parted = tmp_path / "parted.db"
    store = open_store(parted)
    nlp = load_pipeline(settings.spacy_model)
    context = multiprocessing.get_context("fork")  # arguments and the result still cross as pickles
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        for path in paths:
            article = _clean(path)
            ((analysis, _),) = analyse(nlp, [article])
            with store.atomic():
                resolution = resolve(analysis, article.text, index=store)
                result = pickle.loads(pool.submit(_derive_elsewhere, article, analysis, resolution).result())
                assert isinstance(result, ArticleResult)
                assert result.events and result.facts is not None and result.relations is not None
                kb = ReadOnly(store)
                save_result(store, link_article(result, kb, stages))
                assert "stored_text" in kb.calls or path == paths[0]
    store.close()

    got, want = _rows(parted), _rows(plain)
    assert got.keys() == want.keys()
    for table in want:
        assert got[table] == want[table], table
    assert want["relations"] and want["source_groups"] and want["event_reports"] and want["facts"]


def test_only_the_relations_stage_reads_other_articles():
    stages = default_stages(load_settings())
    assert [s.name for s in stages if isinstance(s, CrossArticleStage)] == ["relations"]
    for stage in stages:
        assert "store" not in stage.derive.__code__.co_varnames


def test_read_only_view_refuses_a_write(tmp_path):
    kb = ReadOnly(open_store(tmp_path / "kb.db"))
    with pytest.raises(AssertionError, match="save_relation"):
        kb.save_relation  # noqa: B018  (the attribute access itself is refused)
