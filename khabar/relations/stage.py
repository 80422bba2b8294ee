"""The relations stage: for each new article, find its copies, rewrites and same-story reports.

Runs inside the article's transaction (see ``khabar.pipeline``): fingerprint the article, ask the
candidate index for the stored articles worth comparing, compare each, store the relations found,
and merge source groups along copy and rewrite links. The index is built from the stored
fingerprints the first time the stage meets a store, then grows with every article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Analysis, Article, Resolution
from .classify import Thresholds
from .compare import Comparer
from .embed import Embedders
from .groups import assign_groups
from .index import CandidateIndex
from .values import ArticleView, Comparison
from .views import view_of_article, view_of_stored

if TYPE_CHECKING:
    from ..settings import Settings
    from ..store import Store

__all__ = ["RelationStage", "relate_article", "update_groups"]


class RelationStage:
    """Article stage "relations" (cheap to build; models and the index load on first use)."""

    name = "relations"

    def __init__(self, settings: "Settings") -> None:
        self.settings = settings
        self.comparer = Comparer(Embedders.from_settings(settings), Thresholds.from_settings(settings))
        self._index: CandidateIndex | None = None
        self._store: "Store | None" = None

    def process(self, store: "Store", article: Article, analysis: Analysis, resolution: Resolution, doc) -> None:
        relate_article(store, view_of_article(article, analysis), self.index(store), self.comparer,
                       limit=self.settings.relation_candidates)

    def index(self, store: "Store") -> CandidateIndex:
        """The candidate index of ``store``, built from its fingerprints on first use."""
        if self._index is None or self._store is not store:
            self._index = load_index(store, self.settings)
            self._store = store
        return self._index


def load_index(store: "Store", settings: "Settings") -> CandidateIndex:
    """A candidate index holding every fingerprint stored in ``store``."""
    index = CandidateIndex(copy_threshold=settings.copy_threshold, window_days=settings.same_story_days)
    for fp in store.fingerprints():
        index.add(fp)
    return index


def relate_article(store: "Store", view: ArticleView, index: CandidateIndex, comparer: Comparer, *,
                   limit: int) -> list[Comparison]:
    """Fingerprint, compare with the index's candidates, store relations and groups; the relations found."""
    fp = comparer.fingerprint(view)
    store.save_fingerprint(fp, model=comparer.embedders.english.name)
    found = []
    for candidate in index.candidates(fp, limit=limit):
        stored = store.stored_text(candidate.article_id)
        if stored is None:  # added in a transaction that was rolled back
            index.discard(candidate.article_id)
            continue
        comparison = comparer.compare(view, view_of_stored(stored))
        if comparison.relation.derived or comparison.relation.value == "same-story":
            store.save_relation(comparison)
            found.append(comparison)
    index.add(fp)
    linked = [c.b.id for c in found if c.relation.derived]
    if linked:
        update_groups(store, view.id, linked)
    return found


def update_groups(store: "Store", article_id: str, linked: list[str]) -> None:
    """Merge the source groups of ``article_id`` and the articles it was found derived with."""
    groups = store.source_group_map([article_id, *linked]).values()
    members = store.group_members(groups) | {article_id, *linked}
    edges = {}
    for member in members:
        for edge in store.relation_edges(article_id=member, derived_only=True):
            edges[(edge.a, edge.b)] = edge
    published = {i: ref.published for i, ref in store.article_refs(members).items()}
    store.set_source_groups(assign_groups(members, list(edges.values()), published))
