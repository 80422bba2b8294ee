"""Events, facts and coreference on khabar's own gold set (``eval/gold/events``, 45 articles).

The articles go through the real pipeline (``khabar.ingest`` into a temporary SQLite file); the
stored event reports, the merged cross-article events and the stored facts are then scored
against ``gold.jsonl`` (schema in ``eval/gold/events/README.md``):

* **events**: a predicted report matches a gold event of the same article when one of its
  sentences overlaps the gold evidence (else when their dates and places agree); event P/R/F1;
* **fields** (type, date at the gold precision, place, perpetrator, perpetrator status, killed,
  injured, target): slot P/R/F1: a predicted value is a true positive when its event matches
  and the value is right; a wrong or unmatched predicted value is a false positive; a gold value
  not reproduced is a false negative. Figures must agree on value *and* qualifier (``killed~``
  and ``injured~``: value only). Perpetrators match by name or any alias khabar holds for the
  entity (so "ETA" matches "Euskadi Ta Askatasuna" only if khabar learnt that alias);
* **negatives**: a negative string is respected when no predicted figure lies inside it and no
  predicted event that matches no gold event starts in its sentence;
* **coreference**: pairwise P/R/F1 over the matched reports (same gold key = same event);
* **facts**: P/R/F1 per attribute (subject by name or alias, value normalised per attribute).

    python -m eval.events_gold --data ../shared/eval-data
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import khabar
from khabar.dates import date_range
from khabar.events.query import find_events
from khabar.models import EventReport, Fact, Figure
from khabar.names import initials, name_key

GOLD = Path(__file__).resolve().parent / "gold" / "events"

# Floors pinned a little below the scores measured on this set (see docs/events.md).
FLOORS = {
    "event": 0.81,
    "type": 0.65,
    "date": 0.72,
    "place": 0.68,
    "perpetrator": 0.69,
    "status": 0.65,
    "killed": 0.84,
    "killed~": 0.84,
    "injured~": 0.80,
    "target": 0.50,
    "negatives": 0.93,
    "coreference": 0.90,
    "facts": 0.68,
}

FIELDS = ("type", "date", "place", "perpetrator", "status", "killed", "killed~", "injured", "injured~", "target")


@dataclass
class Score:
    """True positives, false positives and false negatives of one measure."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, gold: bool, correct: bool) -> None:
        if predicted and gold and correct:
            self.tp += 1
            return
        self.fp += int(predicted)
        self.fn += int(gold)

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


@dataclass
class Results:
    """Every score of one run."""

    events: Score = field(default_factory=Score)
    fields: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    facts: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    negatives: list[bool] = field(default_factory=list)
    coref: Score = field(default_factory=Score)


def load_gold() -> list[dict]:
    """The gold annotations, one dict per article."""
    return [json.loads(line) for line in (GOLD / "gold.jsonl").read_text("utf-8").splitlines() if line.strip()]


def run(db: Path) -> Results:
    """Ingest the gold articles into ``db`` and score everything."""
    khabar.ingest([GOLD / "articles"], db=db)
    results = Results()
    with khabar.open_kb(db) as store:
        ids = _article_ids(store)
        reports = defaultdict(list)
        for r in store.event_reports():
            reports[r.article_id].append(r)
        matched: dict[tuple[str, int], str] = {}
        for gold in load_gold():
            article_id = ids[gold["article"]]
            text = store.get_article(article_id).text
            pairs = _align(gold["events"], reports[article_id], text)
            _score_events(results, gold["events"], reports[article_id], pairs, store)
            _score_negatives(results, gold["negatives"], reports[article_id], pairs, text)
            _score_facts(results, gold["facts"], store.facts(), article_id, store)
            matched.update(
                {
                    (reports[article_id][p].article_id, reports[article_id][p].index): gold["events"][g]["key"]
                    for g, p in pairs
                }
            )
        _score_coreference(results, find_events(store, window_days=khabar.load_settings().event_window_days), matched)
    return results


def _article_ids(store) -> dict[str, str]:
    out = {}
    for article_id in store.article_ids():
        source = store.get_article(article_id).source
        out[Path(source).name] = article_id
    return out


# --- alignment ---------------------------------------------------------------------------------


def _align(gold: list[dict], predicted: list[EventReport], text: str) -> list[tuple[int, int]]:
    """(gold index, predicted index) pairs: evidence overlap first, then date and place agreement."""
    pairs, used_g, used_p = [], set(), set()
    for gi, g in enumerate(gold):
        start = text.find(g["evidence"])
        span = (start, start + len(g["evidence"])) if start >= 0 else None
        for pi, p in enumerate(predicted):
            if pi in used_p or span is None:
                continue
            if any(s < span[1] and span[0] < e for s, e in p.evidence or ((p.start, p.end),)):
                pairs.append((gi, pi))
                used_g.add(gi)
                used_p.add(pi)
                break
    for gi, g in enumerate(gold):
        if gi in used_g:
            continue
        for pi, p in enumerate(predicted):
            if pi not in used_p and _date_ok(g, p) and _place_ok(g, p):
                pairs.append((gi, pi))
                used_g.add(gi)
                used_p.add(pi)
                break
    return pairs


def _date_ok(g: dict, p: EventReport) -> bool:
    if not g.get("date") or p.date is None or not p.date.value:
        return False
    precision = g["date_precision"]
    if precision == "week":
        span = date_range(p.date)
        return span is not None and span[0].isoformat() <= g["date"] <= span[1].isoformat() or p.date.value == g["date"]
    width = {"day": 10, "month": 7, "year": 4}[precision]
    finer = {"day": ("day",), "month": ("day", "week", "month"), "year": ("day", "week", "month", "year")}
    return p.date.precision in finer[precision] and p.date.value[:width] == g["date"][:width]


def _place_ok(g: dict, p: EventReport) -> bool:
    if not g.get("place") or not p.place:
        return False
    a, b = name_key(g["place"]), name_key(p.place)
    return bool(a and b) and (a in b or b in a)


# --- events and fields -------------------------------------------------------------------------


def _score_events(results: Results, gold: list[dict], predicted: list[EventReport], pairs, store) -> None:
    results.events.tp += len(pairs)
    results.events.fp += len(predicted) - len(pairs)
    results.events.fn += len(gold) - len(pairs)
    by_gold = dict(pairs)
    for gi, g in enumerate(gold):
        p = predicted[by_gold[gi]] if gi in by_gold else None
        _score_fields(results, g, p, store)
    matched_p = {pi for _, pi in pairs}
    for pi, p in enumerate(predicted):
        if pi not in matched_p:
            _score_fields(results, None, p, store)


def _score_fields(results: Results, g: dict | None, p: EventReport | None, store) -> None:
    g = g or {}
    perp = _main_perpetrator(p) if p else None
    checks = {
        "type": (p is not None, bool(g), p is not None and bool(g) and p.type == g["type"]),
        "date": (
            p is not None and p.date is not None and bool(p.date.value),
            bool(g.get("date")),
            p is not None and bool(g) and _date_ok(g, p),
        ),
        "place": (p is not None and bool(p.place), bool(g.get("place")), p is not None and _place_ok(g, p)),
        "perpetrator": (
            perp is not None,
            bool(g.get("perpetrator")),
            perp is not None
            and bool(g.get("perpetrator"))
            and _same_actor(g["perpetrator"], perp.name, perp.entity_id, store),
        ),
        "status": (
            perp is not None,
            g.get("perpetrator_status", "unknown") != "unknown" and bool(g),
            perp is not None and bool(g.get("perpetrator")) and perp.status == g.get("perpetrator_status"),
        ),
        "target": (
            p is not None and bool(p.target),
            bool(g.get("target")),
            p is not None and p.target == g.get("target"),
        ),
    }
    for role in ("killed", "injured"):
        figure = getattr(p, role) if p else None
        gold_fig = g.get(role)
        checks[role] = (figure is not None, gold_fig is not None, _figure_ok(figure, gold_fig, strict=True))
        checks[role + "~"] = (figure is not None, gold_fig is not None, _figure_ok(figure, gold_fig, strict=False))
    for name, (predicted, gold, correct) in checks.items():
        results.fields[name].add(predicted, gold, correct)


def _main_perpetrator(p: EventReport):
    order = {"claimed": 0, "attributed": 1, "suspected": 2}
    named = sorted((x for x in p.perpetrators if x.status in order), key=lambda x: order[x.status])
    return named[0] if named else None


def _same_actor(gold: str, name: str, entity_id: str | None, store) -> bool:
    keys = {name_key(name)}
    if entity_id:
        keys |= {name_key(a.alias) for a in store.alias_support(entity_id, citations=0)}
    gold_key = name_key(gold)
    return gold_key in keys or initials(gold) in keys or any(k and (k == gold_key) for k in keys)


def _figure_ok(figure: Figure | None, gold: dict | None, *, strict: bool) -> bool:
    if figure is None or gold is None:
        return False
    if gold["qualifier"] == "vague" or figure.qualifier == "vague":
        return gold["qualifier"] == figure.qualifier
    same_value = figure.value == gold["value"] and (gold.get("high") is None or figure.high == gold.get("high"))
    return same_value and (not strict or figure.qualifier == gold["qualifier"])


# --- negatives, coreference, facts -------------------------------------------------------------


def _score_negatives(results: Results, negatives: list[str], predicted: list[EventReport], pairs, text: str) -> None:
    matched = {pi for _, pi in pairs}
    for negative in negatives:
        start = text.find(negative)
        end = start + len(negative)
        figures = [f for p in predicted for f in (p.killed, p.injured) if f is not None]
        bad_figure = any(start <= f.start and f.end <= end for f in figures)
        sentence_start = text.rfind("\n", 0, start)
        new_event = any(pi not in matched and p.start <= start < p.end for pi, p in enumerate(predicted))
        results.negatives.append(not bad_figure and not new_event and sentence_start >= -1)


def _score_coreference(results: Results, events, matched: dict[tuple[str, int], str]) -> None:
    cluster_of = {}
    for event in events:
        for r in event.reports:
            cluster_of[(r.article_id, r.index)] = event.id
    keys = [k for k in matched if k in cluster_of]
    for a, b in combinations(keys, 2):
        same_gold = matched[a] == matched[b]
        same_pred = cluster_of[a] == cluster_of[b]
        results.coref.add(same_pred, same_gold, same_pred and same_gold)


def _score_facts(results: Results, gold: list[dict], facts: list[Fact], article_id: str, store) -> None:
    mine = [f for f in facts if f.article_id == article_id]
    used = set()
    for g in gold:
        hit = next((i for i, f in enumerate(mine) if i not in used and _fact_ok(g, f, store)), None)
        if hit is not None:
            used.add(hit)
        results.facts[g["attribute"]].add(hit is not None, True, hit is not None)
    for i, f in enumerate(mine):
        if i not in used:
            results.facts[f.attribute].fp += 1


def _fact_ok(g: dict, f: Fact, store) -> bool:
    if g["attribute"] != f.attribute or not _same_actor(g["subject"], f.subject, f.subject_id, store):
        return False
    if f.attribute in ("founded", "strength", "bounty"):
        return f.value == str(g["value"])
    a, b = name_key(str(g["value"])), name_key(f.display)
    return bool(a and b) and (a == b or a in b or b in a or _same_actor(str(g["value"]), f.display, f.object_id, store))


# --- report ------------------------------------------------------------------------------------


def report(results: Results) -> dict[str, float]:
    """Print the tables; return the scores checked against FLOORS."""
    rows = [("event", results.events)] + [(name, results.fields[name]) for name in FIELDS]
    print(f"{'measure':<14}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
    for name, s in rows + [("coreference", results.coref)]:
        print(f"{name:<14}{s.p:>7.3f}{s.r:>7.3f}{s.f1:>7.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
    negatives = sum(results.negatives) / len(results.negatives) if results.negatives else 0.0
    print(f"{'negatives':<14} {sum(results.negatives)}/{len(results.negatives)} respected = {negatives:.3f}")
    print(f"\n{'fact attribute':<14}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
    total = Score()
    for name in sorted(results.facts):
        s = results.facts[name]
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        print(f"{name:<14}{s.p:>7.3f}{s.r:>7.3f}{s.f1:>7.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
    print(f"{'all facts':<14}{total.p:>7.3f}{total.r:>7.3f}{total.f1:>7.3f}{total.tp:>6}{total.fp:>6}{total.fn:>6}")
    scores = {name: s.f1 for name, s in rows}
    scores.update({"negatives": negatives, "coreference": results.coref.f1, "facts": total.f1})
    return scores


def main(data: Path) -> bool:
    """Run and check the floors (``data`` is unused: the gold set lives in the repository)."""
    with tempfile.TemporaryDirectory() as tmp:
        scores = report(run(Path(tmp) / "gold.db"))
    failed = [f"{k} {scores[k]:.3f} < {v:.2f}" for k, v in FLOORS.items() if scores[k] < v]
    for line in failed:
        print(f"BELOW FLOOR: {line}")
    return not failed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    sys.exit(0 if main(parser.parse_args().data) else 1)
