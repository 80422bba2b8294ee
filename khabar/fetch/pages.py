"""Fetched bytes -> :class:`RawDocument`: content type and charset, from the headers and the page.

Pure functions: no I/O. Cleaning (main text, title, author, dates via trafilatura/htmldate) happens
later in ``clean.py``, exactly as for files.
"""

from __future__ import annotations

from email.message import Message

from ..decoding import decode_bytes
from ..models import FetchRecord, RawDocument, Rejection

__all__ = ["to_document", "decode_body", "content_type_of", "PAGE_ACCEPT", "PAGE_TYPES"]

PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
# Servers often label UTF-8 pages as Latin-1 (the old HTTP default). A byte string with multi-byte
# sequences that decodes as strict UTF-8 is almost never real Latin-1 text, so UTF-8 wins then.
_LATIN = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}


def decode_body(data: bytes, *, charset: str, kind: str) -> str | Rejection:
    """Decode a body: the header's charset when it fits, else the page's meta charset or detection."""
    if charset.lower() in _LATIN and not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if charset:
        text = decode_bytes(data, kind=kind, encoding=charset)
        if not (isinstance(text, Rejection) and text.code == "encoding"):
            return text
    return decode_bytes(data, kind=kind)


def _sniff(data: bytes) -> str | None:
    head = data[:512].lstrip().lower()
    return "html" if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) else None


def to_document(record: FetchRecord, body: bytes, *, source: str | None = None) -> RawDocument | Rejection:
    """A fetched page as a raw document (its response attached), or why it is not a page."""
    source = source or record.final_url
    kind = PAGE_TYPES.get(record.content_type)
    if kind is None and record.content_type in ("application/octet-stream", ""):
        kind = _sniff(body)
    if kind is None:
        return Rejection(
            source,
            "content-type",
            f"not a web page ({record.content_type}); khabar reads text/html, application/xhtml+xml and text/plain",
        )
    text = decode_body(body, charset=record.charset, kind=kind)
    if isinstance(text, Rejection):
        return Rejection(source, text.code, text.reason)
    return RawDocument(source=source, kind=kind, content=text, url=record.final_url, response=record)


def content_type_of(value: str) -> tuple[str, str]:
    """The media type and declared charset (lowercase, '' when none) of a Content-Type header."""
    message = Message()
    message["content-type"] = value or "application/octet-stream"
    charset = message.get_param("charset")
    return message.get_content_type(), str(charset).strip().lower() if isinstance(charset, str) else ""
