"""Scale: a synthetic corpus with planted copies and rewrites, ingested single-process and on Dask.

The corpus is generated from the demo articles (``examples/corpus``): every *base* article is a
draw of sentences from the whole demo corpus with its names, numbers and years rewritten (a fresh
name for each capitalised word, consistently within the article), so two bases share almost no
text. A share of the bases get a **verbatim copy** (other outlet, 0-2 days later) and a share a
**rewrite** (about 70% of the sentences kept, some reordered, words replaced, one sentence added;
1-3 days later). The right answer is known: recall is the share of planted (base, copy/rewrite)
pairs that the knowledge base relates as copy or rewrite; pairs it relates that were not planted
are counted too.

Printed, for each size: articles/s end to end; the per-article cost of each stage (spaCy,
resolution, per-article stages, cross-article linking, writing) and of the candidate lookup
(MinHash-LSH) inside linking, early and late in the run (how linking grows with the KB); recall;
``who`` p50/p95 latency on the KB; then with ``--workers``: articles/s and efficiency on a Dask
LocalCluster, the driver's and the workers' cost per article, peak memory per worker. Finally a
paper model of N machines from the measured costs (docs/scale.md).

    python -m bench.scale [--sizes 200] [--workers 1,2] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import khabar
import khabar.pipeline as pipeline
from khabar.clean import clean
from khabar.models import Article
from khabar.relations.index import CandidateIndex
from khabar.sources import list_sources, read_sources

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_NAME = re.compile(r"\b[A-Z][a-z]{3,}\b")
_NUMBER = re.compile(r"\b\d{1,3}\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")
_SWAPS = {
    "said": "stated",
    "killed": "left dead",
    "attack": "assault",
    "officials": "authorities",
    "police": "security forces",
    "told": "informed",
    "group": "faction",
    "people": "civilians",
    "city": "town",
    "claimed": "asserted",
    "reported": "said",
    "fighters": "militants",
}
_SYLLABLES = ["ka", "ri", "mo", "ta", "lu", "sen", "dor", "bal", "ni", "zar", "qu", "hel", "ob", "an", "vi", "ro"]
_COMMON = {
    "The",
    "This",
    "That",
    "They",
    "There",
    "Their",
    "When",
    "After",
    "Before",
    "While",
    "About",
    "Some",
    "Many",
    "Most",
    "More",
    "Other",
    "Since",
    "With",
    "From",
    "Into",
    "Over",
    "According",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}


# --- the corpus -----------------------------------------------------------------------------------


def demo_sentences() -> list[str]:
    sources, _ = list_sources([EXAMPLES])
    out = []
    for raw in read_sources(sources, max_bytes=10**8):
        article = clean(raw) if not hasattr(raw, "code") else raw
        if isinstance(article, Article) and article.language == "en":
            for paragraph in article.text.split("\n\n"):
                out += [s.strip() for s in _SENTENCE.split(paragraph) if 40 <= len(s.strip()) <= 400]
    return out


def _fresh_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _rewrite_names(text: str, names: dict[str, str], rng: random.Random) -> str:
    def name(m: re.Match) -> str:
        word = m.group(0)
        if word in _COMMON:
            return word
        return names.setdefault(word, _fresh_name(rng))

    text = _NAME.sub(name, text)
    text = _YEAR.sub(lambda m: names.setdefault(m.group(0), str(rng.randint(2001, 2024))), text)
    return _NUMBER.sub(lambda m: names.setdefault("#" + m.group(0), str(rng.randint(2, 400))), text)


def _rewrite(sentences: list[str], added: str, rng: random.Random) -> list[str]:
    kept = [s for s in sentences if rng.random() < 0.7] or sentences[:2]
    for i in range(0, len(kept) - 1, 4):  # local reordering
        if rng.random() < 0.5:
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
    out = []
    for s in kept:
        for word, other in _SWAPS.items():
            if rng.random() < 0.6:
                s = re.sub(rf"\b{word}\b", other, s)
        out.append(s)
    out.insert(rng.randrange(len(out) + 1), added)
    return out


def make_corpus(
    folder: Path, n: int, *, seed: int, copies: float = 0.15, rewrites: float = 0.15
) -> list[tuple[int, int, str]]:
    """Write ``n`` articles as JSON Lines; returns the planted (base line, derived line, kind)."""
    rng = random.Random(seed)
    pool = demo_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    records, planted = [], []
    while len(records) < n:
        names: dict[str, str] = {}
        body = [_rewrite_names(s, names, rng) for s in rng.sample(pool, rng.randint(10, 18))]
        day = rng.randint(0, 3000)
        base = len(records)
        records.append(_record(body, base, day, f"Outlet {rng.randint(1, 40)}"))
        roll = rng.random()
        if roll < copies and len(records) < n:
            planted.append((base, len(records), "copy"))
            records.append(_record(body, base, day + rng.randint(0, 2), f"Copier {rng.randint(1, 40)}"))
        elif roll < copies + rewrites and len(records) < n:
            planted.append((base, len(records), "rewrite"))
            other = _rewrite(body, _rewrite_names(rng.choice(pool), names, rng), rng)
            records.append(_record(other, base, day + rng.randint(1, 3), f"Rewriter {rng.randint(1, 40)}"))
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    return planted


def _record(sentences: list[str], story: int, day: int, outlet: str) -> dict:
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    published = time.strftime("%Y-%m-%d", time.gmtime(1_000_000_000 + day * 86400))
    return {"text": "\n\n".join(paragraphs), "title": f"Story {story}", "published": published, "outlet": outlet}


# --- timing the stages ----------------------------------------------------------------------------


class Timers:
    """Wraps the run loop's steps to time them per article (single process)."""

    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.per_article: list[dict[str, float]] = []
        self._current: dict[str, float] = defaultdict(float)

    def wrap(self, owner, name: str, label: str, *, generator: bool = False) -> None:
        original = getattr(owner, name)
        timers = self

        if generator:

            def timed(*args, **kwargs):
                iterator = iter(original(*args, **kwargs))
                while True:
                    started = time.perf_counter()
                    try:
                        item = next(iterator)
                    except StopIteration:
                        timers._current[label] += time.perf_counter() - started
                        return
                    timers._current[label] += time.perf_counter() - started
                    yield item
        else:

            def timed(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    timers._current[label] += time.perf_counter() - started
                    if label == "write":
                        timers.per_article.append(dict(timers._current))
                        for key, value in timers._current.items():
                            timers.total[key] += value
                        timers._current = defaultdict(float)

        setattr(owner, name, timed)


def _install_timers() -> Timers:
    timers = Timers()
    timers.wrap(pipeline, "analyse", "spacy", generator=True)
    timers.wrap(pipeline.entity_stage, "resolve", "resolve")
    timers.wrap(pipeline, "derive_article", "per-article stages")
    timers.wrap(pipeline, "link_article", "cross-article (relations)")
    timers.wrap(CandidateIndex, "candidates", "MinHash-LSH lookup")
    timers.wrap(pipeline, "save_result", "write")
    return timers


# --- measuring ------------------------------------------------------------------------------------


def recall(db: Path, corpus: Path, planted: list[tuple[int, int, str]]) -> tuple[float, float, int, int]:
    """(recall of planted pairs, share found with the planted kind, unplanted derived pairs, planted)."""
    from khabar.store import open_store

    with open_store(db) as store:
        by_line = {}
        for article_id in store.article_ids():
            source = store.get_article(article_id).source
            by_line[int(source.rsplit(":", 1)[1]) - 1] = article_id
        edges = {frozenset((e.a, e.b)): e.relation.value for e in store.relation_edges(derived_only=True)}
    truth = {frozenset((by_line[a], by_line[b])): kind for a, b, kind in planted if a in by_line and b in by_line}
    found = [pair for pair in truth if pair in edges]
    same_kind = [pair for pair in found if edges[pair] == truth[pair]]
    extra = sum(1 for pair in edges if pair not in truth)
    return len(found) / max(len(truth), 1), len(same_kind) / max(len(found), 1), extra, len(truth)


def who_latency(db: Path, *, names: int = 20, repeat: int = 3) -> tuple[float, float]:
    from khabar.store import open_store

    with open_store(db) as store:
        top = [e.name for e in store.entity_summaries(limit=names)]
    times = []
    for _ in range(repeat):
        for name in top:
            started = time.perf_counter()
            try:
                khabar.who(name, db=db)
            except khabar.KhabarError:
                pass
            times.append(time.perf_counter() - started)
    times.sort()
    return 1000 * statistics.median(times), 1000 * times[int(0.95 * (len(times) - 1))]


def run_cluster(corpus: Path, db: Path, workers: int) -> dict:
    from khabar.cluster import _Driver, ingest_cluster, open_client
    from khabar.store import open_store

    client = open_client(workers=workers)
    driver_time = [0.0]
    original = _Driver._save_one

    def timed(self, worked):
        started = time.perf_counter()
        try:
            return original(self, worked)
        finally:
            driver_time[0] += time.perf_counter() - started

    _Driver._save_one = timed
    try:
        client.run(lambda: __import__("khabar.nlp").nlp.load_pipeline(khabar.load_settings().spacy_model))
        started = time.perf_counter()
        with open_store(db) as store:
            report = ingest_cluster(store, [corpus], client=client, settings=khabar.load_settings())
        seconds = time.perf_counter() - started
        memory = client.run(lambda: __import__("resource").getrusage(__import__("resource").RUSAGE_SELF).ru_maxrss)
    finally:
        _Driver._save_one = original
        client.close()
        client.cluster.close()
    return {
        "workers": workers,
        "seconds": seconds,
        "added": report.added,
        "driver_s": driver_time[0],
        "peak_mib": max(memory.values()) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200", help="comma-separated corpus sizes ingested for real")
    parser.add_argument("--workers", default="", help="comma-separated worker counts for the Dask runs (e.g. 1,2)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings = khabar.load_settings()
    from khabar.nlp import load_pipeline

    load_pipeline(settings.spacy_model)("warm up")
    timers = _install_timers()
    work = Path(tempfile.mkdtemp(prefix="khabar-scale-"))
    try:
        for n in [int(x) for x in args.sizes.split(",") if x]:
            corpus = work / f"in-{n}"
            planted = make_corpus(corpus, n, seed=args.seed)
            timers.per_article.clear()
            timers.total.clear()
            started = time.perf_counter()
            report = khabar.ingest([corpus], db=work / f"kb-{n}.db", settings=settings)
            seconds = time.perf_counter() - started
            _print_size(n, report, seconds, timers, planted)
            r, kind, extra, total = recall(work / f"kb-{n}.db", corpus, planted)
            print(f"planted pairs: {total}  recall {r:.3f}  same kind {kind:.3f}  unplanted derived pairs {extra}")
            p50, p95 = who_latency(work / f"kb-{n}.db")
            print(f"who latency on the {n}-article KB: p50 {p50:.0f} ms  p95 {p95:.0f} ms")
            single = n / seconds
            for w in [int(x) for x in args.workers.split(",") if x]:
                out = run_cluster(corpus, work / f"kb-{n}-w{w}.db", w)
                rate = out["added"] / out["seconds"]
                print(
                    f"dask LocalCluster, {w} worker(s): {out['seconds']:.1f} s  {rate:.2f} articles/s  "
                    f"efficiency vs single process {rate / (w * single):.2f}  "
                    f"driver {out['driver_s'] / n:.3f} s/article"
                    f"  peak worker memory {out['peak_mib']:.0f} MiB"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _print_size(n: int, report, seconds: float, timers: Timers, planted) -> None:
    print(
        f"\n== {n} articles ({len(planted)} planted copies/rewrites): {report.added} added in {seconds:.1f} s "
        f"= {report.added / seconds:.2f} articles/s, {report.words / seconds:.0f} words/s"
    )
    rows = timers.per_article
    half = len(rows) // 2
    spacy_s = timers.total.get("spacy", 0.0)
    if spacy_s:  # spaCy's own share of this very run: the baseline the issue's ratio target is against
        print(f"ratio to spaCy alone in the same run: {spacy_s / seconds:.2f} (spaCy {n / spacy_s:.1f} articles/s)")
    labels = ["spacy", "resolve", "per-article stages", "cross-article (relations)", "MinHash-LSH lookup", "write"]
    print(f"{'stage':28} {'ms/article':>11} {'first half':>11} {'second half':>12}")
    for label in labels:
        mean = 1000 * timers.total.get(label, 0.0) / max(len(rows), 1)
        early = 1000 * sum(r.get(label, 0.0) for r in rows[:half]) / max(half, 1)
        late = 1000 * sum(r.get(label, 0.0) for r in rows[half:]) / max(len(rows) - half, 1)
        print(f"{label:28} {mean:11.1f} {early:11.1f} {late:12.1f}")


if __name__ == "__main__":
    main()
