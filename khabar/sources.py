"""Reading sources: files and directories -> :class:`RawDocument` or :class:`Rejection`.

This stage reads bytes and decodes them; it never interprets HTML or article structure (that is
``clean.py``). Supported inputs:

* ``.html`` / ``.htm``: a web page;
* ``.txt``: plain text; an optional front-matter block (``---`` / ``key: value`` lines / ``---``)
  gives title, outlet, url, published, author; without it the first line is the title;
* ``.jsonl`` / ``.json``: records with ``text`` or ``html`` and optional ``url``, ``title``,
  ``outlet``, ``published``, ``author``, ``language``;
* any of these compressed with gzip (``.html.gz`` ...);
* web archives: ``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz`` (read by ``khabar.fetch.warc``, streamed,
  one document per HTML response record, resumable from a record offset: ``Source.start``).

Every unusable input becomes a :class:`Rejection` with a one-line reason; reading goes on.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from charset_normalizer import from_bytes

from .models import RawDocument, Rejection

__all__ = ["SUFFIXES", "Source", "list_sources", "read_sources", "read_file", "decode_bytes", "parse_text"]

SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text", ".jsonl": "jsonl", ".json": "json"}
# Magic numbers of common binary formats people drop into article folders by mistake.
_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or Office document)",
    b"\x7fELF": "an executable",
    b"SQLite format 3": "an SQLite database",
}
_FRONT_KEYS = {"title", "outlet", "url", "published", "author", "language", "date", "source"}
# A decoded text with more than this share of mess (per charset-normalizer) is not text.
_MAX_CHAOS = 0.2


@dataclass(frozen=True, slots=True)
class Source:
    """A file to read, with the kind its name says it holds."""

    path: Path
    kind: str  # html | text | jsonl | json | warc | unknown
    compressed: bool = False
    start: int = 0  # web archives: byte offset of the record to start reading at


def _kind_of(path: Path) -> tuple[str, bool]:
    if path.name.lower().endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
        return "warc", False  # the archive readers detect gzip themselves, record by record
    suffixes = [s.lower() for s in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    if compressed:
        suffixes = suffixes[:-1]
    kind = SUFFIXES.get(suffixes[-1], "unknown") if suffixes else "unknown"
    return kind, compressed


def list_sources(paths: Iterable[str | Path]) -> tuple[list[Source], list[Rejection]]:
    """Expand files and directories (recursively, sorted, hidden files skipped) into sources."""
    found: list[Source] = []
    missing: list[Rejection] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            found.extend(Source(p, *_kind_of(p)) for p in files)
        elif path.is_file():
            found.append(Source(path, *_kind_of(path)))
        else:
            missing.append(Rejection(str(path), "missing", "no such file or directory"))
    return found, missing


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_sources(
    sources: Iterable[Source], *, max_bytes: int, encoding: str | None = None, **meta: str | None
) -> Iterator[RawDocument | Rejection]:
    """Read each source; ``meta`` (outlet, published, ...) fills fields the files lack."""
    for source in sources:
        for item in read_file(source, max_bytes=max_bytes, encoding=encoding):
            yield _with_defaults(item, meta) if isinstance(item, RawDocument) else item


def _with_defaults(doc: RawDocument, meta: dict[str, str | None]) -> RawDocument:
    missing = {k: v for k, v in meta.items() if v and getattr(doc, k) is None}
    return replace(doc, **missing) if missing else doc


def read_file(source: Source, *, max_bytes: int, encoding: str | None = None) -> Iterator[RawDocument | Rejection]:
    """Read one file into documents; problems come back as rejections."""
    name = str(source.path)
    if source.kind == "warc":
        from .fetch.warc import read_archive

        yield from read_archive(source.path, max_bytes=max_bytes, start=source.start)
        return
    if source.kind == "unknown":
        yield Rejection(name, "unsupported", f"unsupported file type {''.join(source.path.suffixes) or '(none)'}; "
                        "khabar reads .html, .htm, .txt, .jsonl and .json (optionally .gz), "
                        ".warc and .arc (optionally .gz)")
        return
    size = source.path.stat().st_size
    if size > max_bytes:
        yield Rejection(name, "too-large", f"file is {size:,} bytes, over the max_bytes limit of {max_bytes:,}; "
                        "raise it with --set max_bytes=N")
        return
    data = source.path.read_bytes()
    if source.compressed:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            yield Rejection(name, "gzip", f"not a readable gzip file ({exc})")
            return
        if len(data) > max_bytes:
            yield Rejection(name, "too-large", f"decompressed size {len(data):,} bytes is over max_bytes {max_bytes:,}")
            return
    text = decode_bytes(data, kind=source.kind, encoding=encoding)
    if isinstance(text, Rejection):
        yield replace(text, source=name)
        return
    if source.kind in ("jsonl", "json"):
        yield from _read_json(name, text, lines=source.kind == "jsonl")
    elif source.kind == "html":
        yield RawDocument(source=name, kind="html", content=text)
    else:
        yield parse_text(name, text)


def decode_bytes(data: bytes, *, kind: str = "text", encoding: str | None = None) -> str | Rejection:
    """Decode file bytes to text, or say why they are not usable text."""
    if not data.strip():
        return Rejection("", "empty", "file is empty")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            return Rejection("", "binary", f"binary file ({what}), not an article")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Rejection("", "binary", "binary file (contains NUL bytes), not an article")
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            return Rejection("", "encoding", f"cannot decode as {encoding}: {exc}")
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
    best = from_bytes(data).best()
    if best is None or best.chaos > _MAX_CHAOS:
        return Rejection("", "encoding", f"not UTF-8 (first bad byte at offset {first_bad}) and no other encoding "
                         "fits; re-encode the file as UTF-8 or pass --encoding")
    return str(best)


_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def parse_text(source: str, text: str) -> RawDocument:
    """Parse a plain-text article: front matter if present, else first line as title."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta, body_start = _front_matter(lines)
    if meta is None:
        meta, body_start = {}, 0
        while body_start < len(lines) and not lines[body_start].strip():
            body_start += 1
        if body_start < len(lines):
            meta["title"] = lines[body_start].strip()
            body_start += 1
    body = "\n".join(lines[body_start:]).strip("\n")
    return RawDocument(
        source=source, kind="text", content=body, url=meta.get("url"), title=meta.get("title"),
        outlet=meta.get("outlet") or meta.get("source"), published=meta.get("published") or meta.get("date"),
        author=meta.get("author"), language=meta.get("language"),
    )


def _front_matter(lines: list[str]) -> tuple[dict[str, str] | None, int]:
    if not lines or lines[0].strip() != "---":
        return None, 0
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[1:40], start=1):
        if line.strip() == "---":
            return meta, i + 1
        key, sep, value = line.partition(":")
        if not sep or key.strip().lower() not in _FRONT_KEYS:
            return None, 0
        meta[key.strip().lower()] = value.strip().strip('"')
    return None, 0


def _read_json(name: str, text: str, *, lines: bool) -> Iterator[RawDocument | Rejection]:
    if lines:
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield _record(f"{name}:{number}", line)
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Rejection(name, "json", f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
        return
    records = data.get("articles", [data]) if isinstance(data, dict) else data
    if not isinstance(records, list):
        yield Rejection(name, "json", "JSON must be an object, a list of objects, or {\"articles\": [...]}")
        return
    for number, record in enumerate(records, start=1):
        yield _from_record(f"{name}#{number}", record)


def _record(source: str, line: str) -> RawDocument | Rejection:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejection(source, "json", f"invalid JSON (column {exc.colno}: {exc.msg})")
    return _from_record(source, record)


def _from_record(source: str, record: object) -> RawDocument | Rejection:
    if not isinstance(record, dict):
        return Rejection(source, "json", f"record is a {type(record).__name__}, not an object")
    html, text = record.get("html"), record.get("text")
    if not (isinstance(html, str) and html.strip()) and not (isinstance(text, str) and text.strip()):
        return Rejection(source, "json", "record has neither a non-empty 'text' nor 'html' field")

    def field(key: str) -> str | None:
        value = record.get(key)
        return str(value) if value not in (None, "") else None

    kind, content = ("html", html) if isinstance(html, str) and html.strip() else ("text", text)
    return RawDocument(
        source=source, kind=kind, content=content, url=field("url"), title=field("title"),
        outlet=field("outlet") or field("source"), published=field("published") or field("date"),
        author=field("author"), language=field("language"),
    )
