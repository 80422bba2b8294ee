"""Web archives: a WARC written here with warcio (and an ARC by hand), ingested, resumed by offset."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from fetchsite import page
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import khabar
from khabar.fetch import read_archive
from khabar.models import RawDocument, Rejection
from khabar.pipeline import ingest_paths
from khabar.settings import load_settings

CAPTURED = "2023-05-06T07:08:09Z"


def story(i: int) -> bytes:
    return page(
        f"Valley road {i}",
        f"Report {i}: the valley road reopened on Sunday after workers cleared {i + 3} landslides "
        "that had blocked it for a week.",
        f"Drivers queued for {i + 1} hours at the checkpoint, the transport office said.",
    )


def write_warc(path: Path, *, big: bytes | None = None) -> None:
    """pages 0 and 1 as plain HTML, page 2 gzip-encoded, plus records that are not pages."""

    def response(
        w, uri: str, body: bytes, status: str = "200 OK", ctype: str = "text/html; charset=utf-8", extra: tuple = ()
    ):
        headers = StatusAndHeaders(status, [("Content-Type", ctype), *extra], protocol="HTTP/1.1")
        w.write_record(
            w.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": CAPTURED},
            )
        )

    with path.open("wb") as f:
        w = WARCWriter(f, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "khabar tests"}))
        request = StatusAndHeaders("GET /0 HTTP/1.1", [("Host", "archive.test")], is_http_request=True)
        w.write_record(w.create_warc_record("https://archive.test/0", "request", http_headers=request))
        response(w, "https://archive.test/0", story(0))
        response(w, "https://archive.test/logo.png", b"\x89PNG....", ctype="image/png")
        response(w, "https://archive.test/missing", b"<p>no</p>", status="404 Not Found")
        response(w, "https://archive.test/1", story(1))
        if big is not None:
            response(w, "https://archive.test/big", big)
        response(w, "https://archive.test/2", gzip.compress(story(2)), extra=(("Content-Encoding", "gzip"),))


def write_arc(path: Path) -> None:
    """A version-1 ARC file with one HTML response, written by hand (warcio writes WARC only)."""
    desc_body = b"1 0 khabar-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    desc = b"filedesc://" + path.name.encode() + b" 0.0.0.0 20220304050607 text/plain %d\n" % len(desc_body)
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + story(7)
    record = b"https://old.test/7 10.0.0.1 20220304050607 text/html %d\n" % len(http)
    path.write_bytes(desc + desc_body + b"\n" + record + http + b"\n")


def test_warc_pages_are_read_with_url_and_capture_date(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc)
    items = list(read_archive(warc, max_bytes=1_000_000))
    assert all(isinstance(i, RawDocument) for i in items), items
    assert [i.url for i in items] == ["https://archive.test/0", "https://archive.test/1", "https://archive.test/2"]
    assert all(i.response.fetched_at == CAPTURED and i.response.via == "warc" for i in items)
    assert "Valley road 2" in items[2].content  # the gzip-encoded payload is decoded
    offsets = [int(i.source.rsplit("#", 1)[1]) for i in items]
    assert offsets == sorted(offsets) and offsets[0] > 0
    resumed = list(read_archive(warc, max_bytes=1_000_000, start=offsets[1]))
    assert [i.url for i in resumed] == ["https://archive.test/1", "https://archive.test/2"]


def test_a_record_over_the_limit_is_rejected_and_reading_goes_on(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, big=b"<p>" + b"z" * 200_000 + b"</p>")
    items = list(read_archive(warc, max_bytes=100_000))
    assert [type(i).__name__ for i in items] == ["RawDocument", "RawDocument", "Rejection", "RawDocument"]
    assert items[2].code == "too-large"


def test_arc_files_are_read(tmp_path):
    arc = tmp_path / "old.arc"
    write_arc(arc)
    [doc] = list(read_archive(arc, max_bytes=1_000_000))
    assert isinstance(doc, RawDocument), doc
    assert doc.url == "https://old.test/7" and doc.response.fetched_at == "2022-03-04T05:06:07Z"
    assert doc.response.via == "arc" and "Valley road 7" in doc.content


def test_ingest_reads_a_warc_keeps_the_capture_and_resumes_by_offset(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc)
    settings = load_settings()
    with khabar.open_kb(tmp_path / "kb.db") as store:
        first = ingest_paths(store, [warc], settings=settings, stages=[])
        assert (first.added, first.unchanged, first.rejected) == (3, 0, ())
        rows = store.conn.execute(
            "SELECT a.url, a.published, f.fetched_at, f.status, f.via FROM articles a "
            "JOIN fetches f ON f.article_id = a.id ORDER BY a.url"
        ).fetchall()
        assert [tuple(r) for r in rows][0][0] == "https://archive.test/0"
        assert all(r["fetched_at"] == CAPTURED and r["via"] == "warc" and r["status"] == 200 for r in rows)
        assert all(r["published"] != CAPTURED[:10] for r in rows)  # a capture date is not a publication date
        last = store.archive_resume_offset(str(warc))
        assert last > 0
        second = ingest_paths(store, [warc], settings=settings, stages=[])
        assert (second.added, second.unchanged) == (0, 1)  # only the last committed record is read again


def test_unknown_files_still_say_what_khabar_reads(tmp_path):
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK\x03\x04...")
    with khabar.open_kb(tmp_path / "kb.db") as store:
        report = ingest_paths(store, [odd], settings=load_settings(), stages=[])
    assert ".warc" in report.rejected[0].reason


@pytest.mark.parametrize("name", ["a.warc", "a.warc.gz", "b.arc", "b.arc.gz"])
def test_archive_names_are_recognised(tmp_path, name):
    from khabar.sources import list_sources

    (tmp_path / name).write_bytes(b"")
    [source], _ = list_sources([tmp_path / name])
    assert source.kind == "warc"


def test_a_damaged_archive_is_a_rejection_not_a_crash(tmp_path):
    warc = tmp_path / "broken.warc.gz"
    write_warc(warc)
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) // 2] + b"\x00garbage" * 10)
    items = list(read_archive(warc, max_bytes=1_000_000))
    assert any(isinstance(i, RawDocument) for i in items)
    assert all(isinstance(i, (RawDocument, Rejection)) for i in items)


def test_warcio_reads_warc_the_same_as_fastwarc(tmp_path):
    """The fallback for platforms without fastwarc gives the same documents and offsets."""
    from khabar.fetch.warc import _arc_records, _warc_records

    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc)
    fast = [(d.source, d.url, d.content) for d in _warc_records(warc, max_bytes=1_000_000, start=0)]
    slow = [(d.source, d.url, d.content) for d in _arc_records(warc, max_bytes=1_000_000, start=0, via="warc")]
    assert fast == slow and len(fast) == 3


def test_reading_is_streaming_memory_does_not_grow_with_the_archive(tmp_path):
    import tracemalloc

    from bench.warc_readers import write_warc as write_many

    def peak(records: int) -> int:
        path = tmp_path / f"many-{records}.warc.gz"
        write_many(path, records)
        tracemalloc.start()
        count = sum(1 for _ in read_archive(path, max_bytes=1_000_000))
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert count == records
        return top

    small, large = peak(50), peak(1000)
    assert large < small * 2, (small, large)  # 20x the records, not 20x the memory
