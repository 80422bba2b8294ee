"""Reading sources: every kind of input, and every kind of bad input becoming a reasoned rejection."""

from __future__ import annotations

import gzip
import json
import os

from khabar.models import RawDocument, Rejection
from khabar.sources import decode_bytes, list_sources, parse_text, read_file


def _read(path, max_bytes=1_000_000):
    (source,), _ = list_sources([path])
    return list(read_file(source, max_bytes=max_bytes))


def test_front_matter_sets_metadata_and_body(tmp_path):
    doc = parse_text(
        "x.txt", "---\ntitle: A title\noutlet: The Ledger\npublished: 2021-08-27\n---\nBody one.\n\nBody two."
    )
    assert (doc.title, doc.outlet, doc.published) == ("A title", "The Ledger", "2021-08-27")
    assert doc.content == "Body one.\n\nBody two."


def test_plain_text_first_line_is_title():
    doc = parse_text("x.txt", "\n\nHeadline here\nFirst paragraph.\n\nSecond.")
    assert doc.title == "Headline here"
    assert doc.content.startswith("First paragraph.")


def test_a_text_file_of_one_line_is_its_body_not_an_empty_article_with_a_title():
    """Issue 16: one paragraph on one line was taken as the title and the article rejected as
    'only 0 words of article text'."""
    line = "Gunmen attacked a market in the north of the province on Monday, killing four traders, police said."
    doc = parse_text("x.txt", f"\n{line}\n\n")
    assert doc.content == line and doc.title is None


def test_dashes_that_are_not_front_matter_stay_text():
    doc = parse_text("x.txt", "---\nnot a key value line at all\n---\nBody")
    assert doc.title == "---"


def test_directory_is_recursive_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("T\nbody")
    (tmp_path / "a.html").write_text("<html></html>")
    (tmp_path / ".hidden.txt").write_text("T\nbody")
    sources, missing = list_sources([tmp_path, tmp_path / "nope"])
    assert [s.path.name for s in sources] == ["a.html", "z.txt"]
    assert [(m.code, os.path.basename(m.source)) for m in missing] == [("hidden", ".hidden.txt"), ("missing", "nope")]
    sources, _ = list_sources([tmp_path], hidden="read")
    assert [s.path.name for s in sources] == [".hidden.txt", "a.html", "z.txt"]


def test_jsonl_keeps_good_records_and_rejects_bad_lines(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": "Some text", "outlet": "O", "published": "2020-01-01"}),
        "{broken",
        json.dumps({"title": "no body"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"html": "<p>x</p>", "url": "https://a.example/1"}),
    ]
    path.write_text("\n".join(lines))
    items = _read(path)
    kinds = [(type(i).__name__, getattr(i, "code", getattr(i, "kind", None))) for i in items]
    assert kinds == [
        ("RawDocument", "text"),
        ("Rejection", "json"),
        ("Rejection", "json"),
        ("Rejection", "json"),
        ("RawDocument", "html"),
    ]
    assert items[1].source.endswith("feed.jsonl:2")


def test_json_array_and_articles_object(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"text": "one"}, {"text": "two"}]))
    (tmp_path / "b.json").write_text(json.dumps({"articles": [{"text": "three"}]}))
    (tmp_path / "c.json").write_text("{not json")
    assert [i.content for i in _read(tmp_path / "a.json")] == ["one", "two"]
    assert [i.content for i in _read(tmp_path / "b.json")] == ["three"]
    assert _read(tmp_path / "c.json")[0].code == "json"


def test_gzip_is_read_transparently(tmp_path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(b"<html><body><p>Hello</p></body></html>"))
    (doc,) = _read(path)
    assert isinstance(doc, RawDocument) and doc.kind == "html"


def test_bad_inputs_get_one_line_reasons(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    (tmp_path / "nul.txt").write_bytes(b"abc\x00def" * 10)
    (tmp_path / "noise.txt").write_bytes(bytes(b for b in os.urandom(4000) if b))
    (tmp_path / "big.txt").write_bytes(b"word " * 3000)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.7 ...")
    (tmp_path / "bad.gz").write_bytes(b"not gzip")
    codes = {}
    for name in ["empty.txt", "blank.txt", "image.html", "nul.txt", "noise.txt", "big.txt", "notes.pdf"]:
        (item,) = _read(tmp_path / name, max_bytes=10_000)
        assert isinstance(item, Rejection), name
        assert "\n" not in item.reason and item.reason
        codes[name] = item.code
    assert codes == {
        "empty.txt": "empty",
        "blank.txt": "empty",
        "image.html": "binary",
        "nul.txt": "binary",
        "noise.txt": "encoding",
        "big.txt": "too-large",
        "notes.pdf": "unsupported",
    }


def test_legacy_encoding_is_decoded_not_rejected():
    text = "Le président a condamné l'attaque à Kaboul. " * 5
    assert decode_bytes(text.encode("cp1252")) == text


def test_explicit_encoding_wins():
    assert decode_bytes("Zoobe junction".encode("utf-16"), encoding="utf-16") == "Zoobe junction"
    rejection = decode_bytes(b"\xff\xfe\xfd", encoding="ascii")
    assert isinstance(rejection, Rejection) and rejection.code == "encoding"
