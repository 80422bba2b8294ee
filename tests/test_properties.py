"""Property tests (hypothesis): the readers and the cleaner over arbitrary bytes and text never raise.

Whatever comes in, the answer is a value (a document, an article or a rejection with a reason),
never an exception. CI runs a bounded number of examples; ``bench/fuzz.py`` runs the same properties
with many more (``--hypothesis-profile=long``).
"""

from __future__ import annotations

import gzip
import json
import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar.clean import clean
from khabar.models import Article, InputWarning, RawDocument, Rejection
from khabar.nlp import chunks
from khabar.sources import Source, decode_bytes, json_depth, parse_published, parse_text, read_file, read_sources

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

# Text that looks a little like articles: words, punctuation, newlines, odd characters mixed in.
_ODD = st.sampled_from(["\x00", "\u200b", "\ufeff", "\r", "\x01", "\u202e", "&amp;", "<p>", "</div>", "---", ":"])
_WORD = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
TEXTISH = st.lists(st.one_of(_WORD, _ODD, st.just(" "), st.just("\n\n")), max_size=80).map("".join)


@given(st.binary(max_size=4000))
def test_decode_bytes_returns_text_or_a_reason(data):
    result = decode_bytes(data)
    assert isinstance(result, (str, Rejection))
    if isinstance(result, str):
        assert "\x00" not in result
    else:
        assert result.reason and "\n" not in result.reason


@given(st.binary(max_size=3000), st.sampled_from([".txt", ".html", ".json", ".jsonl", ".txt.gz", ".jsonl.gz"]))
def test_read_file_never_raises_on_any_bytes(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") and data[:1] != b"x" else data)
        kind = {".txt": "text", ".html": "html", ".json": "json", ".jsonl": "jsonl"}[path.suffixes[0]]
        items = list(read_sources([Source(path, kind, suffix.endswith(".gz"))], max_bytes=2000))
    assert all(isinstance(i, (RawDocument, Rejection, InputWarning)) for i in items)
    assert all("\x00" not in i.content for i in items if isinstance(i, RawDocument))


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=30,
    )
)
def test_any_json_value_is_records_or_reasons(value):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.json"
        path.write_text(json.dumps(value), encoding="utf-8")
        items = list(read_file(Source(path, "json"), max_bytes=100_000))
    assert items and all(isinstance(i, (RawDocument, Rejection)) for i in items)


@given(st.integers(min_value=0, max_value=300))
def test_json_depth_counts_nesting_outside_strings(depth):
    text = "[" * depth + '"[{"' + "]" * depth
    assert json_depth(text) == depth


@given(st.text(max_size=60))
def test_parse_published_gives_iso_or_unknown(value):
    parsed = parse_published(value)
    assert parsed.precision in ("time", "day", "month", "year", "unknown")
    if parsed.iso is not None:
        assert datetime.fromisoformat(parsed.iso).year >= 1900


@given(TEXTISH)
def test_parse_text_never_raises(text):
    doc = parse_text("x.txt", text)
    assert isinstance(doc, RawDocument)


@given(TEXTISH, st.sampled_from(["text", "html"]))
def test_clean_returns_an_article_with_consistent_spans_or_a_reason(text, kind):
    content = f"<html><body><article><p>{text}</p></article></body></html>" if kind == "html" else text
    result = clean(RawDocument("x", kind, content), min_words=1)
    assert isinstance(result, (Article, Rejection))
    if isinstance(result, Article):
        for p in result.paragraphs:
            assert 0 <= p.start < p.end <= len(result.text) and result.text[p.start : p.end].strip()


@given(TEXTISH, st.integers(min_value=1, max_value=50))
def test_chunks_join_back_exactly_and_respect_the_limit(text, limit):
    pieces = chunks(text, limit)
    assert "".join(pieces) == text and all(len(p) <= limit for p in pieces)
