"""Live sources as terminal text: fetch and watch summaries, the `khabar sources` listing."""

from __future__ import annotations

from ..fetch.run import FeedReport, FetchReport, PageOutcome, Sources
from .text import ingest_summary

__all__ = ["fetch_text", "watch_text", "sources_text"]

_MARK = {"added": "+", "unchanged": "=", "skipped": "=", "rejected": "-", "refused": "x", "failed": "!"}


def _page_line(p: PageOutcome) -> str:
    why = f": {p.reason}" if p.reason else ""
    return f"  {_MARK.get(p.state, '?')} {p.state:<9} {p.url}{why}"


def fetch_text(report: FetchReport) -> str:
    """One line per URL (what happened and why), then the ingest summary."""
    counts = {s: sum(p.state == s for p in report.pages) for s in _MARK}
    head = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing to do"
    lines = [f"Fetched {len(report.pages)} URL(s): {head}.", *map(_page_line, report.pages)]
    return "\n".join([*lines, ingest_summary(report.ingest)])


def _feed_line(r: FeedReport) -> str:
    kind = f" ({r.kind})" if r.kind else ""
    parts = [f"{r.new_entries} new entr{'y' if r.new_entries == 1 else 'ies'}"]
    parts += [f"{r.count(s)} {s}" for s in ("added", "unchanged", "rejected", "refused", "failed") if r.count(s)]
    if r.children:
        parts.append(f"{r.children} feed(s) listed")
    if r.waiting:
        parts.append(f"{r.waiting} waiting for the next pass")
    why = f" - {r.reason}" if r.reason else ""
    return f"{r.outcome.upper():<9} {r.url}{kind}{why}: " + ", ".join(parts)


def watch_text(reports: list[FeedReport]) -> str:
    """A summary per feed (new, unchanged, failed with reason), with every refused or failed page."""
    if not reports:
        return "No feeds to watch: give FEED URLs (or OPML lists, sitemaps) to `khabar watch`."
    lines = []
    for r in reports:
        lines.append(_feed_line(r))
        lines += [_page_line(p) for p in r.pages if p.state in ("refused", "failed", "rejected")]
    return "\n".join(lines)


def sources_text(view: Sources) -> str:
    """Watched feeds with their conditional-GET state and entry counts, then the latest fetches."""
    lines = [f"Feeds ({len(view.feeds)}):" if view.feeds else "No feeds watched yet (`khabar watch FEED --db ...`)."]
    for f in view.feeds:
        state = f.last_outcome or "not checked yet"
        why = f" - {f.last_reason}" if f.last_reason else ""
        valid = (
            ", ".join(
                x
                for x in (
                    f"ETag {f.etag}" if f.etag else "",
                    f"Last-Modified {f.last_modified}" if f.last_modified else "",
                )
                if x
            )
            or "no validators"
        )
        lines.append(f"  {f.url} [{f.kind or '?'}] {f.title}".rstrip())
        lines.append(f"      {state}{why}; checked {f.checked_at or 'never'}; {valid}")
        lines.append(
            f"      entries: {f.done} done, {f.pending} pending, {f.refused} refused, {f.failed} failed"
            + (f"; listed by {f.parent}" if f.parent else "")
        )
    lines.append(f"Latest fetches ({len(view.fetches)}):" if view.fetches else "No pages fetched yet.")
    for row in view.fetches:
        what = f"article {row.article_id[:12]}" if row.article_id else row.reason
        lines.append(f"  {row.fetched_at} {row.status} {row.via:<4} {row.outcome:<9} {row.final_url} ({what})")
    return "\n".join(lines)
