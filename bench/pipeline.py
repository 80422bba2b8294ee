"""Full pipeline (ingest through events and facts) vs spaCy alone, on the same texts in the same run.

The corpus is the demo corpus copied ``--copies`` times under other outlet names (see
``bench/ingest_throughput.py``). Measured in one process, after loading the model once:

* spaCy alone: ``nlp.pipe`` over the articles' English views (the baseline);
* the full ``khabar.ingest`` (cleaning, spaCy, entity resolution, copy detection, events, facts,
  SQLite writes); the same ingest with only the events and facts stages (what this stage costs
  on top of the core); and the events + facts extraction alone on the same parsed documents;
* the query-time work of corroboration: merging every stored report into events
  (``khabar.events``), which runs per query rather than per article.

Printed: seconds, articles/s, words/s, and the ratio full / spaCy-alone (issue 5 target >= 0.5),
by the clock and by this process's CPU time: on a machine shared with other work the clock ratio
swings with their load (0.27-0.52 in four runs of one commit here), the CPU ratio much less.

    python -m bench.pipeline [--copies 6]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import khabar
from khabar.events import extract_events
from khabar.facts import extract_facts
from khabar.nlp import analysis_of, english_view, load_pipeline
from khabar.settings import load_settings

from .ingest_throughput import cleaned, make_corpus

TARGET = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=6)
    args = parser.parse_args()
    settings = load_settings()
    work = Path(tempfile.mkdtemp(prefix="khabar-bench-"))
    try:
        make_corpus(work / "in", args.copies)
        articles = cleaned(work / "in")
        words = sum(len(a.text.split()) for a in articles)
        nlp = load_pipeline(settings.spacy_model)
        nlp("warm up")
        with _Timed() as spacy:
            docs = list(nlp.pipe((english_view(a) for a in articles), batch_size=settings.batch_size))
        with _Timed() as extract:
            _extract(articles, docs)
        with _Timed() as full:
            report = khabar.ingest([work / "in"], db=work / "kb.db", settings=settings)
        assert report.added == len(articles), report
        with _Timed() as own:
            _without_relations(work, settings, len(articles))
        started = time.perf_counter()
        events = khabar.events(db=work / "kb.db")
        merge_s = time.perf_counter() - started
        _print(len(articles), words, spacy, full, extract, own)
        print(f"query time: merging all reports into {len(events)} events took {merge_s:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


class _Timed:
    """Seconds by the clock (``wall``) and of this process's CPU time (``cpu``) spent in the block."""

    def __enter__(self) -> _Timed:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self._wall, time.process_time() - self._cpu


def _without_relations(work: Path, settings, expected: int) -> None:
    """Ingest with only the events and facts stages (no copy/rewrite detection)."""
    from khabar.events import EventStage
    from khabar.facts import FactStage
    from khabar.pipeline import ingest_paths

    with khabar.open_kb(work / "own.db") as store:
        report = ingest_paths(store, [work / "in"], settings=settings, stages=[EventStage(), FactStage()])
    assert report.added == expected, report


def _extract(articles, docs) -> None:
    """Events + facts extraction alone over already-parsed documents."""
    from khabar.events.sentences import Name

    for article, doc in zip(articles, docs):
        analysis = analysis_of(article.id, doc)
        names = [Name(m.start, m.end, m.text, m.label, None, m.cluster) for m in analysis.mentions]
        extract_events(doc, names, article_id=article.id, published=article.published)
        extract_facts(doc, names, article_id=article.id)


def _print(n: int, words: int, spacy: _Timed, full: _Timed, extract: _Timed, own: _Timed) -> None:
    print(f"articles: {n}  words: {words:,}")
    print(f"{'run':44} {'seconds':>8} {'articles/s':>11} {'words/s':>9} {'CPU s':>7}")
    for name, t in (
        ("spaCy alone (nlp.pipe)", spacy),
        ("khabar ingest (full: all stages)", full),
        ("khabar ingest (events + facts, no relations)", own),
        ("events + facts extraction only", extract),
    ):
        print(f"{name:44} {t.wall:8.2f} {n / t.wall:11.1f} {words / t.wall:9.0f} {t.cpu:7.2f}")
    for name, t in (("full", full), ("without relations stage", own)):
        ratio = spacy.wall / t.wall
        verdict = "OK" if ratio >= TARGET else "BELOW TARGET"
        print(
            f"ratio {name} / spaCy-alone: {ratio:.2f}  (target >= {TARGET}) {verdict}; "
            f"by CPU time {spacy.cpu / t.cpu:.2f}"
        )


if __name__ == "__main__":
    main()
