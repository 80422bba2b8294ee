"""Live sources: pages, feeds, sitemaps and web archives, fetched politely and safely (docs/sources.md).

* ``client``: httpx behind the SSRF guard (``guard``), robots.txt and a per-host gate (``polite``);
* ``pages``: fetched bytes -> raw documents (content type, charset);
* ``feeds``: RSS, Atom, JSON Feed, OPML, sitemaps -> entries;
* ``warc``: WARC / ARC archives -> raw documents, streamed and resumable;
* ``run``: the fetch and watch passes that feed the ingest path and keep feed state.
"""

from __future__ import annotations

from .client import TRANSIENT, Fetcher, FetchOptions, Response, canonical_url, user_agent
from .feeds import Parsed, parse_feed
from .guard import BlockedAddress, NetworkPolicy, redact
from .run import (
    FeedReport,
    FetchReport,
    PageOutcome,
    Sources,
    fetch_pages,
    list_sources,
    parse_every,
    watch_every,
    watch_feeds,
)
from .warc import read_archive

__all__ = [
    "Fetcher",
    "FetchOptions",
    "Response",
    "TRANSIENT",
    "canonical_url",
    "user_agent",
    "Parsed",
    "parse_feed",
    "BlockedAddress",
    "NetworkPolicy",
    "redact",
    "FeedReport",
    "FetchReport",
    "PageOutcome",
    "fetch_pages",
    "watch_feeds",
    "watch_every",
    "parse_every",
    "read_archive",
    "Sources",
    "list_sources",
]
