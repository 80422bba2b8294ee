"""The HTTP client against real servers on loopback: limits, redirects, charsets, robots, the guard."""

from __future__ import annotations

import gzip
import time
import zlib

import pytest
from fetchsite import Site, html, page, redirect, text

from khabar.errors import InputError
from khabar.fetch import Fetcher, FetchOptions, NetworkPolicy, Response, canonical_url, redact, user_agent
from khabar.fetch.guard import BlockedAddress, parse_networks
from khabar.fetch.pages import decode_body, to_document
from khabar.models import Rejection

LOOPBACK = parse_networks(["127.0.0.1/32"])
STORY = (
    "The ferry service between the two islands stopped on Monday after a storm damaged the pier.",
    "Harbour staff said repairs would take a week and that passengers could use the coastal road.",
)


def options(**changes) -> FetchOptions:
    base = dict(user_agent=user_agent("ops@example.org"), allow=LOOPBACK, host_delay=0.0, timeout=5.0)
    return FetchOptions(**{**base, **changes})


@pytest.fixture()
def site():
    s = Site().start()
    s.routes["/robots.txt"] = text("User-agent: *\nDisallow: /private/\n")
    yield s
    s.stop()


def get(site: Site, path: str, **changes) -> Response | Rejection:
    with Fetcher(options(**changes)) as fetcher:
        return fetcher.get(site.url(path))


def test_fetch_keeps_status_headers_hash_and_user_agent(site):
    site.routes["/story"] = html(page("Ferry stops", *STORY), ETag='"v1"')
    got = get(site, "/story")
    assert isinstance(got, Response), got
    record = got.record
    assert record.status == 200 and record.final_url == site.url("/story")
    assert record.content_type == "text/html" and record.charset == "utf-8"
    assert ("etag", '"v1"') in record.headers
    assert len(record.body_hash) == 64 and record.size == len(got.body)
    assert record.http_version == "HTTP/1.1" and record.fetched_at.endswith("+00:00")
    agent = site.hits[-1].headers["user-agent"]
    assert agent.startswith("khabar/") and "ops@example.org" in agent


def test_redirects_are_followed_recorded_and_bounded(site):
    site.routes["/story"] = html(page("Ferry stops", *STORY))
    site.routes["/a"] = redirect("/b", 301)
    site.routes["/b"] = redirect(site.url("/story"), 307)
    got = get(site, "/a")
    assert isinstance(got, Response)
    assert got.record.redirects == (site.url("/a"), site.url("/b"))
    assert got.record.final_url == site.url("/story")
    for i in range(8):
        site.routes[f"/loop{i}"] = redirect(f"/loop{i + 1}")
    refused = get(site, "/loop0", max_redirects=3)
    assert isinstance(refused, Rejection) and refused.code == "redirects"
    assert "more than 3 redirects" in refused.reason


def test_redirect_to_a_refused_address_never_connects():
    """The guard refuses 127.0.0.2 (not allowed) before any connection: that server sees nothing."""
    other = Site(host="127.0.0.2").start()
    first = Site().start()
    try:
        other.routes["/secret"] = text("internal")
        first.routes["/robots.txt"] = text("")
        first.routes["/go"] = redirect(other.url("/secret"))
        with Fetcher(options()) as fetcher:
            got = fetcher.get(first.url("/go"))
        assert isinstance(got, Rejection) and got.code == "ssrf", got
        assert "127.0.0.2" in got.reason and "loopback" in got.reason
        assert other.connections == 0 and other.hits == []
    finally:
        other.stop()
        first.stop()


@pytest.mark.parametrize(
    "address, why",
    [
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("fd00:ec2::254", "private"),
        ("100.64.0.1", "not globally routable"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("fe80::1", "link-local"),
    ],
)
def test_guard_refuses_non_public_addresses(address, why):
    with pytest.raises(BlockedAddress, match=why):
        NetworkPolicy().check("host.test", address)


def test_guard_allows_public_and_explicitly_allowed_networks():
    NetworkPolicy().check("host.test", "93.184.215.14")
    NetworkPolicy(parse_networks(["10.0.0.0/8"])).check("host.test", "10.9.9.9")
    with pytest.raises(BlockedAddress):
        NetworkPolicy(parse_networks(["10.0.0.0/8"])).check("host.test", "192.168.1.1")
    with pytest.raises(InputError, match="--allow-net"):
        parse_networks(["not-a-net"])


def test_without_allow_net_loopback_is_refused_and_nothing_is_requested(site):
    site.routes["/story"] = html(page("Ferry stops", *STORY))
    got = get(site, "/story", allow=())
    assert isinstance(got, Rejection) and got.code == "ssrf"
    assert site.connections == 0


def test_slow_headers_and_slow_bodies_time_out(site):
    def slow_headers(req):
        time.sleep(2.5)
        return 200, {"Content-Type": "text/html"}, b"<p>late</p>"

    def drip(req):
        req.send_response(200)
        req.send_header("Content-Type", "text/html")
        req.send_header("Content-Length", "1000")
        req.end_headers()
        for _ in range(40):  # one byte every 0.1 s: each read is quick, the whole answer is not
            req.wfile.write(b"x")
            req.wfile.flush()
            time.sleep(0.1)

    site.routes["/slow"] = slow_headers
    site.routes["/drip"] = drip
    started = time.monotonic()
    slow = get(site, "/slow", timeout=1.0)
    drip_got = get(site, "/drip", timeout=1.0)
    assert isinstance(slow, Rejection) and slow.code == "timeout"
    assert isinstance(drip_got, Rejection) and drip_got.code == "timeout", drip_got
    assert time.monotonic() - started < 5


def test_huge_bodies_are_refused_declared_or_streamed(site):
    big = b"<p>" + b"a" * 300_000 + b"</p>"
    site.routes["/declared"] = html(big)

    def chunked(req):
        req.send_response(200)
        req.send_header("Content-Type", "text/html")
        req.send_header("Transfer-Encoding", "chunked")
        req.end_headers()
        for _ in range(30):
            req.wfile.write(b"4000\r\n" + b"b" * 0x4000 + b"\r\n")
        req.wfile.write(b"0\r\n\r\n")

    site.routes["/chunked"] = chunked
    declared = get(site, "/declared", max_bytes=100_000)
    streamed = get(site, "/chunked", max_bytes=100_000)
    assert isinstance(declared, Rejection) and declared.code == "too-large"
    assert "300,007 bytes" in declared.reason
    assert isinstance(streamed, Rejection) and streamed.code == "too-large"


def test_gzip_bomb_stops_at_the_limit(site):
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # ~200 KB that inflate to 200 MB
    site.routes["/bomb"] = lambda req: (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb)
    site.routes["/small"] = lambda req: (
        200,
        {"Content-Type": "text/html", "Content-Encoding": "gzip"},
        gzip.compress(page("Ferry stops", *STORY)),
    )
    site.routes["/deflate"] = lambda req: (
        200,
        {"Content-Type": "text/html", "Content-Encoding": "deflate"},
        zlib.compress(page("Ferry stops", *STORY)),
    )
    got = get(site, "/bomb", max_bytes=1_000_000)
    assert isinstance(got, Rejection) and got.code == "too-large", got
    assert "gzip" in got.reason
    for path in ("/small", "/deflate"):
        ok = get(site, path)
        assert isinstance(ok, Response) and ok.body == page("Ferry stops", *STORY)


def test_wrong_declared_charsets_are_corrected(site):
    words = "Le maire a déclaré que la crue du fleuve avait fermé trois ponts près de l'école."
    cp1252 = page("Crue à Lyon", words, charset="windows-1252")
    site.routes["/says-utf8"] = lambda req: (200, {"Content-Type": "text/html; charset=utf-8"}, cp1252)
    site.routes["/says-latin1"] = lambda req: (
        200,
        {"Content-Type": "text/html; charset=iso-8859-1"},
        page("Crue à Lyon", words),
    )
    for path in ("/says-utf8", "/says-latin1"):
        got = get(site, path)
        doc = to_document(got.record, got.body)
        assert "déclaré" in doc.content and "école" in doc.content, (path, doc.content[:200])


def test_decode_body_uses_header_then_meta_then_detection():
    assert decode_body("Ärger".encode("cp1252"), charset="windows-1252", kind="text") == "Ärger"
    assert decode_body("naïve café".encode(), charset="iso-8859-1", kind="text") == "naïve café"
    meta = '<meta charset="koi8-r"><p>Привет, мир</p>'.encode("koi8-r")
    assert "Привет" in decode_body(meta, charset="", kind="html")
    assert decode_body(b"\x89PNG\r\n....", charset="", kind="html").code == "binary"


def test_content_types_other_than_pages_are_refused(site):
    site.routes["/doc.pdf"] = lambda req: (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 ...")
    got = get(site, "/doc.pdf")
    doc = to_document(got.record, got.body)
    assert isinstance(doc, Rejection) and doc.code == "content-type" and "application/pdf" in doc.reason


def test_robots_rules_are_honoured(site):
    site.routes["/private/memo"] = html(page("Memo", *STORY))
    got = get(site, "/private/memo")
    assert isinstance(got, Rejection) and got.code == "robots"
    assert site.count("/private/memo") == 0 and site.count("/robots.txt") == 1


def test_robots_unreachable_means_nothing_is_fetched_and_missing_means_all(site):
    site.routes["/robots.txt"] = text("oops", status=503)
    site.routes["/story"] = html(page("Ferry stops", *STORY))
    got = get(site, "/story")
    assert isinstance(got, Rejection) and got.code == "robots" and "503" in got.reason
    assert site.count("/story") == 0
    site.routes["/robots.txt"] = text("no file", status=404)
    assert isinstance(get(site, "/story"), Response)


def test_robots_is_read_once_and_crawl_delay_spaces_requests(site):
    site.routes["/robots.txt"] = text("User-agent: khabar\nCrawl-delay: 0.4\nAllow: /\n")
    for i in range(3):
        site.routes[f"/p{i}"] = html(page(f"Page {i}", *STORY))
    with Fetcher(options(per_host=3, concurrency=3)) as fetcher:
        got = fetcher.get_many([site.url(f"/p{i}") for i in range(3)])
    assert all(isinstance(g, Response) for g in got)
    assert site.count("/robots.txt") == 1
    starts = sorted(h.started for h in site.hits if h.path.startswith("/p"))
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.35


def test_per_host_concurrency_cap_and_rate_limit(site):
    def slow_page(req):
        time.sleep(0.3)
        return 200, {"Content-Type": "text/html"}, page("Slow", *STORY)

    for i in range(6):
        site.routes[f"/s{i}"] = slow_page
    with Fetcher(options(per_host=2, concurrency=6, host_delay=0.05)) as fetcher:
        got = fetcher.get_many([site.url(f"/s{i}") for i in range(6)])
    assert all(isinstance(g, Response) for g in got)
    assert site.peak == 2  # six threads, two at a time on this host
    starts = sorted(h.started for h in site.hits if h.path.startswith("/s"))
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.04


def test_conditional_get_sends_validators(site):
    def conditional(req):
        if req.headers.get("If-None-Match") == '"v7"':
            return 304, {"ETag": '"v7"'}, b""
        return 200, {"Content-Type": "text/html", "ETag": '"v7"'}, page("Ferry stops", *STORY)

    site.routes["/story"] = conditional
    with Fetcher(options()) as fetcher:
        first = fetcher.get(site.url("/story"))
        second = fetcher.get(site.url("/story"), etag='"v7"', last_modified="Tue, 01 Oct 2024 10:00:00 GMT")
    assert first.record.status == 200 and second.record.status == 304 and second.body == b""
    assert site.hits[-1].headers["if-modified-since"] == "Tue, 01 Oct 2024 10:00:00 GMT"


def test_server_errors_are_transient_and_client_errors_are_not(site):
    site.routes["/busy"] = text("busy", status=503)
    site.routes["/gone"] = text("gone", status=410)
    assert get(site, "/busy").code == "http-server"
    assert get(site, "/gone").code == "http"
    assert (
        get(
            site,
            "/x",
        ).code
        == "http"
    )
    with Fetcher(options()) as fetcher:
        assert fetcher.get("ftp://127.0.0.1/file").code == "bad-url"
        assert fetcher.get("file:///etc/passwd").code == "bad-url"


def test_credentials_never_appear_in_records(site):
    site.routes["/story"] = html(page("Ferry stops", *STORY), **{"Set-Cookie": "sid=abc123"})
    url = f"http://reader:hunter2@127.0.0.1:{site.port}/story?token=t0ps3cret&page=2"
    got = get(site, "/story")  # warm robots
    with Fetcher(options()) as fetcher:
        got = fetcher.get(url)
    assert isinstance(got, Response), got
    assert site.hits[-1].headers["authorization"].startswith("Basic ")  # the user's credentials were used
    shown = repr(got.record)
    assert "hunter2" not in shown and "t0ps3cret" not in shown and "abc123" not in shown
    assert "page=2" in got.record.url
    assert redact("https://u:p@h.test/a?api_key=1&x=2") == "https://h.test/a?api_key=REDACTED&x=2"


def test_canonical_url_drops_tracking_and_fragments():
    a = canonical_url("HTTP://News.Example.org:80/world/story/?utm_source=feed&id=4#comments")
    b = canonical_url("http://news.example.org/world/story/?id=4")
    assert a == b


def test_http2_over_tls_with_certificates_checked(tmp_path):
    """A real HTTP/2 server (hypercorn, TLS with a test CA from trustme) on loopback."""
    import asyncio
    import socket
    import threading

    import trustme  # test dependencies (pyproject [test]): a missing one fails loudly
    from hypercorn.asyncio import serve
    from hypercorn.config import Config
    from webfixtures import free_port

    ca = trustme.CA()
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(tmp_path / "server.pem"))
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    body = page("Ferry stops", *STORY)

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        ok = scope["path"] == "/story"
        await send(
            {
                "type": "http.response.start",
                "status": 200 if ok else 404,
                "headers": [(b"content-type", b"text/html; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": body if ok else b""})

    config = Config()
    port = free_port()
    config.bind = [f"127.0.0.1:{port}"]
    config.certfile = config.keyfile = str(tmp_path / "server.pem")
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=loop.run_until_complete, args=(serve(app, config, shutdown_trigger=stop.wait),), daemon=True
    )
    thread.start()
    try:
        url = f"https://127.0.0.1:{port}/story"
        for _ in range(200):  # wait for the server to listen
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        got = get_url(url, ca_file=str(tmp_path / "ca.pem"))
        assert isinstance(got, Response), got
        assert got.record.http_version == "HTTP/2" and got.body == body
        untrusted = get_url(url)  # the test CA is not trusted by default
        assert isinstance(untrusted, Rejection) and untrusted.code in ("robots", "network")  # robots.txt is first
        assert "certificate" in untrusted.reason.lower()
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=5)


def get_url(url: str, **changes) -> Response | Rejection:
    with Fetcher(options(**changes)) as fetcher:
        return fetcher.get(url)


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "localhost", "[::ffff:7f00:1]"])
def test_guard_sees_through_numeric_and_local_spellings_of_loopback(host):
    """These spellings resolve without DNS; each is loopback, so each is refused before connecting."""
    with pytest.raises(BlockedAddress, match="loopback"):
        NetworkPolicy().resolve(host.strip("[]"), 80)
