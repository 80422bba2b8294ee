"""khabar's attack events against ACLED's coded events of 2020 (``events/acled/acled_2020_sample.csv``).

ACLED coders write a short news-style report (``notes``) for every event they code. This
evaluation gives each report to khabar as an article (publication date = the event date) and
scores what khabar extracts against the coder's fields. The split is fixed: :func:`split` puts
each record into the *tuning* or the *checking* half by a seeded hash of its ``data_id``, so the
halves do not depend on the order or the size of the file. Rules are tuned on the tuning half
only; floors are pinned on the checking half.

    python -m eval.acled --data ../shared/eval-data [--half checking|tuning|both] [--limit N]
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

SEED = "khabar-acled-2020-v1"
CSV = Path("events") / "acled" / "acled_2020_sample.csv"


def load(data: Path) -> list[dict]:
    """The ACLED records, as dicts keyed by the CSV header."""
    with (Path(data) / CSV).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def half_of(record: dict) -> str:
    """``"tuning"`` or ``"checking"``: a seeded hash of the record's ``data_id`` (fixed for ever)."""
    digest = hashlib.sha256(f"{SEED}:{record['data_id']}".encode()).digest()
    return "checking" if digest[0] & 1 else "tuning"


def split(records: list[dict]) -> tuple[list[dict], list[dict]]:
    """(tuning, checking): every record in exactly one half, by :func:`half_of`, order kept."""
    tuning = [r for r in records if half_of(r) == "tuning"]
    checking = [r for r in records if half_of(r) == "checking"]
    return tuning, checking
