"""The relations stage: for each new article, find its copies, rewrites and same-story reports.

The stage has the two halves of the stage contract (``khabar.pipeline``, docs/architecture.md):

* :meth:`RelationStage.derive` (per article, pure): the article's fingerprint (MinHash, document
  and lede vectors, key terms);
* :meth:`RelationStage.link` (cross-article, read-only): ask the candidate index for the stored
  articles worth comparing, compare each, and work out the source groups that the copy and rewrite
  links found merge. It reads the knowledge base through :class:`RelationReader` (sentence vectors
  stored by earlier runs included) and writes nothing: the pipeline saves the
  :class:`~khabar.models.RelationFindings` it returns, with the sentence vectors it embedded.

The index is built from the stored fingerprints the first time the stage meets a reader, then grows
with every article linked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..models import (
    ArticleRef,
    ArticleResult,
    ArticleView,
    Comparison,
    Fingerprint,
    LineageEdge,
    RelationFindings,
    StoredText,
)
from .classify import Thresholds
from .compare import Comparer
from .embed import Embedders
from .fingerprints import lede_text
from .groups import assign_groups
from .index import CandidateIndex
from .views import view_of_article, view_of_stored

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["RelationStage", "RelationReader", "relate_article", "lazy_ledes", "group_changes", "load_index"]


class RelationReader(Protocol):
    """What the relations stage reads from the knowledge base (``khabar.store.Store`` provides it)."""

    def fingerprints(self) -> Iterable[Fingerprint]: ...

    def stored_text(self, article_id: str) -> StoredText | None: ...

    def source_group_map(self, article_ids: Iterable[str]) -> dict[str, str]: ...

    def group_members(self, group_ids: Iterable[str]) -> set[str]: ...

    def relation_edges(self, *, article_id: str | None = None, derived_only: bool = False) -> list[LineageEdge]: ...

    def sentence_vectors(self, model: str, keys: Iterable[str]) -> dict[str, np.ndarray]: ...

    def article_refs(self, article_ids: Iterable[str]) -> dict[str, ArticleRef]: ...


class RelationStage:
    """Article stage "relations" (cheap to build; models and the index load on first use)."""

    name = "relations"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.comparer = Comparer(Embedders.from_settings(settings), Thresholds.from_settings(settings))
        self._index: CandidateIndex | None = None
        self._reader: RelationReader | None = None

    def derive(self, result: ArticleResult, doc: object = None) -> ArticleResult:
        """The article's fingerprint (from the article alone)."""
        fp = self.comparer.fingerprint(view_of_article(result.article, result.analysis))
        return replace(result, relations=RelationFindings(fp, self.comparer.embedders.english.name))

    def link(self, result: ArticleResult, kb: RelationReader) -> ArticleResult:
        """The relations with stored articles and the source groups they change (read-only)."""
        findings = result.relations if result.relations is not None else self.derive(result).relations
        assert findings is not None
        view = view_of_article(result.article, result.analysis)
        with self.comparer.reading(kb) as fresh:
            found = relate_article(
                kb, view, findings.fingerprint, self.index(kb), self.comparer, limit=self.settings.relation_candidates
            )
        groups = group_changes(kb, view, found)
        return replace(
            result, relations=replace(findings, comparisons=tuple(found), groups=groups, vectors=tuple(fresh))
        )

    def index(self, kb: RelationReader) -> CandidateIndex:
        """The candidate index of ``kb``, built from its fingerprints on first use."""
        if self._index is None or self._reader is not kb:
            self._index = load_index(kb, self.settings)
            self._reader = kb
        return self._index


def load_index(kb: RelationReader, settings: Settings) -> CandidateIndex:
    """A candidate index holding every fingerprint stored in ``kb``."""
    index = CandidateIndex(copy_threshold=settings.copy_threshold, window_days=settings.same_story_days)
    for fp in kb.fingerprints():
        index.add(fp)
    return index


def relate_article(
    kb: RelationReader, view: ArticleView, fp: Fingerprint, index: CandidateIndex, comparer: Comparer, *, limit: int
) -> list[Comparison]:
    """Compare the article with the index's candidates; the copies, rewrites and same-story pairs found.

    The fingerprint joins the index afterwards (a candidate whose text is gone, added in a
    transaction that was rolled back, leaves it).
    """
    comparer.remember(fp)
    fp = lazy_ledes(kb, view, fp, index, comparer)
    found = []
    for candidate in index.candidates(fp, limit=limit):
        stored = kb.stored_text(candidate.article_id)
        if stored is None:  # added in a transaction that was rolled back
            index.discard(candidate.article_id)
            continue
        comparison = comparer.compare(view, view_of_stored(stored))
        if comparison.relation.derived or comparison.relation.value == "same-story":
            found.append(comparison)
    index.add(fp)
    return found


def lazy_ledes(
    kb: RelationReader, view: ArticleView, fp: Fingerprint, index: CandidateIndex, comparer: Comparer
) -> Fingerprint:
    """With ``multilingual=auto``, the e5 ledes that English articles were fingerprinted without, where
    a text in another language is near: the fingerprint, with its lede when it now has one.

    An English article gets its lede when a non-English article with one lies within the window; a
    non-English article has the English articles in its window without one given theirs (at most
    ``index.LAZY_LEDES``, each once per run, kept in the index). Without this, an English original
    and its Urdu translation never met as candidates (no shared words, no lede on the English side).
    An English-only collection never loads e5.
    """
    embedders = comparer.embedders
    if embedders.multilingual_everywhere:
        return fp
    if fp.lede is None:
        if not view.text.strip() or not index.foreign_ledes_near(fp) or embedders.multilingual is None:
            return fp
        fp = replace(fp, lede=embedders.multilingual.embed([lede_text(view.text)])[0])
        comparer.remember(fp)
        return fp
    wanted = [kb.stored_text(i) for i in index.ledes_wanted(fp)]
    stored = [s for s in wanted if s is not None and s.text.strip()]
    if stored and embedders.multilingual is not None:
        vectors = embedders.multilingual.embed([lede_text(view_of_stored(s).text) for s in stored])
        for s, vector in zip(stored, vectors, strict=True):
            index.set_lede(s.id, vector, s.published)
            comparer.remember_lede(s.id, vector)
    return fp


def group_changes(kb: RelationReader, view: ArticleView, found: Iterable[Comparison]) -> tuple[tuple[str, str], ...]:
    """Article -> source group for the groups merged by the new article's copy and rewrite links.

    Empty when the article was found derived with none: its groups then stay as stored.
    """
    new_edges = [_edge(c) for c in found if c.relation.derived and c.a.id != c.b.id]
    linked = [c.b.id for c in found if c.relation.derived]
    if not linked:
        return ()
    article_id = view.id
    groups = kb.source_group_map([article_id, *linked]).values()
    members = kb.group_members(groups) | {article_id, *linked}
    edges = {}
    for member in members:
        for edge in kb.relation_edges(article_id=member, derived_only=True):
            edges[(edge.a, edge.b)] = edge
    for edge in new_edges:  # not stored yet: the pipeline saves them with the groups
        edges[(edge.a, edge.b)] = edge
    published = {i: ref.published for i, ref in kb.article_refs(members).items()}
    published[article_id] = view.published
    return tuple(sorted(assign_groups(members, list(edges.values()), published).items()))


def _edge(c: Comparison) -> LineageEdge:
    """The stored form of a compared pair (ids in order, as ``Store.relation_edges`` returns it)."""
    a, b = sorted((c.a.id, c.b.id))
    return LineageEdge(a, b, c.relation, c.score, c.origin, c.reason, c.direction_reason)
