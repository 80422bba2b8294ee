"""Markdown renderings, for reports and notes."""

from __future__ import annotations

from ..models import Citation, Dossier

__all__ = ["dossier_markdown", "md_cite", "md_escape", "md_url"]


def md_escape(text: str) -> str:
    """Escape characters that Markdown would interpret."""
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def md_url(url: str | None) -> str | None:
    """The URL for a Markdown link if it is http(s), else None ("javascript:" and "data:" never become links)."""
    if not url or not url.strip().lower().startswith(("http://", "https://")):
        return None
    return url.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def md_cite(c: Citation) -> str:
    """A Markdown citation line."""
    date = (c.published or "undated")[:10]
    title = md_escape(c.title or "untitled")
    url = md_url(c.url)
    link = f"[{title}]({url})" if url else f"*{title}*"
    return f"{md_escape(c.outlet or 'unknown outlet')}, {date}, {link}, `{c.article_id[:10]}` chars {c.start}-{c.end}"


def dossier_markdown(d: Dossier) -> str:
    """The dossier as a Markdown document."""
    out = [f"# {md_escape(d.entity.name)}", "",
           f"*{d.entity.type}*, id `{d.entity.id}`. Mentioned in **{d.articles}** article(s) "
           f"from **{d.outlets}** outlet(s), **{d.source_groups}** independent source group(s).", ""]
    if d.place and d.place.resolved:
        p = d.place
        out += [f"**Place**: {md_escape(p.name)}, {p.level}, {p.country or ''}; latitude {p.latitude:.4f}, "
                f"longitude {p.longitude:.4f} (GeoNames {p.geonames_id or '-'})", ""]
    elif d.place:
        out += [f"**Place**: unresolved ({md_escape(d.place.note)})", ""]
    if d.links:
        out += ["## Links", ""]
        out += [f"- {k.relation.replace('_', ' ')}: {md_escape(k.entity.name)} (`{k.entity.id}`, {k.source}"
                f"{', since ' + k.note if k.note else ''})" for k in d.links]
        out.append("")
    out += ["## Aliases", "", "| alias | source | articles | outlets | example |", "|---|---|---|---|---|"]
    for a in d.aliases:
        example = md_cite(a.citations[0]) if a.citations else ""
        out.append(f"| {md_escape(a.alias)} | {', '.join(a.sources)} | {a.articles} | {a.outlets} | {example} |")
    if d.neighbours:
        out += ["", "## Mentioned with", ""]
        out += [f"- {md_escape(n.entity.name)} ({n.entity.type}): {n.articles} article(s), {n.sentences} sentence(s)"
                for n in d.neighbours]
    from .events import profile_markdown_lines  # facts, attacks, disputes, questions (issue 5)

    out += profile_markdown_lines(d)
    out += ["", "## Evidence", ""]
    for i, c in enumerate(d.evidence, start=1):
        out.append(f"{i}. {md_escape(c.text)}  \n   — {md_cite(c)}")
    return "\n".join(out) + "\n"
