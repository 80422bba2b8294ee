"""Bytes to text: the encoding of a file, a page or a record, or the reason it is not usable text.

Shared by the file readers (:mod:`khabar.sources`) and the fetcher (:mod:`khabar.fetch.pages`).
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from .models import Rejection

__all__ = ["decode_bytes", "usable_text"]

# Magic numbers of common binary formats people drop into article folders by mistake.
_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or Office document)",
    b"\x7fELF": "an executable",
    b"SQLite format 3": "an SQLite database",
    b"\x1f\x8b": "a gzip file without a .gz name",
}
# A decoded text with more than this share of mess (per charset-normalizer) is not text.
_MAX_CHAOS = 0.2


def decode_bytes(data: bytes, *, kind: str = "text", encoding: str | None = None) -> str | Rejection:
    """Decode file bytes to text, or say why they are not usable text."""
    if not data.strip():
        return Rejection("", "empty", "file is empty")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            return Rejection("", "binary", f"binary file ({what}), not an article")
    text = _decode(data, kind=kind, encoding=encoding)
    if isinstance(text, Rejection):
        return text
    # JSON is checked record by record (a NUL escape or an invisible text is in one record's field).
    return text if kind in ("json", "jsonl") else usable_text(text)


def _decode(data: bytes, *, kind: str, encoding: str | None) -> str | Rejection:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            return Rejection("", "encoding", f"cannot decode as {encoding}: {exc}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _try(data, "utf-16")
    unmarked = _utf16_without_bom(data)
    if unmarked:
        return _try(data, unmarked)
    if b"\x00" in data[:8192]:
        return Rejection("", "binary", "binary file (contains NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    declared = _declared_charset(data) if kind == "html" else None
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    mixed = _mixed_lines(data)
    if mixed is not None:
        return mixed
    best = from_bytes(data).best()
    if best is None or best.chaos > _MAX_CHAOS:
        return Rejection(
            "",
            "encoding",
            f"not UTF-8 (first bad byte at offset {first_bad}) and no other encoding "
            "fits; re-encode the file as UTF-8 or pass --encoding",
        )
    return str(best)


def _try(data: bytes, codec: str) -> str | Rejection:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        return Rejection(
            "",
            "encoding",
            f"looks like {codec.upper()} but does not decode ({exc.reason} at byte "
            f"{exc.start}); re-encode the file as UTF-8",
        )


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the bytes look like mostly-ASCII UTF-16 without a byte-order mark."""
    sample = data[:8192]
    if len(sample) < 16:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.4 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.4 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def _mixed_lines(data: bytes) -> str | None:
    """A file whose lines are partly UTF-8 and partly a legacy encoding, decoded line by line.

    Decoding the whole file with one guessed encoding turned both halves into mojibake; here each
    line that is valid UTF-8 stays UTF-8 and the others are decoded with the encoding that fits them.
    None when the file is not such a mix (no non-ASCII UTF-8 line, or no encoding fits the rest).
    """
    lines = data.split(b"\n")
    good, bad = [], []
    for line in lines:
        try:
            line.decode("utf-8")
            good.append(line)
        except UnicodeDecodeError:
            bad.append(line)
    if not bad or not any(max(line, default=0) > 127 for line in good):
        return None
    codec = _legacy_codec(b"\n".join(bad))
    if codec is None:
        return None
    out = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode(codec, "replace"))
    return "\n".join(out).lstrip("\ufeff")


# On a line or two, charset-normalizer cannot tell Windows-1252 from its neighbours (it chose cp1250
# for "très" and wrote "trčs"); a file that is otherwise UTF-8 was almost always written on a Western
# system, so these win whenever they fit about as well as the best guess.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def _legacy_codec(data: bytes) -> str | None:
    matches = [m for m in from_bytes(data) if m.chaos <= _MAX_CHAOS]
    if not matches:
        return None
    best = min(m.chaos for m in matches)
    western = [m.encoding for m in matches if m.encoding in _WESTERN and m.chaos <= best + 0.05]
    return western[0] if western else matches[0].encoding


def usable_text(text: str) -> str | Rejection:
    """The decoded text, or a rejection when it holds NUL characters or nothing visible."""
    at = text.find("\x00")
    if at >= 0:
        return Rejection(
            "",
            "nul",
            f"text contains NUL characters (first at character {at:,}): a binary or "
            "damaged file; khabar does not store NULs",
        )
    if not _VISIBLE.search(text):
        return Rejection(
            "", "invisible", "no visible letters or digits (only spaces, zero-width characters, BOMs or punctuation)"
        )
    return text


_VISIBLE = re.compile(r"[^\W_]")  # a letter or digit in any script
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None
