"""Relation finding at scale: khabar's index + comparison vs datasketch MinHash-LSH alone, same run.

A synthetic corpus is generated from the demo corpus (``examples/corpus``): *originals* are built
from sentences of 2 to 4 demo articles with their names and numbers replaced (each original gets
its own names from a pool of invented ones, so stories differ but read alike, as news on one
conflict does) and a third of their other words swapped for demo words, and a quarter of the articles
are planted *derivations* of a recent article: verbatim copies with a credit line, trimmed copies, and
light rewrites (word substitutions, two sentences swapped, one dropped, a framing sentence added),
published within hours of their source.

Each article is processed in publication order, as ingest does: fingerprint, ask the candidate
index, compare with the candidates, add to the index (no SQLite and no spaCy: sentences come from
the punctuation splitter, so that the numbers are those of relation finding). The baseline, run on
the same articles in the same process, is datasketch alone: MinHash of the word 5-shingles, an LSH
query and an insert per article. Each size runs in a fresh process, so its peak memory (max RSS) is
its own. Reported: articles/s, peak memory, growth of time from the smaller to the larger size
(1.0 = linear), recall of the planted derivations (each derived article linked to the article it
was made from) and precision (links found that join two articles of one planted family; originals
built from the same demo sentences share real passages, so some "errors" are true shared text).

    python -m bench.relations [--n 100000] [--small 10000] [--sentence-model wordllama]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import re
import resource
import time
from dataclasses import dataclass
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"
_NAME = re.compile(r"(?<=\s)[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?")
_NUMBER = re.compile(r"\b\d[\d,]*\b")
_SWAPS = {
    "said": "stated",
    "killed": "left dead",
    "people": "persons",
    "attack": "assault",
    "attacks": "assaults",
    "officials": "authorities",
    "wounded": "injured",
    "group": "organisation",
    "city": "town",
    "bombing": "blast",
    "police": "security officers",
    "after": "following",
    "about": "around",
}
_SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "zan",
    "tol",
    "bar",
    "esh",
    "qu",
    "dal",
    "vin",
    "sor",
    "ath",
    "len",
    "mur",
    "pa",
    "gh",
    "ul",
    "nor",
    "tes",
    "ib",
]


@dataclass(frozen=True)
class Synthetic:
    id: str
    text: str
    published: str
    family: int  # articles sharing a family were planted as copies or rewrites of one another
    source: str = ""  # the article this one was derived from ("" for an original)


def demo_sentences() -> list[list[str]]:
    """English sentences of each demo article (cleaned as ingest does)."""
    from khabar.clean import clean
    from khabar.models import Article
    from khabar.relations.text import split_sentences
    from khabar.sources import list_sources, read_sources

    sources, _ = list_sources([EXAMPLES])
    out = []
    for raw in read_sources(sources, max_bytes=10**8):
        article = raw if hasattr(raw, "code") else clean(raw)
        if isinstance(article, Article):
            english = " ".join(article.text[p.start : p.end] for p in article.paragraphs if p.language == "en")
            out.append([s.text for s in split_sentences(english)])
    return out


def generate(n: int, seed: int = 13) -> list[Synthetic]:
    """``n`` synthetic articles, in publication order, a quarter of them planted derivations."""
    rng = random.Random(seed)
    bases = demo_sentences()
    names = sorted({_invent(rng) for _ in range(6000)})
    vocabulary = sorted({w for base in bases for s in base for w in s.split() if w.isalpha() and w.islower()})
    articles: list[Synthetic] = []
    start = 1_600_000_000.0
    for i in range(n):
        when = start + i * (3 * 365 * 86400 / n)  # three years of news
        if articles and rng.random() < 0.25:
            source = articles[max(0, len(articles) - rng.randint(1, 200))]
            text = _derive(source.text, rng)
            articles.append(Synthetic(f"s{i}", text, _iso(when), source.family, source.id))
        else:
            articles.append(Synthetic(f"s{i}", _original(bases, names, vocabulary, rng), _iso(when), i))
    return articles


def _invent(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _original(bases: list[list[str]], names: list[str], vocabulary: list[str], rng: random.Random) -> str:
    picked = [s for base in rng.sample(bases, rng.randint(2, 4)) for s in rng.sample(base, min(len(base), 4))]
    mapping: dict[str, str] = {}
    # A third of the lower-case words swapped for others of the demo's vocabulary: originals built
    # from the same demo sentence must not share its wording (37 demo articles are a small pool).
    text = " ".join(
        w if not w.isalpha() or not w.islower() or rng.random() > 0.35 else rng.choice(vocabulary)
        for w in " ".join(picked).split(" ")
    )
    text = _NAME.sub(lambda m: mapping.setdefault(m.group(), rng.choice(names)), text)
    text = _NUMBER.sub(lambda m: str(rng.randint(2, 400)), text)
    sentences = re.split(r"(?<=[.!?])\s+", text)
    return "\n\n".join(" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2))


def _derive(text: str, rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return text + "\n\n(Reporting by the regional desk.)"
    if kind < 0.6:
        return text.rsplit("\n\n", 1)[0]
    sentences = re.split(r"(?<=[.!?])\s+", text.replace("\n\n", " "))
    sentences = [" ".join(_SWAPS.get(w, w) for w in s.split(" ")) for s in sentences]
    if len(sentences) > 4:
        i = rng.randrange(1, len(sentences) - 2)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
        del sentences[rng.randrange(len(sentences))]
    sentences.insert(0, "Here is what we know so far about the latest violence in the region.")
    return "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def _iso(when: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M", time.gmtime(when))


# --- the two systems -------------------------------------------------------------------------------


def run_khabar(articles: list[Synthetic], sentence_model: str) -> dict:
    from khabar.relations.classify import Thresholds
    from khabar.relations.compare import Comparer
    from khabar.relations.embed import Embedders
    from khabar.relations.index import CandidateIndex
    from khabar.relations.views import view_of_text
    from khabar.settings import load_settings

    settings = load_settings({"sentence_model": sentence_model, "multilingual": "off"})
    comparer = Comparer(Embedders.from_settings(settings), Thresholds.from_settings(settings))
    english = comparer.embedders.english
    english.embed(["warm up"])
    index = CandidateIndex(copy_threshold=settings.copy_threshold)
    found: set[tuple[str, str]] = set()
    started = time.perf_counter()
    for item in articles:
        view = view_of_text(item.id, item.text, published=item.published)
        fp = comparer.fingerprint(view)
        for candidate in index.candidates(fp, limit=settings.relation_candidates):
            text, published = _TEXTS[candidate.article_id]
            other = view_of_text(candidate.article_id, text, published=published)
            if comparer.compare(view, other).relation.derived:
                found.add((candidate.article_id, item.id))
        index.add(fp)
        _TEXTS[item.id] = (item.text, item.published)  # what a store would keep
    return {"seconds": time.perf_counter() - started, "found": found}


_TEXTS: dict[str, tuple[str, str]] = {}


def run_minhash(articles: list[Synthetic], threshold: float) -> dict:
    from datasketch import MinHash, MinHashLSH

    from khabar.relations.text import shingles, words

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    found: set[tuple[str, str]] = set()
    started = time.perf_counter()
    for item in articles:
        m = MinHash(num_perm=128)
        m.update_batch([s.encode("utf-8") for s in shingles(words(item.text), 5)])
        found.update((other, item.id) for other in lsh.query(m))
        lsh.insert(item.id, m)
    return {"seconds": time.perf_counter() - started, "found": found}


def _child(system: str, n: int, sentence_model: str, queue) -> None:
    articles = generate(n)
    result = run_khabar(articles, sentence_model) if system == "khabar" else run_minhash(articles, 0.5)
    found = result["found"]
    planted = {(a.source, a.id) for a in articles if a.source}
    family = {a.id: a.family for a in articles}
    queue.put(
        {
            "system": system,
            "n": n,
            "seconds": result["seconds"],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "recall": len(found & planted) / max(len(planted), 1),
            "precision": sum(family[a] == family[b] for a, b in found) / max(len(found), 1),
        }
    )


def measure(system: str, n: int, sentence_model: str) -> dict:
    """Run one system on ``n`` articles in a fresh process (its own peak memory)."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(system, n, sentence_model, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="articles in the larger run")
    parser.add_argument("--small", type=int, default=10_000, help="articles in the smaller run")
    parser.add_argument("--sentence-model", default="wordllama", choices=["wordllama", "minilm", "auto"])
    args = parser.parse_args()
    rows = [measure(system, n, args.sentence_model) for n in (args.small, args.n) for system in ("minhash", "khabar")]
    print(f"{'system':<34} {'articles':>9} {'seconds':>9} {'art/s':>8} {'peak MB':>8} {'recall':>7} {'prec.':>7}")
    for r in rows:
        label = "datasketch MinHash-LSH alone" if r["system"] == "minhash" else f"khabar ({args.sentence_model})"
        print(
            f"{label:<34} {r['n']:>9} {r['seconds']:>9.1f} {r['n'] / r['seconds']:>8.0f} {r['peak_mb']:>8.0f} "
            f"{r['recall']:>7.3f} {r['precision']:>7.3f}"
        )
    for system in ("minhash", "khabar"):
        small, large = [r for r in rows if r["system"] == system]
        growth = (large["seconds"] / small["seconds"]) / (large["n"] / small["n"])
        print(
            f"time growth {system}: x{large['seconds'] / small['seconds']:.1f} for x{large['n'] / small['n']:.0f} "
            f"articles (per-article cost ratio {growth:.2f}; 1.00 = linear)"
        )
    khabar_large = [r for r in rows if r["system"] == "khabar"][-1]
    minhash_large = [r for r in rows if r["system"] == "minhash"][-1]
    print(f"khabar / MinHash-LSH time at {args.n}: {khabar_large['seconds'] / minhash_large['seconds']:.1f}x")


if __name__ == "__main__":
    main()
