"""What the public API does with relations: compare two stored articles or two files, backfill a store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..settings import Settings
from .classify import Thresholds
from .compare import Comparer
from .embed import Embedders
from .values import ArticleView, Comparison, Relation
from .views import view_of_stored

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["comparer_for", "compare_stored", "compare_files"]


def comparer_for(settings: Settings) -> Comparer:
    """A comparer configured from settings."""
    return Comparer(Embedders.from_settings(settings), Thresholds.from_settings(settings))


def compare_stored(store: Store, ref_a: str, ref_b: str, *, settings: Settings) -> Comparison:
    """Compare two stored articles given by id, id prefix or source path."""
    views = []
    for ref in (ref_a, ref_b):
        stored = store.stored_text(store.resolve_article_ref(ref))
        views.append(view_of_stored(stored))
    return comparer_for(settings).compare(*views)


def compare_files(path_a: str | Path, path_b: str | Path, *, settings: Settings) -> Comparison:
    """Compare two article files: each is cleaned and analysed as ingest would, in a throw-away store."""
    from ..pipeline import ingest_paths
    from ..store import open_store

    paths = [Path(path_a), Path(path_b)]
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path} is not a file; give two article files, or two article ids with --db")
    store = open_store(":memory:")
    try:
        ingest_paths(store, paths, settings=settings, stages=[])
        views = [_file_view(store, path) for path in paths]
    finally:
        store.close()
    if isinstance(views[0], str) or isinstance(views[1], str):
        return _unreadable(paths, views)
    return comparer_for(settings).compare(views[0], views[1])


def _file_view(store: Store, path: Path) -> ArticleView | str:
    """The view of the one article read from ``path``, or the reason there is none."""
    rows = [r for r in store.rejections() if r.source.startswith(str(path))]
    stored = [t for t in map(store.stored_text, store.article_ids()) if t is not None]  # ids listed: all stored
    found = [t for t in stored if t.source.startswith(str(path))]
    if len(found) > 1:
        raise InputError(
            f"{path} holds {len(found)} articles; compare needs one article per file "
            "(ingest the file and compare stored ids with --db)"
        )
    if found:
        return view_of_stored(found[0])
    if rows:
        return f"{rows[0].reason} [{rows[0].code}]"
    # Same text and outlet as the other file: ingest stored it once, under the other file's name.
    others = store.article_ids()
    return view_of_stored(store.stored_text(others[0])) if len(others) == 1 else "no article could be read"


def _unreadable(paths: list[Path], views: list) -> Comparison:
    placeholders = [
        v if isinstance(v, ArticleView) else ArticleView(str(p), "", (), "und", source=str(p))
        for p, v in zip(paths, views)
    ]
    reasons = [f"{p.name}: {v}" for p, v in zip(paths, views) if isinstance(v, str)]
    return Comparison(
        placeholders[0], placeholders[1], Relation.UNDETERMINED, 0.0, "no article to compare: " + "; ".join(reasons)
    )
