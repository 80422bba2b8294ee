"""Validate the events/facts gold set: python eval/gold/events/validate.py

Checks that every line of gold.jsonl parses, that every annotated string (evidence, figure texts,
negatives) occurs verbatim in its article body, that closed-vocabulary fields hold allowed values,
that dates match their precision, and that events sharing a key agree on what the event is.
Exits non-zero and lists the problems if anything is wrong; prints the set's counts otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
TYPES = {
    "bombing",
    "suicide_bombing",
    "armed_assault",
    "assassination",
    "kidnapping",
    "hostage_taking",
    "hijacking",
    "arson",
    "facility_attack",
    "rocket_attack",
    "unknown",
}
PRECISIONS = {"day", "week", "month", "year"}
STATUSES = {"claimed", "attributed", "suspected", "unknown"}
QUALIFIERS = {"exact", "at_least", "more_than", "about", "up_to", "range", "vague"}
TARGETS = {
    "civilians",
    "military",
    "police",
    "government",
    "religious",
    "education",
    "business",
    "transport",
    "journalists",
    "ngo",
    "diplomatic",
    "infrastructure",
    "other",
}
ATTRIBUTES = {
    "founded",
    "based_in",
    "active_in",
    "strength",
    "leader",
    "affiliate_of",
    "linked_to",
    "rival_of",
    "designated_by",
    "bounty",
}
FRONT = ("title", "outlet", "url", "published")
DATE_RE = {"day": r"\d{4}-\d{2}-\d{2}", "week": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}


def read_article(path: Path) -> tuple[dict[str, str], str]:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"---\n(.*?)\n---\n(.*)\Z", text, re.S)
    if not m:
        raise ValueError("no front matter")
    meta = dict(line.split(": ", 1) for line in m.group(1).splitlines())
    if list(meta) != list(FRONT):
        raise ValueError(f"front matter keys {list(meta)} != {list(FRONT)}")
    return meta, m.group(2)


def check_figure(fig, where: str, body: str, errs: list[str]) -> None:
    if fig is None:
        return
    if set(fig) - {"value", "qualifier", "text", "high"}:
        errs.append(f"{where}: unknown figure keys {sorted(fig)}")
    q = fig.get("qualifier")
    if q not in QUALIFIERS:
        errs.append(f"{where}: bad qualifier {q!r}")
    if fig.get("text") not in body:
        errs.append(f"{where}: figure text not in body: {fig.get('text')!r}")
    v = fig.get("value")
    if q == "vague":
        if v is not None:
            errs.append(f"{where}: vague figure must have value null")
    elif not isinstance(v, int) or v < 0:
        errs.append(f"{where}: value must be a non-negative int, got {v!r}")
    if q == "range" and not isinstance(fig.get("high"), int):
        errs.append(f"{where}: range needs an int 'high'")


def main() -> int:
    errs: list[str] = []
    n_events = n_facts = n_neg = 0
    by_key: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    seen_articles: set[str] = set()
    lines = (HERE / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines, 1):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            errs.append(f"line {i}: does not parse: {e}")
            continue
        name = rec.get("article", "?")
        if name in seen_articles:
            errs.append(f"{name}: annotated twice")
        seen_articles.add(name)
        try:
            meta, body = read_article(HERE / "articles" / name)
        except (OSError, ValueError) as e:
            errs.append(f"{name}: cannot read article: {e}")
            continue
        published = dt.date.fromisoformat(meta["published"])
        words = len(body.split())
        if not 80 <= words <= 250:
            errs.append(f"{name}: body has {words} words (want 80-250)")
        if not re.match(r"https://[a-z0-9.-]+\.example/", meta["url"]):
            errs.append(f"{name}: url not under .example")
        for j, e in enumerate(rec.get("events", [])):
            where = f"{name} event {j} ({e.get('key')})"
            n_events += 1
            by_key[e.get("key")].append((name, e))
            if e.get("type") not in TYPES:
                errs.append(f"{where}: bad type {e.get('type')!r}")
            prec = e.get("date_precision")
            if prec not in PRECISIONS:
                errs.append(f"{where}: bad date_precision {prec!r}")
            elif not re.fullmatch(DATE_RE[prec], e.get("date", "")):
                errs.append(f"{where}: date {e.get('date')!r} does not match precision {prec}")
            elif prec in ("day", "week"):
                d = dt.date.fromisoformat(e["date"])
                if prec == "week" and d.weekday() != 0:
                    errs.append(f"{where}: week date must be a Monday")
                if d > published:
                    errs.append(f"{where}: date after publication")
            if e.get("perpetrator_status") not in STATUSES:
                errs.append(f"{where}: bad perpetrator_status")
            if (e.get("perpetrator") is None) != (e.get("perpetrator_status") == "unknown"):
                errs.append(f"{where}: perpetrator null iff status unknown")
            for c in e.get("competing", []):
                if c.get("status") not in STATUSES - {"unknown"} or not c.get("perpetrator"):
                    errs.append(f"{where}: bad competing entry {c}")
            if e.get("target") not in TARGETS:
                errs.append(f"{where}: bad target {e.get('target')!r}")
            if not re.fullmatch(r"[A-Z]{2}", e.get("country", "")):
                errs.append(f"{where}: bad country")
            if not e.get("place"):
                errs.append(f"{where}: empty place")
            if e.get("evidence") not in body:
                errs.append(f"{where}: evidence not in body: {e.get('evidence')!r}")
            check_figure(e.get("killed"), where + " killed", body, errs)
            check_figure(e.get("injured"), where + " injured", body, errs)
        for j, f in enumerate(rec.get("facts", [])):
            where = f"{name} fact {j} ({f.get('subject')} {f.get('attribute')})"
            n_facts += 1
            if f.get("attribute") not in ATTRIBUTES:
                errs.append(f"{where}: bad attribute")
            if f.get("evidence") not in body:
                errs.append(f"{where}: evidence not in body: {f.get('evidence')!r}")
            if f.get("attribute") == "founded" and not re.fullmatch(r"\d{4}(-\d{2})?", f.get("value", "")):
                errs.append(f"{where}: founded must be YYYY or YYYY-MM")
            if f.get("attribute") == "strength":
                if f.get("qualifier") not in QUALIFIERS or not str(f.get("value", "")).isdigit():
                    errs.append(f"{where}: strength needs digits and a qualifier")
                if f.get("qualifier") == "range" and not str(f.get("high", "")).isdigit():
                    errs.append(f"{where}: range strength needs 'high'")
            if f.get("attribute") == "bounty" and (not str(f.get("value", "")).isdigit() or not f.get("on")):
                errs.append(f"{where}: bounty needs a USD number and 'on'")
        for neg in rec.get("negatives", []):
            n_neg += 1
            if neg not in body:
                errs.append(f"{name}: negative not in body: {neg!r}")
    # coreference: one key = one real event
    for key, items in by_key.items():
        for field in ("type", "country", "place"):
            vals = {e.get(field) for _, e in items}
            if len(vals) > 1:
                errs.append(f"key {key}: inconsistent {field} across articles: {sorted(map(str, vals))}")
        days = {e["date"] for _, e in items if e.get("date_precision") == "day"}
        if len(days) > 1:
            errs.append(f"key {key}: different day dates {sorted(days)}")
        for name, e in items:
            if not any(d.startswith(e["date"]) for d in days) and e["date_precision"] in ("month", "year") and days:
                errs.append(f"key {key} in {name}: {e['date']} does not contain the day {days}")
    expected = {p.name for p in (HERE / "articles").glob("ev*.txt")}
    if expected != seen_articles:
        errs.append(
            f"articles without annotation: {sorted(expected - seen_articles)}; "
            f"annotations without article: {sorted(seen_articles - expected)}"
        )
    if errs:
        print("\n".join(errs))
        print(f"{len(errs)} problem(s)")
        return 1
    multi = {k: len({n for n, _ in v}) for k, v in by_key.items() if len({n for n, _ in v}) > 1}
    print(
        f"ok: {len(seen_articles)} articles, {n_events} events ({len(by_key)} distinct keys), "
        f"{n_facts} facts, {n_neg} negatives"
    )
    print(
        "keys reported by several articles:",
        ", ".join(f"{k} x{c}" for k, c in sorted(multi.items(), key=lambda kv: -kv[1])),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
