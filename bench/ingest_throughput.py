"""Ingest throughput: the full khabar ingest vs spaCy alone on the same texts, in the same run.

The corpus is the demo corpus copied ``--copies`` times (each copy under another outlet name, so
every article is new to the store). Baseline: the same spaCy pipeline khabar loads, run with
``nlp.pipe`` over the same English texts. Reported: articles/s and words/s of both, and the ratio
full / spaCy-alone (issue 2 target: >= 0.7).

    python -m bench.ingest_throughput [--copies 6]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import khabar
from khabar.clean import clean
from khabar.models import Article
from khabar.nlp import english_view, load_pipeline
from khabar.settings import load_settings
from khabar.sources import list_sources, read_sources

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def make_corpus(folder: Path, copies: int) -> None:
    """Copy the demo corpus ``copies`` times, each copy with its own outlet (via JSON Lines)."""
    import json

    sources, _ = list_sources([EXAMPLES])
    docs = [d for d in read_sources(sources, max_bytes=10**8) if not hasattr(d, "code")]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for doc in docs:
                field = "html" if doc.kind == "html" else "text"
                out.write(
                    json.dumps(
                        {
                            field: doc.content,
                            "title": doc.title,
                            "published": doc.published,
                            "outlet": f"{doc.outlet or 'Outlet'} #{copy}",
                        }
                    )
                    + "\n"
                )


def cleaned(folder: Path) -> list[Article]:
    sources, _ = list_sources([folder])
    out = []
    for raw in read_sources(sources, max_bytes=10**9):
        article = clean(raw) if not hasattr(raw, "code") else raw
        if isinstance(article, Article):
            out.append(article)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=6)
    args = parser.parse_args()
    settings = load_settings()
    work = Path(tempfile.mkdtemp(prefix="khabar-bench-"))
    try:
        make_corpus(work / "in", args.copies)
        articles = cleaned(work / "in")
        words = sum(len(a.text.split()) for a in articles)
        nlp = load_pipeline(settings.spacy_model)  # loaded before both timings
        nlp("warm up")
        started = time.perf_counter()
        for _ in nlp.pipe((english_view(a) for a in articles), batch_size=settings.batch_size):
            pass
        spacy_s = time.perf_counter() - started
        started = time.perf_counter()
        report = khabar.ingest([work / "in"], db=work / "kb.db", settings=settings)
        full_s = time.perf_counter() - started
        assert report.added == len(articles), report
        print(f"articles: {len(articles)}  words: {words:,}")
        print(f"{'run':28} {'seconds':>8} {'articles/s':>11} {'words/s':>9}")
        for name, secs in (("spaCy alone (nlp.pipe)", spacy_s), ("khabar ingest (full)", full_s)):
            print(f"{name:28} {secs:8.2f} {len(articles) / secs:11.1f} {words / secs:9.0f}")
        print(f"ratio full / spaCy-alone: {spacy_s / full_s:.2f}  (target >= 0.7)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
