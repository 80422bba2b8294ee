"""Events, facts, disputes and open questions -> terminal text, Markdown, JSON and CSV.

Used by ``khabar events`` (schema ``khabar.events/1``) and by the full dossier (``khabar who``):
the dossier renderers call :func:`profile_text_lines`, :func:`profile_markdown_lines` and
:func:`profile_dict` for the parts that come from events and facts. Every line that states
something carries its citations. Schemas: docs/events.md.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..models import Conflict, Dossier, Event, Figure, ProfileFact, Question, Toll
from .basics import cite, citation_dict, dumps, md_cite, md_escape

__all__ = [
    "events_text", "events_json", "events_csv", "event_dict", "events_dict", "profile_text_lines",
    "profile_markdown_lines", "profile_dict", "figure_text", "event_title",
]

ATTRIBUTE_LABELS = {
    "founded": "founded", "leader": "leader", "based_in": "based in", "active_in": "active in",
    "strength": "strength", "designated_by": "designated as terrorist by", "bounty": "bounty offered",
    "affiliate_of": "affiliate of", "has_affiliate": "has affiliate", "linked_to": "linked to",
    "rival_of": "rival of", "leads": "leads",
}


def figure_text(figure: Figure | None) -> str:
    """"at least 60 (60+)": the words as reported with the range they allow."""
    if figure is None:
        return "-"
    if figure.high is None:
        bounds = f"{figure.low}+"
    elif figure.low == figure.high:
        bounds = str(figure.low)
    else:
        bounds = f"{figure.low}-{figure.high}"
    return f"{figure.text} ({bounds})"


def toll_text(toll: Toll | None) -> str:
    """Range and latest figure of a toll series (never an average)."""
    if toll is None:
        return "not reported"
    high = "open-ended" if toll.high is None else str(toll.high)
    span = f"{toll.low}" if toll.high == toll.low else f"{toll.low} to {high}"
    latest = toll.latest
    return f"reported {span}; latest: {latest.figure.text} ({(latest.published or 'undated')[:10]})"


def event_title(e: Event) -> str:
    """One line naming the event: date, type, place."""
    when = e.date.value if e.date and e.date.value else "date unknown"
    precision = f" ({e.date.precision})" if e.date and e.date.value and e.date.precision != "day" else ""
    return f"{when}{precision}  {e.type.replace('_', ' ')} in {e.place or 'an unnamed place'}"


# --- khabar events -----------------------------------------------------------------------------

def events_text(events: list[Event]) -> str:
    """Events with their reports, as terminal text."""
    if not events:
        return "No events match."
    out = [f"{len(events)} event(s):"]
    for e in events:
        out += [""] + _event_lines(e)
    return "\n".join(out)


def _event_lines(e: Event) -> list[str]:
    lines = [f"{event_title(e)}   [{e.id}]",
             f"  {e.articles} article(s), {e.source_groups} independent source group(s); target: {e.target or '-'}",
             f"  killed: {toll_text(e.killed)}", f"  injured: {toll_text(e.injured)}"]
    for p in e.perpetrators:
        said = f" according to {', '.join(p.sources)}" if p.sources else ""
        lines.append(f"  {p.status}: {p.name}{said} ({p.articles} article(s), {p.source_groups} source group(s))")
    for c in e.conflicts:
        lines.append(f"  CONFLICT ({c.kind}): {c.note}")
        lines += [f"     - {v.display}  -- {cite(v.citations[0])}" for v in c.values if v.citations]
    lines.append("  reports:")
    for r, c in zip(e.reports, e.citations):
        lines.append(f"    - {(r.published or 'undated')[:10]} {c.outlet or 'unknown outlet'}: killed "
                     f"{figure_text(r.killed)}, injured {figure_text(r.injured)}")
        lines.append(f"      \"{_short(c.text)}\"  -- {cite(c)}")
    return lines


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def event_dict(e: Event) -> dict[str, Any]:
    """One event as a JSON object (schema khabar.events/1, docs/events.md)."""
    return {
        "id": e.id, "type": e.type, "date": e.date.value if e.date else None,
        "date_precision": e.date.precision if e.date else "none", "place": e.place, "place_id": e.place_id,
        "target": e.target, "articles": e.articles, "source_groups": e.source_groups,
        "killed": _toll_dict(e.killed), "injured": _toll_dict(e.injured),
        "perpetrators": [{"name": p.name, "entity_id": p.entity_id, "status": p.status, "sources": list(p.sources),
                          "articles": p.articles, "source_groups": p.source_groups,
                          "citations": [citation_dict(c) for c in p.citations]} for p in e.perpetrators],
        "conflicts": [_conflict_dict(c) for c in e.conflicts],
        "reports": [{"article_id": r.article_id, "index": r.index, "published": r.published, "type": r.type,
                     "date": r.date.value if r.date else None, "date_text": r.date.text if r.date else None,
                     "place": r.place, "killed": _figure_dict(r.killed), "injured": _figure_dict(r.injured),
                     "perpetrators": [{"name": p.name, "status": p.status, "source": p.source}
                                      for p in r.perpetrators],
                     "citation": citation_dict(c) | {"group_id": c.group_id}} for r, c in zip(e.reports, e.citations)],
    }


def events_dict(events: list[Event]) -> dict[str, Any]:
    """The document ``khabar events --format json`` prints."""
    return {"schema": "khabar.events/1", "events": [event_dict(e) for e in events]}


def events_json(events: list[Event]) -> str:
    """Events as JSON text."""
    return dumps(events_dict(events))


def _figure_dict(f: Figure | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {"value": f.value, "qualifier": f.qualifier, "low": f.low, "high": f.high, "text": f.text}


def _toll_dict(t: Toll | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"low": t.low, "high": t.high, "latest": _figure_dict(t.latest.figure) | {"published": t.latest.published},
            "series": [_figure_dict(p.figure) | {"published": p.published, "citation": citation_dict(p.citation)}
                       for p in t.series]}


def _conflict_dict(c: Conflict) -> dict[str, Any]:
    return {"kind": c.kind, "subject": c.subject, "note": c.note,
            "values": [{"value": v.value, "display": v.display, "qualifier": v.qualifier, "articles": v.articles,
                        "source_groups": v.source_groups, "citations": [citation_dict(x) for x in v.citations]}
                       for v in c.values]}


def events_csv(events: list[Event]) -> str:
    """One CSV row per report (event columns repeated), for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["event_id", "type", "date", "date_precision", "place", "target", "articles", "source_groups",
                     "killed_low", "killed_high", "killed_latest", "perpetrators", "conflicts", "report_published",
                     "outlet", "article_id", "report_killed", "report_injured", "evidence"])
    for e in events:
        perps = "; ".join(f"{p.name} ({p.status})" for p in e.perpetrators)
        conflicts = "; ".join(c.note for c in e.conflicts)
        for r, c in zip(e.reports, e.citations):
            writer.writerow([
                e.id, e.type, e.date.value if e.date else "", e.date.precision if e.date else "none", e.place or "",
                e.target or "", e.articles, e.source_groups, e.killed.low if e.killed else "",
                "" if not e.killed or e.killed.high is None else e.killed.high,
                e.killed.latest.figure.text if e.killed else "", perps, conflicts, r.published or "",
                c.outlet or "", r.article_id, r.killed.text if r.killed else "", r.injured.text if r.injured else "",
                " ".join(c.text.split()),
            ])
    return buffer.getvalue()


# --- the dossier's parts -----------------------------------------------------------------------

def _supported_line(label: str, display: str, articles: int, groups: int) -> str:
    return f"{label}: {display}  [{articles} article(s), {groups} independent source group(s)]"


def profile_text_lines(d: Dossier) -> list[str]:
    """Facts, relations, attacks, disputes and open questions of a dossier as text lines."""
    lines: list[str] = []
    for title, items in (("Profile", d.facts), ("Relations (from the articles)", d.relations)):
        if items:
            lines += ["", title] + _facts_text(items)
    if d.attacks:
        lines += ["", "Attacks (timeline)"]
        for e in d.attacks:
            statuses = ", ".join(sorted({p.status for p in e.perpetrators if p.status != "denied"}))
            lines.append(f"  - {event_title(e)}: killed {toll_text(e.killed)}; {statuses}; "
                         f"{e.articles} article(s), {e.source_groups} source group(s)")
            lines.append(f"      -- {cite(e.citations[-1])}")
    if d.disputes:
        lines += ["", "Where sources disagree"]
        for c in d.disputes:
            lines.append(f"  - {c.subject}: {c.note}")
            lines += [f"      {v.display}  [{v.source_groups} source group(s)]  -- {cite(v.citations[0])}"
                      for v in c.values if v.citations]
    if d.questions:
        lines += ["", "Open questions"]
        for q in d.questions:
            lines.append(f"  - {q.text}")
            lines += [f"      -- {cite(c)}" for c in q.citations[:2]]
    return lines


def _facts_text(items: tuple[ProfileFact, ...]) -> list[str]:
    lines = []
    for fact in items:
        label = ATTRIBUTE_LABELS.get(fact.attribute, fact.attribute)
        for v in fact.values:
            lines.append("  - " + _supported_line(label, v.display, v.articles, v.source_groups))
            lines.append(f"      -- {cite(v.citations[0])}")
    return lines


def profile_markdown_lines(d: Dossier) -> list[str]:
    """The same parts as Markdown."""
    out: list[str] = []
    for title, items in (("Profile", d.facts), ("Relations", d.relations)):
        if items:
            out += ["", f"## {title}", "", "| attribute | value | articles | source groups | source |",
                    "|---|---|---|---|---|"]
            for fact in items:
                for v in fact.values:
                    out.append(f"| {ATTRIBUTE_LABELS.get(fact.attribute, fact.attribute)} | {md_escape(v.display)} | "
                               f"{v.articles} | {v.source_groups} | {md_cite(v.citations[0])} |")
    if d.attacks:
        out += ["", "## Attacks", ""]
        for e in d.attacks:
            out.append(f"- **{md_escape(event_title(e))}**: killed {md_escape(toll_text(e.killed))}; "
                       f"{e.articles} article(s), {e.source_groups} source group(s) — {md_cite(e.citations[-1])}")
    out += _markdown_disputes(d.disputes) + _markdown_questions(d.questions)
    return out


def _markdown_disputes(disputes: tuple[Conflict, ...]) -> list[str]:
    if not disputes:
        return []
    out = ["", "## Where sources disagree", ""]
    for c in disputes:
        out.append(f"- {md_escape(c.subject)}: {md_escape(c.note)}")
        out += [f"    - {md_escape(v.display)} ({v.source_groups} source group(s)) — {md_cite(v.citations[0])}"
                for v in c.values if v.citations]
    return out


def _markdown_questions(questions: tuple[Question, ...]) -> list[str]:
    if not questions:
        return []
    out = ["", "## Open questions", ""]
    for q in questions:
        sources = "; ".join(md_cite(c) for c in q.citations[:2])
        out.append(f"- {md_escape(q.text)}" + (f" — {sources}" if sources else ""))
    return out


def profile_dict(d: Dossier) -> dict[str, Any]:
    """The parts for schema khabar.dossier/1 (keys facts, relations, attacks, disputes, questions)."""
    return {
        "facts": [_profile_fact_dict(f) for f in d.facts],
        "relations": [_profile_fact_dict(f) for f in d.relations],
        "attacks": [event_dict(e) for e in d.attacks],
        "disputes": [_conflict_dict(c) for c in d.disputes],
        "questions": [{"text": q.text, "citations": [citation_dict(c) for c in q.citations]} for q in d.questions],
    }


def _profile_fact_dict(f: ProfileFact) -> dict[str, Any]:
    return {"attribute": f.attribute,
            "values": [{"value": v.value, "display": v.display, "qualifier": v.qualifier, "object_id": v.object_id,
                        "articles": v.articles, "source_groups": v.source_groups,
                        "citations": [citation_dict(c) for c in v.citations]} for v in f.values]}
