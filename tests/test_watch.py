"""Feeds, sitemaps and OPML parsed from texts written here; fetch and watch runs into a real store."""

from __future__ import annotations

import gzip
import json

import pytest
from fetchsite import Site, html, page, text

import khabar
from khabar.errors import InputError
from khabar.fetch import Fetcher, FetchOptions, fetch_pages, parse_every, parse_feed, user_agent, watch_feeds
from khabar.fetch.guard import parse_networks
from khabar.models import Rejection
from khabar.settings import load_settings

SETTINGS = load_settings({"fetch_host_delay": 0, "fetch_timeout": 5})
STORIES = {
    f"/news/{i}": page(
        f"Harbour story {i}",
        f"Story {i}: the harbour authority said on Friday that {i + 2} cranes had stopped working "
        "after a power cut in the port district.",
        f"Dock workers waited {i + 1} hours before engineers restored the supply, a spokesman said.",
    )
    for i in range(6)
}


def rss(site: Site, paths: list[str], version: str = "2.0") -> str:
    items = "".join(
        f"<item><title>Item {p}</title><link>{site.url(p)}</link><guid>id-{p}</guid>"
        f"<pubDate>Fri, 04 Oct 2024 10:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return f'<?xml version="1.0"?><rss version="{version}"><channel><title>Harbour news</title>{items}</channel></rss>'


@pytest.fixture()
def site():
    s = Site().start()
    s.routes["/robots.txt"] = text("User-agent: *\nDisallow: /members/\n")
    for path, body in STORIES.items():
        s.routes[path] = html(body)
    yield s
    s.stop()


@pytest.fixture()
def fetcher():
    with Fetcher(
        FetchOptions(user_agent=user_agent(""), allow=parse_networks(["127.0.0.1/32"]), host_delay=0.0, timeout=5.0)
    ) as f:
        yield f


# --- parsing ----------------------------------------------------------------------------------


def test_rss_versions_atom_and_json_feed():
    base = "https://news.example.org/feed"
    rss2 = (
        '<rss version="2.0"><channel><title>T</title><item><title>A</title><link>/a</link>'
        "<guid>g-a</guid><pubDate>Fri, 04 Oct 2024 10:00:00 GMT</pubDate></item></channel></rss>"
    )
    rss091 = '<rss version="0.91"><channel><title>Old</title><item><title>B</title><link>https://x.test/b</link></item></channel></rss>'
    rdf = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
        '<channel rdf:about="https://x.test/"><title>R</title></channel>'
        '<item rdf:about="https://x.test/c"><title>C</title><link>https://x.test/c</link></item></rdf:RDF>'
    )
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>At</title><entry><id>tag:x.test,2024:d</id>'
        '<title>D</title><link href="https://x.test/d"/><updated>2024-10-04T10:00:00Z</updated></entry></feed>'
    )
    jsonfeed = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [
                {"id": "e1", "url": "https://x.test/e", "title": "E", "date_published": "2024-10-04T10:00:00Z"},
                {"id": "no-url"},
            ],
        }
    )
    got = {
        name: parse_feed(body.encode(), url=base)
        for name, body in [("rss2", rss2), ("rss091", rss091), ("rdf", rdf), ("atom", atom), ("json", jsonfeed)]
    }
    assert got["rss2"].kind == "rss" and got["rss2"].entries[0].url == "https://news.example.org/a"
    assert got["rss2"].entries[0].key.endswith("g-a") and "2024" in got["rss2"].entries[0].published
    assert got["rss091"].entries[0].url == "https://x.test/b"
    assert got["rdf"].entries[0].url == "https://x.test/c"
    assert got["atom"].kind == "atom" and got["atom"].entries[0].key == "tag:x.test,2024:d"
    assert got["json"].kind == "jsonfeed" and [e.url for e in got["json"].entries] == ["https://x.test/e"]


def test_sitemaps_news_sitemaps_indexes_gzip_and_opml():
    news = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.test/n1</loc>'
        "<news:news><news:publication_date>2024-10-04</news:publication_date><news:title>N1</news:title>"
        "</news:news></url><url><loc>https://x.test/n2</loc><lastmod>2024-10-03</lastmod></url></urlset>"
    )
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/s1.xml</loc>'
        "</sitemap><sitemap><loc>https://x.test/s2.xml.gz</loc></sitemap></sitemapindex>"
    )
    opml = (
        '<opml version="2.0"><head><title>My feeds</title></head><body><outline text="group">'
        '<outline type="rss" xmlUrl="https://a.test/rss"/><outline type="rss" xmlUrl="https://b.test/atom"/>'
        "</outline></body></opml>"
    )
    s = parse_feed(news.encode(), url="https://x.test/sitemap.xml")
    assert s.kind == "sitemap" and [(e.url, e.title, e.published) for e in s.entries] == [
        ("https://x.test/n1", "N1", "2024-10-04"),
        ("https://x.test/n2", "", "2024-10-03"),
    ]
    assert parse_feed(gzip.compress(news.encode()), url="https://x.test/s.xml.gz").entries == s.entries
    i = parse_feed(index.encode(), url="https://x.test/index.xml")
    assert i.kind == "sitemapindex" and i.children == ("https://x.test/s1.xml", "https://x.test/s2.xml.gz")
    o = parse_feed(opml.encode(), url="https://x.test/list.opml")
    assert o.kind == "opml" and o.title == "My feeds" and o.children == ("https://a.test/rss", "https://b.test/atom")


def test_what_is_not_a_feed_says_why():
    assert parse_feed(b"<html><body>hello</body></html>", url="u").code == "feed"
    assert "not a JSON Feed" in parse_feed(b'{"a": 1}', url="u").reason
    assert parse_feed(b"\x00\x01binary", url="u").code == "feed"
    entity_bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&b;</loc></url></urlset>'
    )
    parsed = parse_feed(entity_bomb, url="u")  # entities are not expanded
    assert isinstance(parsed, Rejection) or all("aaaa" not in e.url for e in parsed.entries)


def test_every_parses_durations():
    assert parse_every("15m") == 900 and parse_every("2h") == 7200 and parse_every("600") == 600
    with pytest.raises(InputError):
        parse_every("10s")
    with pytest.raises(InputError):
        parse_every("soon")


# --- runs into a store ------------------------------------------------------------------------


def test_fetch_stores_the_raw_response_next_to_the_article(site, fetcher, tmp_path):
    site.routes["/moved"] = lambda req: (301, {"Location": "/news/0"}, b"")
    with khabar.open_kb(tmp_path / "kb.db") as store:
        report = fetch_pages(
            store,
            [site.url("/moved"), site.url("/news/1"), site.url("/members/x")],
            settings=SETTINGS,
            stages=[],
            fetcher=fetcher,
        )
        states = {p.url.rsplit("/", 1)[1]: p for p in report.pages}
        assert states["moved"].state == "added" and "now at" in states["moved"].reason
        assert states["1"].state == "added"
        assert states["x"].state == "refused" and "robots" in states["x"].reason
        row = store.conn.execute("SELECT * FROM fetches WHERE source = ?", (site.url("/news/0"),)).fetchone()
        assert row["status"] == 200 and row["url"] == site.url("/moved")
        assert json.loads(row["redirects"]) == [site.url("/moved")]
        assert row["article_id"] and row["outcome"] == "added" and len(row["body_hash"]) == 64
        article = store.conn.execute("SELECT title, url FROM articles WHERE id = ?", (row["article_id"],)).fetchone()
        assert article["title"] == "Harbour story 0" and article["url"] == site.url("/news/0")
        # nothing is fetched twice: canonical URLs already fetched are skipped
        before = site.count("/news/1")
        again = fetch_pages(
            store, [site.url("/news/1") + "?utm_source=rss"], settings=SETTINGS, stages=[], fetcher=fetcher
        )
        assert again.pages[0].state == "skipped" and site.count("/news/1") == before


def test_same_content_at_two_urls_is_one_article(site, fetcher, tmp_path):
    site.routes["/mirror/0"] = html(STORIES["/news/0"])
    with khabar.open_kb(tmp_path / "kb.db") as store:
        report = fetch_pages(
            store, [site.url("/news/0"), site.url("/mirror/0")], settings=SETTINGS, stages=[], fetcher=fetcher
        )
        assert [p.state for p in report.pages] == ["added", "unchanged"]
        assert report.pages[0].article_id == report.pages[1].article_id
        assert store.article_count() == 1


def test_watch_fetches_new_entries_only_and_uses_conditional_get(site, fetcher, tmp_path):
    feed = {"body": rss(site, ["/news/0", "/news/1"]), "etag": '"e1"'}

    def serve_feed(req):
        if req.headers.get("If-None-Match") == feed["etag"]:
            return 304, {"ETag": feed["etag"]}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": feed["etag"]}, feed["body"].encode()

    site.routes["/feed.xml"] = serve_feed
    url = site.url("/feed.xml")
    with khabar.open_kb(tmp_path / "kb.db") as store:
        [first] = watch_feeds(store, [url], settings=SETTINGS, stages=[], fetcher=fetcher)
        assert (first.outcome, first.kind, first.new_entries, first.count("added")) == ("new", "rss", 2, 2)
        [second] = watch_feeds(store, [url], settings=SETTINGS, stages=[], fetcher=fetcher)
        assert second.outcome == "unchanged" and second.reason == "304 Not Modified" and not second.pages
        assert site.hits[-1].headers.get("if-none-match") == '"e1"'
        feed.update(body=rss(site, ["/news/0", "/news/1", "/news/2"]), etag='"e2"')
        [third] = watch_feeds(store, [], settings=SETTINGS, stages=[], fetcher=fetcher)  # all watched feeds
        assert third.new_entries == 1 and third.count("added") == 1
        assert all(site.count(f"/news/{i}") == 1 for i in range(3))  # nothing fetched twice
        [state] = store.feeds()
        assert (state.etag, state.done, state.pending, state.title) == ('"e2"', 3, 0, "Harbour news")


def test_opml_and_sitemap_index_expand_into_watched_feeds(site, fetcher, tmp_path):
    site.routes["/a.xml"] = text(rss(site, ["/news/3"]), "application/rss+xml")
    site.routes["/s1.xml"] = text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.url('/news/4')}</loc></url></urlset>",
        "application/xml",
    )
    site.routes["/index.xml"] = text(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>/s1.xml</loc></sitemap></sitemapindex>",
        "application/xml",
    )
    site.routes["/list.opml"] = text(
        f'<opml version="2.0"><head><title>L</title></head><body>'
        f'<outline xmlUrl="{site.url("/a.xml")}"/><outline xmlUrl="/index.xml"/>'
        f'<outline xmlUrl="{site.url("/gone.xml")}"/></body></opml>',
        "text/x-opml",
    )
    with khabar.open_kb(tmp_path / "kb.db") as store:
        reports = watch_feeds(store, [site.url("/list.opml")], settings=SETTINGS, stages=[], fetcher=fetcher)
        by_path = {r.url.rsplit("/", 1)[1]: r for r in reports}
        assert by_path["list.opml"].children == 3
        assert by_path["a.xml"].count("added") == 1 and by_path["s1.xml"].count("added") == 1
        assert by_path["gone.xml"].outcome == "failed" and "404" in by_path["gone.xml"].reason
        assert {f.url.rsplit("/", 1)[1]: f.parent for f in store.feeds()}["s1.xml"] == site.url("/index.xml")


def test_refusals_and_failures_have_reasons_and_transient_ones_are_retried(site, fetcher, tmp_path):
    flaky = {"left": 1}

    def sometimes(req):
        if flaky["left"]:
            flaky["left"] -= 1
            return 503, {"Content-Type": "text/plain"}, b"busy"
        return 200, {"Content-Type": "text/html"}, STORIES["/news/5"]

    site.routes["/flaky"] = sometimes
    site.routes["/img.png"] = lambda req: (200, {"Content-Type": "image/png"}, b"\x89PNG....")
    site.routes["/feed.xml"] = text(rss(site, ["/members/secret", "/img.png", "/flaky"]), "application/rss+xml")
    with khabar.open_kb(tmp_path / "kb.db") as store:
        [first] = watch_feeds(store, [site.url("/feed.xml")], settings=SETTINGS, stages=[], fetcher=fetcher)
        reasons = {p.url.rsplit("/", 1)[1]: (p.state, p.reason) for p in first.pages}
        assert reasons["secret"][0] == "refused" and "robots.txt disallows" in reasons["secret"][1]
        assert reasons["img.png"][0] == "refused" and "image/png" in reasons["img.png"][1]
        assert reasons["flaky"][0] == "failed" and "503" in reasons["flaky"][1]
        assert first.waiting == 1
        [second] = watch_feeds(store, [site.url("/feed.xml")], settings=SETTINGS, stages=[], fetcher=fetcher)
        assert [(p.url.rsplit("/", 1)[1], p.state) for p in second.pages] == [("flaky", "added")]
        assert site.count("/members/secret") == 0 and site.count("/img.png") == 1


class _Kill:
    """An article stage that stops the run (as a kill would) when the n-th article is being committed."""

    name = "kill"

    def __init__(self, after: int) -> None:
        self.after, self.seen = after, 0

    def derive(self, result, doc):
        self.seen += 1
        if self.seen > self.after:
            raise KeyboardInterrupt
        return result


def test_a_kill_mid_watch_loses_nothing(site, fetcher, tmp_path):
    paths = list(STORIES)
    site.routes["/feed.xml"] = text(
        rss(site, paths),
        "application/rss+xml",
    )
    settings = SETTINGS.with_overrides(batch_size=1)
    with khabar.open_kb(tmp_path / "kb.db") as store:
        with pytest.raises(KeyboardInterrupt):
            watch_feeds(store, [site.url("/feed.xml")], settings=settings, stages=[_Kill(after=2)], fetcher=fetcher)
        assert store.article_count() == 2
        assert store.feeds()[0].pending == len(paths)  # entries stay pending until their chunk is marked
        [report] = watch_feeds(store, [site.url("/feed.xml")], settings=settings, stages=[], fetcher=fetcher)
        assert store.article_count() == len(paths)
        # the two committed pages are not fetched again; the four fetched but not committed are
        assert sorted(p.state for p in report.pages) == ["added"] * 4 + ["skipped"] * 2
        assert sorted(site.count(p) for p in paths) == [1, 1, 2, 2, 2, 2]
        assert store.feeds()[0].done == len(paths) and store.feeds()[0].pending == 0


def test_watch_every_repeats_passes_at_the_interval(site, tmp_path):
    site.routes["/feed.xml"] = text(rss(site, ["/news/0"]), "application/rss+xml")
    passes, slept = [], []
    with khabar.open_kb(tmp_path / "kb.db") as store:
        from khabar.fetch import watch_every

        watch_every(
            store,
            [site.url("/feed.xml")],
            every=600,
            settings=SETTINGS,
            allow_net=["127.0.0.1/32"],
            on_pass=passes.append,
            passes=2,
            sleep=slept.append,
        )
    assert [r[0].outcome for r in passes] == ["new", "unchanged"]
    assert len(slept) == 1 and 590 < slept[0] <= 600


def test_credentials_in_feed_and_page_urls_are_never_shown_or_stored_in_records(site, fetcher, tmp_path):
    site.routes["/feed.xml"] = text(rss(site, ["/news/0"]), "application/rss+xml")
    secret_feed = f"http://reader:pa55word@127.0.0.1:{site.port}/feed.xml?token=s3cr3t"
    secret_page = f"http://reader:pa55word@127.0.0.1:{site.port}/news/1?api_key=k3y"
    with khabar.open_kb(tmp_path / "kb.db") as store:
        [report] = watch_feeds(store, [secret_feed], settings=SETTINGS, stages=[], fetcher=fetcher)
        pages = fetch_pages(
            store, [secret_page, secret_page.replace("/news/1", "/gone")], settings=SETTINGS, stages=[], fetcher=fetcher
        )
        from khabar.fetch import list_sources
        from khabar.render.fetches import fetch_text, sources_text, watch_text

        shown = watch_text([report]) + fetch_text(pages) + sources_text(list_sources(store))
        records = [
            tuple(r)
            for table in ("fetches", "rejections", "articles")
            for r in store.conn.execute(f"SELECT * FROM {table}")
        ]
        records += [tuple(r) for r in store.conn.execute("SELECT key, url, title, reason FROM feed_entries")]
        # the feed's own URL is kept as given (the next pass needs it) and shown redacted
        assert store.feeds()[0].url == secret_feed
    for secret in ("pa55word", "s3cr3t", "k3y"):
        assert secret not in shown and secret not in repr(records), secret
    assert "REDACTED" in shown and report.count("added") == 1
