"""Full pipeline (ingest through events and facts) vs spaCy alone, on the same texts in the same run.

The corpus is the demo corpus copied ``--copies`` times under other outlet names (see
``bench/ingest_throughput.py``). Measured in one process, after loading the model once:

* spaCy alone: ``nlp.pipe`` over the articles' English views (the baseline);
* the full ``khabar.ingest`` (cleaning, spaCy, entity resolution, copy detection, events, facts,
  SQLite writes); the same ingest with only the events and facts stages (what this stage costs
  on top of the core); and the events + facts extraction alone on the same parsed documents;
* the query-time work of corroboration: merging every stored report into events
  (``khabar.events``), which runs per query rather than per article.

Printed: seconds, articles/s, words/s, and the ratio full / spaCy-alone (issue 5 target >= 0.5).

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
        started = time.perf_counter()
        docs = list(nlp.pipe((english_view(a) for a in articles), batch_size=settings.batch_size))
        spacy_s = time.perf_counter() - started
        extract_s = _extraction_time(articles, docs)
        started = time.perf_counter()
        report = khabar.ingest([work / "in"], db=work / "kb.db", settings=settings)
        full_s = time.perf_counter() - started
        assert report.added == len(articles), report
        own_s = _without_relations(work, settings, len(articles))
        started = time.perf_counter()
        events = khabar.events(db=work / "kb.db")
        merge_s = time.perf_counter() - started
        _print(len(articles), words, spacy_s, full_s, extract_s, own_s)
        print(f"query time: merging all reports into {len(events)} events took {merge_s:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _without_relations(work: Path, settings, expected: int) -> float:
    """Seconds for ingest with only the events and facts stages (no copy/rewrite detection)."""
    from khabar.events import EventStage
    from khabar.facts import FactStage
    from khabar.pipeline import ingest_paths

    started = time.perf_counter()
    with khabar.open_kb(work / "own.db") as store:
        report = ingest_paths(store, [work / "in"], settings=settings, stages=[EventStage(), FactStage()])
    assert report.added == expected, report
    return time.perf_counter() - started


def _extraction_time(articles, docs) -> float:
    """Seconds for events + facts extraction alone over already-parsed documents."""
    from khabar.events.sentences import Name

    started = time.perf_counter()
    for article, doc in zip(articles, docs):
        analysis = analysis_of(article.id, doc)
        names = [Name(m.start, m.end, m.text, m.label, None, m.cluster) for m in analysis.mentions]
        extract_events(doc, names, article_id=article.id, published=article.published)
        extract_facts(doc, names, article_id=article.id)
    return time.perf_counter() - started


def _print(n: int, words: int, spacy_s: float, full_s: float, extract_s: float, own_s: float) -> None:
    print(f"articles: {n}  words: {words:,}")
    print(f"{'run':44} {'seconds':>8} {'articles/s':>11} {'words/s':>9}")
    for name, secs in (
        ("spaCy alone (nlp.pipe)", spacy_s),
        ("khabar ingest (full: all stages)", full_s),
        ("khabar ingest (events + facts, no relations)", own_s),
        ("events + facts extraction only", extract_s),
    ):
        print(f"{name:44} {secs:8.2f} {n / secs:11.1f} {words / secs:9.0f}")
    for name, secs in (("full", full_s), ("without relations stage", own_s)):
        ratio = spacy_s / secs
        verdict = "OK" if ratio >= TARGET else "BELOW TARGET"
        print(f"ratio {name} / spaCy-alone: {ratio:.2f}  (target >= {TARGET}) {verdict}")


if __name__ == "__main__":
    main()
