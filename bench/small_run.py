"""Small runs (issue 16): the wall time of a user fixing one file, against baselines of the same run.

Each command runs in a fresh subprocess, ``--repeat`` times (the median is reported):

- ``python -c pass`` and ``import spacy; spacy.load(MODEL)``: what no change to khabar can remove;
- ``khabar --help``;
- ``khabar ingest one.txt`` of one 44-word article into a new KB;
- ``khabar who Taliban`` on that KB.

The gazetteer cache is used as a user would have it (warm: run once before timing, unless
``--cold``, which gives every run an empty cache folder). Ratios against ``spacy.load`` are printed
too, since the machine is shared and noisy.

    python -m bench.small_run [--repeat 3] [--cold]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from khabar.settings import default_of

ROOT = Path(__file__).resolve().parent.parent

TITLE = "Taliban attack a checkpoint in Kunduz\n\n"
TEXT = (
    "Taliban fighters attacked a police checkpoint in Kunduz province on Monday, killing three officers, "
    "a provincial spokesman said. The group claimed responsibility in a statement. Residents said the "
    "fighting lasted two hours before reinforcements arrived from the city and that six civilians were hurt.\n"
)


def timed(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="an empty cache folder for every khabar run")
    parser.add_argument(
        "--against", type=Path, help="another checkout of khabar (e.g. `git archive` of main) timed in turn"
    )
    args = parser.parse_args()
    py = sys.executable
    model = default_of("spacy_model")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        article = folder / "one.txt"
        article.write_text(TITLE + TEXT, encoding="utf-8")
        assert len(TEXT.split()) == 44, len(TEXT.split())
        env = {**os.environ}

        def fresh_env(run: str) -> dict[str, str]:
            if not args.cold:
                return env
            home = folder / f"home{run}"  # the checkout of --against knows only ~/.cache/khabar
            return {**env, "HOME": str(home), "KHABAR_CACHE_DIR": str(home / ".cache" / "khabar")}

        roots = {"": ROOT, **({"base ": args.against.resolve()} if args.against else {})}
        if not args.cold:  # warm the user's cache as a second run would find it
            for root in roots.values():
                timed([py, "-m", "khabar", "ingest", str(article), "--db", str(folder / "warm.db")], env, root)
        rows: dict[str, list[float]] = {"python": [], "spacy.load": []}
        for i in range(args.repeat):
            rows["python"].append(timed([py, "-c", "pass"], env))
            rows["spacy.load"].append(timed([py, "-c", f"import spacy; spacy.load({model!r})"], env))
            for tag, root in roots.items():  # in turn, so that both see the same load on the machine
                db = folder / f"kb{tag.strip()}{i}.db"
                commands = {
                    "--help": ["--help"],
                    "ingest": ["ingest", str(article), "--db", str(db)],
                    "who": ["who", "Taliban", "--db", str(db)],
                }
                for name, command in commands.items():
                    rows.setdefault(tag + name, []).append(
                        timed([py, "-m", "khabar", *command], fresh_env(f"{tag.strip()}{i}"), root)
                    )
    base = statistics.median(rows["spacy.load"])
    print(f"small runs, median of {args.repeat} ({'cold' if args.cold else 'warm'} cache, {os.cpu_count()} cores)")
    print(f"{'command':<14} {'median s':>9} {'min s':>7} {'/ spacy.load':>13}")
    for name, values in rows.items():
        median = statistics.median(values)
        print(f"{name:<14} {median:9.2f} {min(values):7.2f} {median / base:13.2f}")
    if args.against:
        for name in ("--help", "ingest", "who"):
            ratio = statistics.median(rows["base " + name]) / statistics.median(rows[name])
            print(f"{name}: {ratio:.2f}x as fast as {args.against}")


if __name__ == "__main__":
    main()
