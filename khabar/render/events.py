"""Events, facts, disputes and open questions -> terminal text, Markdown, JSON and CSV.

Used by ``khabar events`` (schema ``khabar.events/2``) and by the full dossier (``khabar who``):
the dossier renderers call :func:`profile_text_lines`, :func:`profile_markdown_lines` and
:func:`profile_dict` for the parts that come from events and facts. Every line that states
something carries its citations. Schemas: docs/events.md.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..models import Conflict, Dossier, Event, Figure, ProfileFact, Question, Toll
from .basics import citation_dict, cite, dumps, md_cite, md_escape

__all__ = [
    "events_text",
    "events_json",
    "events_csv",
    "event_dict",
    "events_dict",
    "profile_text_lines",
    "profile_markdown_lines",
    "profile_dict",
    "figure_text",
    "event_title",
    "EVENT_COLUMNS",
    "event_row",
    "qualifier_label",
    "type_codes",
    "date_dict",
    "QUALIFIER_LABELS",
]

ATTRIBUTE_LABELS = {
    "founded": "founded",
    "leader": "leader",
    "based_in": "based in",
    "active_in": "active in",
    "strength": "strength",
    "designated_by": "designated as terrorist by",
    "bounty": "bounty offered",
    "affiliate_of": "affiliate of",
    "has_affiliate": "has affiliate",
    "linked_to": "linked to",
    "rival_of": "rival of",
    "leads": "leads",
}


# Qualifier codes of figures and facts (models.Figure) -> the words a reader expects.
QUALIFIER_LABELS = {
    "exact": "",
    "at_least": "at least",
    "more_than": "more than",
    "about": "about",
    "up_to": "up to",
    "fewer_than": "fewer than",
    "range": "range",
    "vague": "vague figure",
}


def qualifier_label(code: str | None) -> str:
    """``up_to`` -> ``up to``; unknown codes (from later extractors) with underscores as spaces."""
    if not code:
        return ""
    return QUALIFIER_LABELS.get(code, code.replace("_", " "))


def type_codes(event_type: str) -> dict[str, str | None]:
    """An event type's label and its GTD attack type and ACLED sub-event type (khabar/data/events.toml)."""
    from ..events import event_types

    known = event_types().get(event_type)
    return {
        "type_label": known.label if known else event_type.replace("_", " "),
        "gtd_type": known.gtd if known else None,
        "acled_type": known.acled if known else None,
    }


def date_dict(d) -> dict[str, Any] | None:
    """A DateValue as the documented date object (null when there is no date at all)."""
    if d is None:
        return None
    return {"value": d.value, "precision": d.precision if d.value else "none", "text": d.text, "note": d.note}


def figure_text(figure: Figure | None) -> str:
    """ "at least 60 (60+)": the words as reported with the range they allow."""
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
    lines = [
        f"{event_title(e)}   [{e.id}]",
        f"  {e.articles} article(s), {e.source_groups} independent source group(s); target: {e.target or '-'}",
        f"  killed: {toll_text(e.killed)}",
        f"  injured: {toll_text(e.injured)}",
    ]
    for p in e.perpetrators:
        said = f" according to {', '.join(p.sources)}" if p.sources else ""
        lines.append(f"  {p.status}: {p.name}{said} ({p.articles} article(s), {p.source_groups} source group(s))")
    for c in e.conflicts:
        lines.append(f"  CONFLICT ({c.kind}): {c.note}")
        lines += [f"     - {v.display}  -- {cite(v.citations[0])}" for v in c.values if v.citations]
    lines.append("  reports:")
    for r, cited in zip(e.reports, e.citations):
        lines.append(
            f"    - {(r.published or 'undated')[:10]} {cited.outlet or 'unknown outlet'}: killed "
            f"{figure_text(r.killed)}, injured {figure_text(r.injured)}"
        )
        lines.append(f'      "{_short(cited.text)}"  -- {cite(cited)}')
    return lines


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def event_dict(e: Event) -> dict[str, Any]:
    """One event as a JSON object (``common-2.json#/$defs/event``; khabar.events/2, docs/events.md)."""
    return {
        "id": e.id,
        "type": e.type,
        **type_codes(e.type),
        "date": date_dict(e.date),
        "place": e.place,
        "place_id": e.place_id,
        "target": e.target,
        "articles": e.articles,
        "source_groups": e.source_groups,
        "killed": _toll_dict(e.killed),
        "injured": _toll_dict(e.injured),
        "perpetrators": [
            {
                "name": p.name,
                "entity_id": p.entity_id,
                "status": p.status,
                "sources": list(p.sources),
                "articles": p.articles,
                "source_groups": p.source_groups,
                "confidence": p.confidence,
                "citations": [citation_dict(c) for c in p.citations],
            }
            for p in e.perpetrators
        ],
        "conflicts": [_conflict_dict(c) for c in e.conflicts],
        "reports": [
            {
                "article_id": r.article_id,
                "index": r.index,
                "published": r.published,
                "type": r.type,
                "date": date_dict(r.date),
                "place": r.place,
                "killed": _figure_dict(r.killed),
                "injured": _figure_dict(r.injured),
                "perpetrators": [{"name": p.name, "status": p.status, "source": p.source} for p in r.perpetrators],
                "citation": citation_dict(c) | {"group_id": c.group_id},
            }
            for r, c in zip(e.reports, e.citations)
        ],
    }


def events_dict(events: list[Event]) -> dict[str, Any]:
    """The document ``khabar events --format json`` prints."""
    return {"schema": "khabar.events/2", "events": [event_dict(e) for e in events]}


def events_json(events: list[Event]) -> str:
    """Events as JSON text."""
    return dumps(events_dict(events))


def _figure_dict(f: Figure | None) -> dict[str, Any] | None:
    return None if f is None else _figure_fields(f)


def _figure_fields(f: Figure) -> dict[str, Any]:
    return {
        "value": f.value,
        "qualifier": f.qualifier,
        "qualifier_text": qualifier_label(f.qualifier),
        "low": f.low,
        "high": f.high,
        "text": f.text,
    }


def _toll_dict(t: Toll | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "low": t.low,
        "high": t.high,
        "latest": _figure_fields(t.latest.figure) | {"published": t.latest.published},
        "series": [
            _figure_fields(p.figure) | {"published": p.published, "citation": citation_dict(p.citation)}
            for p in t.series
        ],
    }


def _conflict_dict(c: Conflict) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "subject": c.subject,
        "note": c.note,
        "values": [
            {
                "value": v.value,
                "display": v.display,
                "qualifier": v.qualifier,
                "articles": v.articles,
                "source_groups": v.source_groups,
                "citations": [citation_dict(x) for x in v.citations],
            }
            for v in c.values
        ],
    }


# One column set for every events table: `khabar events --format csv`, `khabar export --format csv`
# (events.csv), the web app's CSV links. One row per event; the first report is cited.
EVENT_COLUMNS = (
    "id",
    "type",
    "type_label",
    "gtd_type",
    "acled_type",
    "date",
    "date_precision",
    "place",
    "place_id",
    "latitude",
    "longitude",
    "perpetrators",
    "killed_low",
    "killed_high",
    "killed_latest",
    "injured_low",
    "injured_high",
    "injured_latest",
    "target",
    "articles",
    "source_groups",
    "conflicts",
    "first_published",
    "first_outlet",
    "first_article_id",
    "first_start",
    "first_end",
    "first_text",
)


def event_row(e: Event, place=None) -> dict[str, Any]:
    """One event as a row of EVENT_COLUMNS (empty strings for missing values); ``place`` adds coordinates."""
    first = e.citations[0] if e.citations else None
    return {
        "id": e.id,
        "type": e.type,
        **{k: v or "" for k, v in type_codes(e.type).items()},
        "date": e.date.value or "" if e.date else "",
        "date_precision": (e.date.precision if e.date.value else "none") if e.date else "none",
        "place": e.place or "",
        "place_id": e.place_id or "",
        "latitude": "" if place is None or place.latitude is None else place.latitude,
        "longitude": "" if place is None or place.longitude is None else place.longitude,
        "perpetrators": "; ".join(f"{p.name} ({p.status})" for p in e.perpetrators),
        **_toll_cells("killed", e.killed),
        **_toll_cells("injured", e.injured),
        "target": e.target or "",
        "articles": e.articles,
        "source_groups": e.source_groups,
        "conflicts": "; ".join(c.note for c in e.conflicts),
        "first_published": first.published or "" if first else "",
        "first_outlet": first.outlet or "" if first else "",
        "first_article_id": first.article_id if first else "",
        "first_start": first.start if first else "",
        "first_end": first.end if first else "",
        "first_text": " ".join(first.text.split()) if first else "",
    }


def _toll_cells(name: str, toll: Toll | None) -> dict[str, Any]:
    if toll is None:
        return {f"{name}_low": "", f"{name}_high": "", f"{name}_latest": ""}
    return {
        f"{name}_low": toll.low,
        f"{name}_high": "" if toll.high is None else toll.high,
        f"{name}_latest": toll.latest.figure.text,
    }


def events_csv(events: list[Event], places: dict | None = None) -> str:
    """Events as CSV (EVENT_COLUMNS, one row per event), for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EVENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in events:
        writer.writerow(event_row(e, (places or {}).get(e.id)))
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
            lines.append(
                f"  - {event_title(e)}: killed {toll_text(e.killed)}; {statuses}; "
                f"{e.articles} article(s), {e.source_groups} source group(s)"
            )
            lines.append(f"      -- {cite(e.citations[-1])}")
    if d.disputes:
        lines += ["", "Where sources disagree"]
        for c in d.disputes:
            lines.append(f"  - {c.subject}: {c.note}")
            lines += [
                f"      {v.display}  [{v.source_groups} source group(s)]  -- {cite(v.citations[0])}"
                for v in c.values
                if v.citations
            ]
    if d.questions:
        lines += ["", "Open questions"]
        for q in d.questions:
            lines.append(f"  - {q.text}")
            lines += [f"      -- {cite(c)}" for c in q.citations[:2]]
    if d.uncertain:  # below min_confidence (issue 10)
        lines += ["", "Uncertain (not shown as facts)"]
        for u in d.uncertain:
            lines.append(f"  - {u.what}: {u.value} -- {u.reason}")
            lines += [f"      -- {cite(c)}" for c in u.citations[:1]]
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
            out += [
                "",
                f"## {title}",
                "",
                "| attribute | value | articles | source groups | source |",
                "|---|---|---|---|---|",
            ]
            for fact in items:
                for v in fact.values:
                    out.append(
                        f"| {ATTRIBUTE_LABELS.get(fact.attribute, fact.attribute)} | {md_escape(v.display)} | "
                        f"{v.articles} | {v.source_groups} | {md_cite(v.citations[0])} |"
                    )
    if d.attacks:
        out += ["", "## Attacks", ""]
        for e in d.attacks:
            out.append(
                f"- **{md_escape(event_title(e))}**: killed {md_escape(toll_text(e.killed))}; "
                f"{e.articles} article(s), {e.source_groups} source group(s) — {md_cite(e.citations[-1])}"
            )
    out += _markdown_disputes(d.disputes) + _markdown_questions(d.questions)
    if d.uncertain:  # below min_confidence (issue 10)
        out += ["", "## Uncertain (not shown as facts)", ""]
        out += [
            f"- {md_escape(u.what)}: {md_escape(u.value)} — {md_escape(u.reason)}"
            + (f" — {md_cite(u.citations[0])}" if u.citations else "")
            for u in d.uncertain
        ]
    return out


def _markdown_disputes(disputes: tuple[Conflict, ...]) -> list[str]:
    if not disputes:
        return []
    out = ["", "## Where sources disagree", ""]
    for c in disputes:
        out.append(f"- {md_escape(c.subject)}: {md_escape(c.note)}")
        out += [
            f"    - {md_escape(v.display)} ({v.source_groups} source group(s)) — {md_cite(v.citations[0])}"
            for v in c.values
            if v.citations
        ]
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
    """The parts for schema khabar.dossier/2 (keys facts, relations, attacks, disputes, questions)."""
    return {
        "facts": [_profile_fact_dict(f) for f in d.facts],
        "relations": [_profile_fact_dict(f) for f in d.relations],
        "attacks": [event_dict(e) for e in d.attacks],
        "disputes": [_conflict_dict(c) for c in d.disputes],
        "questions": [{"text": q.text, "citations": [citation_dict(c) for c in q.citations]} for q in d.questions],
        "uncertain": [
            {
                "what": u.what,
                "value": u.value,
                "confidence": u.confidence,
                "reason": u.reason,
                "citations": [citation_dict(c) for c in u.citations],
            }
            for u in d.uncertain
        ],
    }


def _profile_fact_dict(f: ProfileFact) -> dict[str, Any]:
    return {
        "attribute": f.attribute,
        "label": ATTRIBUTE_LABELS.get(f.attribute, f.attribute.replace("_", " ")),
        "values": [
            {
                "value": v.value,
                "display": v.display,
                "qualifier": v.qualifier,
                "object_id": v.object_id,
                "articles": v.articles,
                "source_groups": v.source_groups,
                "confidence": v.confidence,
                "citations": [citation_dict(c) for c in v.citations],
            }
            for v in f.values
        ],
    }
