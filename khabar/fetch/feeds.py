"""Feeds and sitemaps -> the pages they list. Pure functions of the fetched bytes.

* RSS 0.9x / 1.0 / 2.0 and Atom: ``feedparser`` (given bytes, never a URL, so it fetches nothing);
* JSON Feed 1.0 / 1.1: read here with ``json`` (feedparser 6 does not read it; the format is a
  handful of keys);
* OPML lists of feeds and ``sitemap.xml`` / sitemap indexes / Google News sitemaps: read here with
  lxml (no network, no entity expansion), because no library of the field parses them without
  fetching on its own (trafilatura's sitemap reader does its own, unguarded, HTTP).

An OPML list and a sitemap index name further feeds (``children``); a feed or sitemap names pages
(``entries``).
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser
from lxml import etree

from ..models import FeedEntry, Rejection
from ..settings import default_of

__all__ = ["Parsed", "parse_feed", "FEED_ACCEPT", "MAX_ITEMS"]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
MAX_ITEMS = 50_000  # the sitemap protocol's own limit per file
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)


@dataclass(frozen=True, slots=True)
class Parsed:
    """What a feed, sitemap or OPML list contains."""

    kind: str  # rss | atom | jsonfeed | sitemap | sitemapindex | opml
    title: str
    entries: tuple[FeedEntry, ...] = ()
    children: tuple[str, ...] = ()  # further feeds or sitemaps to watch


def parse_feed(body: bytes, *, url: str, max_bytes: int = 10 * default_of("max_bytes")) -> Parsed | Rejection:
    """Parse a fetched feed, sitemap or OPML list; a Rejection says why it is none of them."""
    if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz served as a file
        try:
            body = _gunzip(body, max_bytes)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            return Rejection(url, "feed", f"not a readable gzip file ({exc})")
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return _json_feed(body, url)
    root = _xml_root(body)
    if root is None:
        return Rejection(url, "feed", "neither XML nor JSON: not a feed, sitemap or OPML list")
    name = etree.QName(root).localname.lower()
    if name in ("urlset", "sitemapindex"):
        return _sitemap(root, url, index=name == "sitemapindex")
    if name == "opml":
        return _opml(root, url)
    return _feedparser(body, url)


def _gunzip(body: bytes, limit: int) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"over {limit:,} bytes once decompressed")
    return data


def _xml_root(body: bytes):
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return None
    return root if root is not None and isinstance(root.tag, str) else None


def _text(element, path: str, ns: dict[str, str]) -> str:
    found = element.find(path, ns)
    return (found.text or "").strip() if found is not None and found.text else ""


def _sitemap(root, url: str, *, index: bool) -> Parsed:
    sm = {
        "sm": root.nsmap.get(None) or "http://www.sitemaps.org/schemas/sitemap/0.9",
        "news": "http://www.google.com/schemas/sitemap-news/0.9",
    }
    if index:
        locs = [_text(s, "sm:loc", sm) for s in root.iterfind("sm:sitemap", sm)]
        return Parsed("sitemapindex", "", children=tuple(urljoin(url, loc) for loc in locs[:MAX_ITEMS] if loc))
    entries = []
    for item in root.iterfind("sm:url", sm):
        loc = _text(item, "sm:loc", sm)
        if not loc:
            continue
        published = _text(item, "news:news/news:publication_date", sm) or _text(item, "sm:lastmod", sm)
        title = _text(item, "news:news/news:title", sm)
        entries.append(FeedEntry(key=loc, url=urljoin(url, loc), title=title, published=published))
    return Parsed("sitemap", "", entries=tuple(entries[:MAX_ITEMS]))


def _opml(root, url: str) -> Parsed:
    title = (root.findtext("head/title") or "").strip()
    feeds = [o.get("xmlUrl") or o.get("xmlurl") for o in root.iter("outline")]
    return Parsed("opml", title, children=tuple(dict.fromkeys(urljoin(url, f) for f in feeds if f)))


def _feedparser(body: bytes, url: str) -> Parsed | Rejection:
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers={"content-location": url}, sanitize_html=False, resolve_relative_uris=False
    )
    version = parsed.get("version") or ""
    if not version:
        why = parsed.get("bozo_exception")
        return Rejection(url, "feed", f"not an RSS or Atom feed ({why or 'unknown format'})")
    entries = []
    for entry in parsed.entries[:MAX_ITEMS]:
        link = entry.get("link") or ""
        if not link:
            continue
        link = urljoin(url, link)
        published = entry.get("published") or entry.get("updated") or ""
        entries.append(
            FeedEntry(key=entry.get("id") or link, url=link, title=entry.get("title", ""), published=published)
        )
    kind = "atom" if version.startswith("atom") else "rss"
    return Parsed(kind, parsed.feed.get("title", ""), entries=tuple(entries))


def _json_feed(body: bytes, url: str) -> Parsed | Rejection:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return Rejection(url, "feed", f"invalid JSON ({exc})")
    if not isinstance(data, dict) or "jsonfeed.org/version" not in str(data.get("version", "")):
        return Rejection(url, "feed", "JSON, but not a JSON Feed (no jsonfeed.org version)")
    entries = []
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str) or not link:
            continue
        link = urljoin(url, link)
        entries.append(
            FeedEntry(
                key=str(item.get("id") or link),
                url=link,
                title=str(item.get("title") or ""),
                published=str(item.get("date_published") or item.get("date_modified") or ""),
            )
        )
    return Parsed("jsonfeed", str(data.get("title") or ""), entries=tuple(entries[:MAX_ITEMS]))
