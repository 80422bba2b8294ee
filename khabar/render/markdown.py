"""Markdown renderings, for reports and notes."""

from __future__ import annotations

from ..models import Citation, Dossier

__all__ = ["dossier_markdown", "md_cite", "md_escape"]


def md_escape(text: str) -> str:
    """Escape characters that Markdown would interpret."""
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def md_cite(c: Citation) -> str:
    """A Markdown citation line."""
    date = (c.published or "undated")[:10]
    title = md_escape(c.title or "untitled")
    link = f"[{title}]({c.url})" if c.url else f"*{title}*"
    return f"{md_escape(c.outlet or 'unknown outlet')}, {date}, {link}, `{c.article_id[:10]}` chars {c.start}-{c.end}"


def dossier_markdown(d: Dossier) -> str:
    """The dossier as a Markdown document."""
    out = [f"# {md_escape(d.entity.name)}", "",
           f"*{d.entity.type}*, id `{d.entity.id}`. Mentioned in **{d.articles}** article(s) "
           f"from **{d.outlets}** outlet(s), **{d.source_groups}** independent source group(s).", ""]
    out += ["## Aliases", "", "| alias | source | articles | outlets | example |", "|---|---|---|---|---|"]
    for a in d.aliases:
        example = md_cite(a.citations[0]) if a.citations else ""
        out.append(f"| {md_escape(a.alias)} | {', '.join(a.sources)} | {a.articles} | {a.outlets} | {example} |")
    if d.neighbours:
        out += ["", "## Mentioned with", ""]
        out += [f"- {md_escape(n.entity.name)} ({n.entity.type}): {n.articles} article(s), {n.sentences} sentence(s)"
                for n in d.neighbours]
    out += ["", "## Evidence", ""]
    for i, c in enumerate(d.evidence, start=1):
        out.append(f"{i}. {md_escape(c.text)}  \n   — {md_cite(c)}")
    return "\n".join(out) + "\n"
