"""Marked text: an article's clean text cut into runs, each run carrying the marks that cover it.

A page shows a mention as a link to its entity, an event as a coloured span and the cited sentence
highlighted; marks may nest (mentions inside the cited sentence) or overlap. Cutting the text at
every mark boundary gives flat runs that a template can wrap in tags without any nesting logic,
and keeps every character of the text exactly once (templates escape each run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Mark, Paragraph

__all__ = ["Run", "MarkedParagraph", "mark_paragraphs"]


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text and the marks covering all of it."""

    start: int
    text: str
    mention: Mark | None = None  # the innermost mention covering the run
    event: Mark | None = None
    cited: bool = False  # inside the highlighted span
    first_cited: bool = False  # the run where the highlighted span begins (the page's anchor)


@dataclass(frozen=True, slots=True)
class MarkedParagraph:
    """A kept paragraph as runs, with its language."""

    index: int
    language: str
    runs: tuple[Run, ...]


def mark_paragraphs(
    text: str, paragraphs: Sequence[Paragraph], marks: Sequence[Mark], highlight: tuple[int, int] | None = None
) -> list[MarkedParagraph]:
    """Cut each paragraph of ``text`` into runs at every boundary of ``marks`` and ``highlight``."""
    spans = [p for p in paragraphs if p.end > p.start] or [Paragraph(0, 0, len(text), "und", 0.0)]
    out, anchored = [], False
    for p in spans:
        inside = [m for m in marks if m.start < p.end and m.end > p.start]
        runs = _runs(text, p.start, p.end, inside, highlight, anchored)
        anchored = anchored or any(r.cited for r in runs)
        out.append(MarkedParagraph(p.index, p.language, tuple(runs)))
    return out


def _runs(
    text: str, start: int, end: int, marks: list[Mark], highlight: tuple[int, int] | None, anchored: bool
) -> list[Run]:
    cuts = {start, end}
    for m in marks:
        cuts.update((max(m.start, start), min(m.end, end)))
    if highlight:
        cuts.update(c for c in highlight if start < c < end)
    edges = sorted(cuts)
    runs = []
    for a, b in zip(edges, edges[1:]):
        covering = [m for m in marks if m.start <= a and m.end >= b]
        cited = highlight is not None and highlight[0] <= a and b <= highlight[1]
        runs.append(
            Run(
                a,
                text[a:b],
                _innermost(covering, "mention"),
                _innermost(covering, "event"),
                cited,
                cited and not anchored,
            )
        )
        anchored = anchored or cited
    return runs


def _innermost(marks: list[Mark], kind: str) -> Mark | None:
    chosen = [m for m in marks if m.kind == kind]
    return min(chosen, key=lambda m: m.end - m.start) if chosen else None
