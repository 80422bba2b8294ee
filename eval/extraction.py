"""Main-text extraction quality on the ScrapingHub article-extraction benchmark (181 real pages).

Token-level precision, recall and F1 of the article body against the gold body, per page (bag of
lower-cased word tokens, multiset overlap), averaged over pages as the benchmark reports them.
Three systems are measured in the same run: khabar's cleaner (trafilatura + khabar's paragraph
rules), trafilatura alone with khabar's options, and trafilatura with its defaults.

    python -m eval.extraction --data ../shared/eval-data
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from khabar.clean import clean, extract_html
from khabar.models import RawDocument, Rejection

# Floors pinned a little below the measured scores (see docs/evaluation.md for the run).
FLOORS = {"khabar": {"f1": 0.90, "precision": 0.88, "recall": 0.88}}

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    """Multiset of lower-cased word tokens."""
    return Counter(t.lower() for t in _TOKEN.findall(text or ""))


def prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Token P/R/F1 of one page (empty prediction: P=R=F=0 unless gold is empty too)."""
    p, g = tokens(pred), tokens(gold)
    overlap = sum((p & g).values())
    precision = overlap / sum(p.values()) if p else 0.0
    recall = overlap / sum(g.values()) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _khabar(html: str, url: str) -> str:
    article = clean(RawDocument(source=url, kind="html", content=html, url=url), min_words=0)
    return "" if isinstance(article, Rejection) else article.text


def _trafilatura_khabar_options(html: str, url: str) -> str:
    page = extract_html(html, url)
    return "\n".join(page.paragraphs) if page else ""


def _trafilatura_default(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


SYSTEMS: dict[str, Callable[[str, str], str]] = {
    "khabar": _khabar,
    "trafilatura (khabar options)": _trafilatura_khabar_options,
    "trafilatura (defaults)": _trafilatura_default,
}


def evaluate(data: Path) -> dict[str, dict[str, float]]:
    """Mean P/R/F1 per system over every page with a gold body."""
    folder = data / "extraction"
    gold = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    sums = {name: [0.0, 0.0, 0.0] for name in SYSTEMS}
    n = 0
    for key, item in sorted(gold.items()):
        path = folder / "html" / f"{key}.html.gz"
        if not path.exists():
            continue
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        n += 1
        for name, system in SYSTEMS.items():
            for i, value in enumerate(prf(system(html, item.get("url", "")), item["articleBody"])):
                sums[name][i] += value
    return {name: {"precision": s[0] / n, "recall": s[1] / n, "f1": s[2] / n, "pages": n} for name, s in sums.items()}


def main(data: Path) -> bool:
    """Print the table; True when khabar's scores hold their floors."""
    results = evaluate(data)
    print(f"{'system':32} {'precision':>9} {'recall':>7} {'F1':>6}   pages")
    for name, r in results.items():
        print(f"{name:32} {r['precision']:9.3f} {r['recall']:7.3f} {r['f1']:6.3f}   {r['pages']:.0f}")
    ok = True
    for name, floors in FLOORS.items():
        for metric, floor in floors.items():
            if results[name][metric] < floor:
                print(f"BELOW FLOOR: {name} {metric} {results[name][metric]:.3f} < {floor}")
                ok = False
    return ok


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    sys.exit(0 if main(parser.parse_args().data) else 1)
