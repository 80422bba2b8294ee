"""Markdown renderings, for reports and notes."""

from __future__ import annotations

from ..models import Dossier
from .basics import md_cite, md_escape, md_url
from .events import profile_markdown_lines

__all__ = ["dossier_markdown", "md_cite", "md_escape", "md_url"]


def dossier_markdown(d: Dossier) -> str:
    """The dossier as a Markdown document."""
    out = [
        f"# {md_escape(d.entity.name)}",
        "",
        f"*{d.entity.type}*, id `{d.entity.id}`. Mentioned in **{d.articles}** article(s) "
        f"from **{d.outlets}** outlet(s), **{d.source_groups}** independent source group(s).",
        "",
    ]
    if d.place and d.place.resolved:
        p = d.place
        out += [
            f"**Place**: {md_escape(p.name)}, {p.level}, {p.country or ''}; latitude {p.latitude:.4f}, "
            f"longitude {p.longitude:.4f} (GeoNames {p.geonames_id or '-'})",
            "",
        ]
    elif d.place:
        out += [f"**Place**: unresolved ({md_escape(d.place.note)})", ""]
    if d.links:
        out += ["## Links", ""]
        out += [
            f"- {k.relation.replace('_', ' ')}: {md_escape(k.entity.name)} (`{k.entity.id}`, {k.source}"
            f"{', since ' + k.note if k.note else ''})"
            for k in d.links
        ]
        out.append("")
    out += ["## Aliases", "", "| alias | source | articles | outlets | example |", "|---|---|---|---|---|"]
    for a in d.aliases:
        example = md_cite(a.citations[0]) if a.citations else ""
        out.append(f"| {md_escape(a.alias)} | {', '.join(a.sources)} | {a.articles} | {a.outlets} | {example} |")
    if d.neighbours:
        out += ["", "## Mentioned with", ""]
        out += [
            f"- {md_escape(n.entity.name)} ({n.entity.type}): {n.articles} article(s), {n.sentences} sentence(s)"
            for n in d.neighbours
        ]

    out += profile_markdown_lines(d)
    out += ["", "## Evidence", ""]
    for i, c in enumerate(d.evidence, start=1):
        out.append(f"{i}. {md_escape(c.text)}  \n   — {md_cite(c)}")
    return "\n".join(out) + "\n"
