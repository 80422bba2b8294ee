"""Readable terminal text (plain strings; the CLI prints them without markup interpretation)."""

from __future__ import annotations

import textwrap

from ..models import Article, Citation, Dossier, IngestReport, SearchHit

__all__ = ["cite", "dossier_text", "search_text", "article_text", "ingest_summary"]

_WIDTH = 100


def cite(c: Citation) -> str:
    """Short citation: outlet, date, title, article id and span."""
    date = (c.published or "undated")[:10]
    title = f'"{c.title}"' if c.title else "untitled"
    return f"{c.outlet or 'unknown outlet'}, {date}, {title} [{c.article_id[:10]} {c.start}-{c.end}]"


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=_WIDTH, initial_indent=indent, subsequent_indent=indent)


def dossier_text(d: Dossier) -> str:
    """The dossier as terminal text."""
    lines = [f"{d.entity.name}  ({d.entity.type}, id {d.entity.id})", "=" * min(_WIDTH, len(d.entity.name) + 30)]
    lines.append(f"Mentioned in {d.articles} article(s) from {d.outlets} outlet(s), "
                 f"{d.source_groups} independent source group(s).")
    if d.candidates:
        lines.append("Also matched: " + "; ".join(f"{e.name} ({e.type}, {e.id})" for e in d.candidates))
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
        body.append(_wrap(f"[{p.language}] {a.text[p.start:p.end]}", "  "))
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
    return "\n".join(lines)
