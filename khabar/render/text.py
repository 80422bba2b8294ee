"""Readable terminal text (plain strings; the CLI prints them without markup interpretation)."""

from __future__ import annotations

import textwrap

from ..models import Article, Dossier, IngestReport, SearchHit
from .basics import cite
from .events import profile_text_lines

__all__ = ["cite", "dossier_text", "search_text", "article_text", "ingest_summary"]

_WIDTH = 100


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=_WIDTH, initial_indent=indent, subsequent_indent=indent)


def dossier_text(d: Dossier) -> str:
    """The dossier as terminal text."""
    lines = [f"{d.entity.name}  ({d.entity.type}, id {d.entity.id})", "=" * min(_WIDTH, len(d.entity.name) + 30)]
    lines.append(
        f"Mentioned in {d.articles} article(s) from {d.outlets} outlet(s), "
        f"{d.source_groups} independent source group(s)."
    )
    if d.candidates:
        lines.append("Also matched: " + "; ".join(f"{e.name} ({e.type}, {e.id})" for e in d.candidates))
    lines += _place_lines(d) + _link_lines(d)
    lines += ["", "Aliases"]
    for a in d.aliases:
        where = f"{a.articles} article(s), {a.outlets} outlet(s)" if a.articles else "no article"
        lines.append(f"  - {a.alias}  [{', '.join(a.sources)}; {where}]")
        for c in a.citations[:1]:
            lines.append(f"      e.g. {cite(c)}")
    if d.neighbours:
        lines += ["", "Mentioned with"]
        for n in d.neighbours:
            lines.append(f"  - {n.entity.name} ({n.entity.type}): {n.articles} article(s), {n.sentences} sentence(s)")

    lines += profile_text_lines(d)
    lines += ["", "Evidence"]
    for i, c in enumerate(d.evidence, start=1):
        lines.append(_wrap(f"[{i}] {c.text}", "  "))
        lines.append(f"      -- {cite(c)}")
    return "\n".join(lines)


def search_text(query: str, hits: list[SearchHit]) -> str:
    """Search hits as terminal text."""
    if not hits:
        return f"No sentence matches {query!r}."
    out = [f"{len(hits)} sentence(s) match {query!r}:"]
    for hit in hits:
        out.append(_wrap(hit.citation.text, "  "))
        out.append(f"      -- {cite(hit.citation)}")
    return "\n".join(out)


def article_text(a: Article, *, show_dropped: bool = True) -> str:
    """An article with metadata, its paragraphs tagged by language, and what the cleaner dropped."""
    head = [
        f"{a.title or '(untitled)'}",
        f"id {a.id}  outlet {a.outlet or '?'}  published {a.published or '?'}  language {a.language}",
        f"source {a.source}" + (f"  url {a.url}" if a.url else ""),
        "",
    ]
    body = []
    for p in a.paragraphs:
        body.append(_wrap(f"[{p.language}] {a.text[p.start : p.end]}", "  "))
    out = head + body
    if show_dropped and a.dropped:
        out += ["", f"Dropped by the cleaner ({len(a.dropped)}):"]
        out += [f"  - [{d.kind.value}] {d.text[:160]}  ({d.reason})" for d in a.dropped]
    return "\n".join(out)


def ingest_summary(report: IngestReport) -> str:
    """One-screen summary of an ingest run, with one line per rejected input."""
    rate = report.added / report.seconds if report.seconds else 0.0
    lines = [
        f"Read {report.read} article(s): {report.added} added, {report.unchanged} already stored; "
        f"{len(report.rejected)} input(s) skipped. {report.words:,} words in {report.seconds:.1f}s "
        f"({rate:.1f} articles/s).",
    ]
    if report.rejected:
        lines.append("Skipped:")
        lines += [f"  - {r.source}: {r.reason} [{r.code}]" for r in report.rejected]
    if report.warnings:
        lines.append("Stored with warnings:")
        lines += [f"  - {w.source}: {w.message} [{w.code}]" for w in report.warnings]
    if report.internal_errors:
        lines.append(
            f"{report.internal_errors} internal error(s): bugs in khabar met on the inputs marked [internal] "
            f"above; those inputs were skipped and the run went on. Tracebacks: {report.error_log}"
        )
    return "\n".join(lines)


def _place_lines(d: Dossier) -> list[str]:
    p = d.place
    if p is None:
        return []
    if not p.resolved:
        return ["", f"Place: unresolved ({p.note}); no coordinates."]
    where = ", ".join(x for x in (p.admin1 if p.level != "admin1" else None, p.country) if x)
    return [
        "",
        f"Place: {p.name}, {p.level}{f' in {where}' if where else ''}; latitude {p.latitude:.4f}, "
        f"longitude {p.longitude:.4f} (GeoNames {p.geonames_id or '-'}; {p.note})",
    ]


def _link_lines(d: Dossier) -> list[str]:
    lines = ["", "Links"] if d.links else []
    for k in d.links:
        note = f", since {k.note}" if k.note else ""
        lines.append(
            f"  - {k.relation.replace('_', ' ')}: {k.entity.name} ({k.entity.id}; {k.source}{note}; "
            f"{k.articles} article(s) here)"
        )
    if d.conflicts:
        lines += ["", "Alias conflicts (for the analyst)"]
        lines += [f"  - {c.reason} [{c.article_id[:10] or 'no article'} {c.start}-{c.end}]" for c in d.conflicts]
    return lines
