"""Run every evaluation over ../shared/eval-data and fail when any score is below its floor.

Each evaluation is a module in this package exposing ``main(data: Path) -> bool`` (True when all
its floors hold) that prints its own table. Usage: ``python -m eval.run_all --data ../shared/eval-data``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

# (module, what it measures). Add one line per evaluation.
EVALUATIONS: list[tuple[str, str]] = [
    ("eval.extraction", "main-text extraction, token P/R/F1 (scrapinghub article-extraction benchmark)"),
    ("eval.ner", "named-entity recognition P/R/F1 by type (CoNLL-2003 dev)"),
    ("eval.geo", "toponym recognition P/R/F1 and geocoding within 161 km (GeoWebNews)"),
    ("eval.aliases", "cross-article alias clustering, pairwise P/R/F1 and traps (eval/gold/aliases)"),
    ("eval.events_gold", "events, tolls, dates, perpetrators, coreference, negatives, facts (eval/gold/events)"),
    ("eval.acled", "ACLED 2020 checking half: events found, type, date, fatalities, perpetrator, admin1, km, merges"),
    ("eval.muc4", "MUC-4 incident type accuracy and role-filler P/R/F1 (dev; adapter learnt on train)"),
    ("eval.pairs", "copy/rewrite/same-story: SemEval-2022 t8 Pearson, Clough, MRPC, gold pairs with direction"),
]
# These read only the gold sets that live in the repository (eval/gold/): they run even without the data.
IN_REPO = {"eval.aliases", "eval.events_gold"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    parser.add_argument("--only", nargs="*", help="run only these modules (e.g. eval.ner)")
    args = parser.parse_args(argv)
    have_data = args.data.is_dir()
    if not have_data:
        if os.environ.get("CI") == "true":
            print(
                f"ERROR: {args.data} not found and CI=true: the quality floors cannot be checked. "
                "Put the shared evaluation data beside the repository (../shared/eval-data)."
            )
            return 2
        print(
            f"NOTE: {args.data} not found: only the in-repo gold evaluations run; "
            f"the floors on shared data ({len(EVALUATIONS) - len(IN_REPO)} evaluations) are NOT checked."
        )
    failed = []
    for module, what in EVALUATIONS:
        if args.only and module not in args.only:
            continue
        if not have_data and module not in IN_REPO:
            print(f"\n=== {module}: SKIPPED (needs {args.data})")
            continue
        print(f"\n=== {module}: {what}", flush=True)
        started = time.perf_counter()
        ok = importlib.import_module(module).main(args.data)
        print(f"--- {module}: {'PASS' if ok else 'BELOW FLOOR'} ({time.perf_counter() - started:.0f}s)", flush=True)
        if not ok:
            failed.append(module)
    if failed:
        print(f"\nFAILED quality floors: {', '.join(failed)}")
        return 1
    print("\nAll evaluation floors hold.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
