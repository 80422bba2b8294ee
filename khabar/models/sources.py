"""Live sources: watched feeds, their entries, and what was fetched.

Part of :mod:`khabar.models` (which re-exports every name): frozen dataclasses with no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FeedEntry", "Feed", "FetchRow"]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item a feed or sitemap lists: a page to fetch."""

    key: str  # the entry's id, else its link
    url: str
    title: str = ""
    published: str = ""


@dataclass(frozen=True, slots=True)
class Feed:
    """A watched feed or sitemap with its conditional-GET state and entry counts."""

    url: str
    parent: str = ""
    kind: str = ""
    title: str = ""
    etag: str = ""
    last_modified: str = ""
    added_at: str = ""
    checked_at: str = ""
    last_status: int = 0
    last_outcome: str = ""
    last_reason: str = ""
    pending: int = 0
    done: int = 0
    refused: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class FetchRow:
    """A stored fetch, as listed by ``khabar sources`` and the web app."""

    source: str
    final_url: str
    status: int
    fetched_at: str
    via: str
    outcome: str
    article_id: str | None
    reason: str
