"""The hostile corpus of issue 16 at full size, ingested by the real CLI: counts, time and peak memory.

Full size: a gzip bomb that expands to 3 GB, one article of 1,200,000 characters in one paragraph
(over spaCy's 1,000,000 limit), a 10,000-line JSON Lines file with every kind of bad line, plus the
rest of ``tests/hostile.py``. Printed: inputs tried, survived (stored, or skipped with a reason),
lost, the run's exit status, wall time and the peak resident memory of the ingest process.

    python -m bench.hostile [--bomb-gb 3] [--long-chars 1200000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile import build_corpus  # noqa: E402

MAX_BYTES = 2_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-gb", type=float, default=3.0)
    parser.add_argument("--long-chars", type=int, default=1_200_000)
    parser.add_argument("--keep", type=Path, default=None, help="build the corpus here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        expect = build_corpus(
            folder / "corpus", max_bytes=MAX_BYTES, bomb_bytes=int(args.bomb_gb * 1e9), long_chars=args.long_chars
        )
        db = folder / "kb.db"
        started = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "khabar",
                "--set",
                f"max_bytes={MAX_BYTES}",
                "ingest",
                str(folder / "corpus"),
                "--db",
                str(db),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with sqlite3.connect(db) as conn:
            stored = {r[0] for r in conn.execute("SELECT source FROM articles")}
            rejected = {r[0] for r in conn.execute("SELECT source FROM rejections")}
            codes = dict(conn.execute("SELECT code, count(*) FROM rejections GROUP BY code ORDER BY 2 DESC"))
        survived = [n for n in expect if str(folder / "corpus" / n) in stored | rejected]
        lost = [n for n, o in expect.items() if o == "stored" and str(folder / "corpus" / n) not in stored]
        print(f"inputs tried {len(expect)}, survived {len(survived)}, good inputs lost {len(lost)} {lost[:5]}")
        print(f"stored {len(stored)} articles; skipped with a reason: {codes}")
        print(f"exit status {proc.returncode}; {seconds:.0f} s; peak memory of the ingest {peak:.0f} MB")
        if proc.returncode:
            print(proc.stdout[-1500:], proc.stderr[-1500:])


if __name__ == "__main__":
    main()
