"""Attack and violence events from article sentences.

``extract_events(doc, names, article_id=..., published=...)`` reads each sentence of a spaCy Doc
(``sentences.py``: triggers, casualty counts, date, place, target; ``perpetrators.py``: who is
behind it, how firmly, who says so; ``syntax.py``: negation, hypotheticals, group names) and groups
the sentence clues into the article's events (``article.py``). ``query.py`` reads events back
from the store, merged across articles by :mod:`khabar.corroborate`. It is a pure function of its inputs;
:class:`EventStage` is the per-article pipeline stage (it returns the reports; the pipeline stores them).
Event types form a closed schema (``EVENT_TYPES``) mapped to GTD attack types and ACLED sub-event types;
the word lists live in ``khabar/data/events.toml``. Coreference of events across articles is
:mod:`khabar.corroborate`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from ..dates import publication_date
from ..models import Analysis, ArticleResult, EventReport, Resolution
from ..names import ENTITY_LABELS, label_class
from .article import group_clues
from .lexicon import EventType, lexicon
from .perpetrators import topic_group
from .sentences import Clue, Name, read_sentence

__all__ = [
    "extract_events",
    "read_clues",
    "names_from",
    "EventStage",
    "Name",
    "Clue",
    "EventType",
    "event_types",
    "TARGET_TYPES",
]


def event_types() -> dict[str, EventType]:
    """The closed event schema: name -> type with its GTD and ACLED equivalents."""
    return dict(lexicon().types)


TARGET_TYPES = tuple(sorted(set(lexicon().targets.values())))


def read_clues(doc, names: Sequence[Name], *, published: str | None = None) -> list[Clue]:
    """One clue per sentence of the Doc, in order (empty clues included)."""
    pub = publication_date(published)
    ordered = sorted(names, key=lambda n: n.start)
    starts = [n.start for n in ordered]
    ents = list(doc.ents)  # Span.ents walks every entity of the Doc: read once, sliced per sentence
    ent_starts = [e.start for e in ents]
    clues, last_group, year = [], None, None
    for sent in doc.sents:  # names and entities of each sentence by bisection: linear in the document
        inside = ordered[bisect_left(starts, sent.start_char) : bisect_left(starts, sent.end_char)]
        own = [
            e
            for e in ents[bisect_left(ent_starts, sent.start) : bisect_left(ent_starts, sent.end)]
            if e.end <= sent.end
        ]
        stated = _stated_year(own)
        if sent.text.strip():
            clues.append(
                read_sentence(sent, inside, published=pub, last_group=last_group, context_year=stated or year, ents=own)
            )
        last_group = topic_group(sent, inside, last_group)
        year = stated
    return clues


_MONTH = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b")


def _stated_year(ents: list) -> int | None:
    """The last year a sentence's entities name in a date ("on August 26, 2021" -> 2021)."""
    years = [
        int(m[0])
        for ent in ents
        if ent.label_ == "DATE" and _MONTH.search(ent.text)
        for m in re.finditer(r"\b(19[5-9]\d|20\d\d)\b", ent.text)
    ]
    return years[-1] if years else None


def extract_events(doc, names: Sequence[Name], *, article_id: str, published: str | None = None) -> list[EventReport]:
    """The events an article reports (see the module docstring)."""
    clues = read_clues(doc, names, published=published)
    return group_clues(clues, article_id=article_id, published=published, dateline=_dateline(doc, names))


def names_from(analysis: Analysis, resolution: Resolution) -> list[Name]:
    """The article's name mentions with their entity ids, labels and canonical names."""
    records = {e.id: e for e in resolution.entities}
    levels = {p.id: p.level for p in getattr(resolution, "places", ())}
    areas = {p.id: f"{p.country or ''}/{p.admin1 or ''}" for p in getattr(resolution, "places", ()) if p.country}
    out = []
    for mention, entity_id in zip(analysis.mentions, resolution.entity_ids):
        if mention.label not in ENTITY_LABELS:
            continue
        record = records.get(entity_id) if entity_id else None
        label = (
            mention.label if record is None or label_class(record.type) == label_class(mention.label) else record.type
        )
        canonical = record.name if record is not None else mention.cluster
        out.append(
            Name(
                mention.start,
                mention.end,
                mention.text,
                label,
                entity_id,
                canonical,
                levels.get(entity_id or "", ""),
                areas.get(entity_id or "", ""),
            )
        )
    return out


class EventStage:
    """Per-article stage "events": the article's event reports (pure; the pipeline stores them)."""

    name = "events"

    def derive(self, result: ArticleResult, doc) -> ArticleResult:
        """``result`` with the events the article reports."""
        reports = extract_events(
            doc,
            names_from(result.analysis, result.resolution),
            article_id=result.article.id,
            published=result.article.published,
        )
        return replace(result, events=tuple(reports))


def _dateline(doc, names: Sequence[Name]) -> Name | None:
    """ "PESHAWAR — ...": the upper-case place that opens the article."""
    text = doc.text.lstrip()
    offset = len(doc.text) - len(text)
    for name in sorted(names, key=lambda n: n.start):
        if name.start > offset + 40:
            break
        if label_class(name.label) == "PLACE" and name.text.isupper():
            return name
    return None
