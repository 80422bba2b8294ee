"""Web load: a bounded number of concurrent clients against `khabar serve` on loopback.

The server runs in its own process (``python -m khabar serve`` on 127.0.0.1, a free port) over the
demo database (ingested into a temporary folder unless ``--db`` is given). ``--clients`` async
httpx clients loop over a mix of pages and API calls (start page, search, dossier, article with a
highlighted citation, the same as JSON) for ``--seconds``, then stop. Reported: requests, errors
(any status but 200, or a failed connection), throughput, and p50 / p95 / p99 latency.

    python -m bench.web_load [--clients 50] [--seconds 20] [--db kb.db]

Only 127.0.0.1 is ever contacted; the run is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import khabar

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"


WORDS: list[str] = []  # with --search-words: each search asks for one of these, at random


def urls(db: Path, search_words: int = 0) -> list[str]:
    """The request mix: pages and API calls over real entities, articles and citations."""
    out = ["/", "/api/overview", "/articles", "/entities?cls=GROUP"]
    for name in ["ISKP", "Boko Haram", "al-Shabaab", "Taliban"]:
        try:
            dossier = khabar.who(name, db=db)
        except khabar.NotFound:  # a --db without this group
            continue
        c = dossier.evidence[0]
        out += [
            f"/entity/{dossier.entity.id}",
            f"/api/entities/{dossier.entity.id}",
            f"/article/{c.article_id}?start={c.start}&end={c.end}",
            f"/api/articles/{c.article_id}",
        ]
    out += [f"/search?q={q}" for q in ["suicide bomber", "kidnapped", "Kabul airport"]]
    out += [f"/api/search?q={q}" for q in ["claimed responsibility", "Mogadishu"]]
    if search_words:  # as many different searches as asked, so that few are answered from the server's cache
        names = khabar.entities(db=db, limit=search_words * 3)
        WORDS[:] = sorted({w for e in names for w in e.name.split() if w.isalpha()})[:search_words]
        out = [p if "search" not in p else p.split("=")[0] + "={word}" for p in out]
    return out


async def client(base: str, paths: list[str], until: float, latencies: list[float], errors: list[str]) -> None:
    rng = random.Random(len(latencies))
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.perf_counter() < until:
            path = rng.choice(paths)
            if "{word}" in path:
                path = path.replace("{word}", rng.choice(WORDS))
            started = time.perf_counter()
            try:
                response = await http.get(path)
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {path}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} {path}")
            latencies.append(time.perf_counter() - started)
            BY_KIND.setdefault(kind(path), []).append(latencies[-1])


BY_KIND: dict[str, list[float]] = {}  # latencies per kind of page, for the per-kind p95


def kind(path: str) -> str:
    """dossier, search, article or list: the kinds of page whose p95 issue 16 asks about."""
    if path.startswith(("/entity/", "/api/entities/")):
        return "dossier"
    if "search" in path:
        return "search"
    if path.startswith(("/article/", "/api/articles/")):
        return "article"
    return "list"


async def load(base: str, paths: list[str], clients: int, seconds: float) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(client(base, paths, until, latencies, errors) for _ in range(clients)))
    return latencies, errors, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "khabar", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/overview", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start: " + proc.stderr.read().decode(errors="replace")[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--search-words",
        type=int,
        default=0,
        help="search that many different words (names in the KB) instead of the five fixed queries",
    )
    parser.add_argument("--db", type=Path, help="knowledge base to serve (default: the demo corpus, ingested now)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "demo.db"
        if not args.db:
            khabar.ingest([EXAMPLES], db=db)
        paths = urls(db, args.search_words)
        proc, base = start_server(db)
        try:
            latencies, errors, elapsed = asyncio.run(load(base, paths, args.clients, args.seconds))
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:  # still busy with requests the clients gave up on
                proc.kill()
                proc.wait()
    print(f"{args.clients} clients for {args.seconds:.0f} s on {base} ({len(paths)} URLs, {os.cpu_count()} cores)")
    print(f"requests {len(latencies)}  errors {len(errors)}  throughput {len(latencies) / elapsed:.0f} req/s")
    print(
        f"latency p50 {percentile(latencies, 0.50) * 1000:.0f} ms  p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
        f"  p99 {percentile(latencies, 0.99) * 1000:.0f} ms  max {max(latencies, default=0) * 1000:.0f} ms"
    )
    for name, values in sorted(BY_KIND.items()):
        print(
            f"  {name:<8} {len(values):6d} requests  p50 {percentile(values, 0.50) * 1000:5.0f} ms"
            f"  p95 {percentile(values, 0.95) * 1000:5.0f} ms  p99 {percentile(values, 0.99) * 1000:5.0f} ms"
        )
    if errors:
        print("first errors:", *errors[:5], sep="\n  ")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
