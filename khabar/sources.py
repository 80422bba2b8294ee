"""Reading sources: files and directories -> :class:`RawDocument` or :class:`Rejection`.

This stage reads bytes and decodes them; it never interprets HTML or article structure (that is
``clean.py``). Supported inputs:

* ``.html`` / ``.htm``: a web page;
* ``.txt``: plain text; an optional front-matter block (``---`` / ``key: value`` lines / ``---``)
  gives title, outlet, url, published, author; without it the first line is the title (a file of one line is all body);
* ``.jsonl`` / ``.json``: records with ``text`` or ``html`` and optional ``url``, ``title``,
  ``outlet``, ``published``, ``author``, ``language``;
* any of these compressed with gzip (``.html.gz`` ...);
* web archives: ``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz`` (read by ``khabar.fetch.warc``, streamed,
  one document per HTML response record, resumable from a record offset: ``Source.start``).

Every unusable input becomes a :class:`Rejection` with a one-line reason; reading goes on. Nothing
is skipped in silence: special files (FIFOs, sockets, devices), dangling and looping symlinks,
unreadable files and hidden files (the ``hidden_files`` setting) each get a rejection too.

Resources stay bounded whatever the input: gzip is decompressed as a stream and stopped as soon as
it passes ``max_bytes`` (a 3 GB gzip bomb costs a few MB); JSON is refused past :data:`MAX_JSON_DEPTH`
levels of nesting before it is parsed; JSON Lines are read one record at a time, so one over-long
record is rejected alone and the file's other records are kept. ``published`` is parsed once here,
at the edge (:func:`parse_published`): the stored value is ISO 8601 or nothing, never a free string.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

import numpy as np

from .decoding import decode_bytes
from .decoding import usable_text as _usable
from .models import InputWarning, RawDocument, Rejection

__all__ = [
    "SUFFIXES",
    "Source",
    "list_sources",
    "read_sources",
    "read_file",
    "decode_bytes",
    "parse_text",
    "parse_published",
    "Published",
    "MAX_JSON_DEPTH",
    "dated",
]

SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text", ".jsonl": "jsonl", ".json": "json"}
_FRONT_KEYS = {"title", "outlet", "url", "published", "author", "language", "date", "source"}
# Article records are two or three levels deep; 64 leaves room for any real feed and stops a
# 100,000-deep file long before json's recursion does (which raised RecursionError and ended the run).
MAX_JSON_DEPTH = 64
_CHUNK = 1 << 20


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


# --- listing ------------------------------------------------------------------------------------


def list_sources(paths: Iterable[str | Path], *, hidden: str = "skip") -> tuple[list[Source], list[Rejection]]:
    """Expand files and directories (recursively, sorted) into sources; every skip is a rejection.

    ``hidden``: ``skip`` (files and folders whose name starts with '.' are skipped, each with a
    rejection) or ``read``.
    """
    found: list[Source] = []
    skipped: list[Rejection] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            _walk(path, found, skipped, hidden=hidden, seen={_real(path)})
        else:
            _take_file(path, found, skipped)
    return found, skipped


def _walk(folder: Path, found: list[Source], skipped: list[Rejection], *, hidden: str, seen: set[str]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        skipped.append(Rejection(str(folder), "unreadable", f"folder cannot be listed ({exc.strerror or exc})"))
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(".") and hidden != "read":
            what = "folder" if entry.is_dir(follow_symlinks=False) else "file"
            skipped.append(
                Rejection(
                    str(path),
                    "hidden",
                    f"hidden {what} (name starts with '.'); read hidden files with --set hidden_files=read",
                )
            )
        elif _is_dir(path):
            real = _real(path)
            if real in seen:
                skipped.append(Rejection(str(path), "symlink", f"symlink loop: {path.name} leads back to {real}"))
            else:
                _walk(path, found, skipped, hidden=hidden, seen=seen | {real})
        else:
            _take_file(path, found, skipped)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a symlink loop raises ELOOP on stat
        return False


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _take_file(path: Path, found: list[Source], skipped: list[Rejection]) -> None:
    problem = _not_regular(path)
    if problem:
        skipped.append(problem)
    else:
        found.append(Source(path, *_kind_of(path)))


def _not_regular(path: Path) -> Rejection | None:
    """None for a regular file (or a symlink to one); otherwise the rejection saying what it is."""
    name = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return Rejection(name, "symlink", f"dangling symlink (points to {os.readlink(path)}, which does not exist)")
        return Rejection(name, "missing", "no such file or directory")
    except OSError as exc:
        if path.is_symlink():
            return Rejection(name, "symlink", f"symlink that cannot be followed ({exc.strerror or exc}: a loop?)")
        return Rejection(name, "unreadable", f"cannot read file information ({exc.strerror or exc})")
    if stat.S_ISREG(st.st_mode):
        return None
    what = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(st.st_mode)
        else "a socket"
        if stat.S_ISSOCK(st.st_mode)
        else "a device"
        if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
        else "not a regular file"
    )
    return Rejection(name, "special", f"{what}, not an article file; khabar reads regular files only")


# --- reading ------------------------------------------------------------------------------------


def read_sources(
    sources: Iterable[Source], *, max_bytes: int, encoding: str | None = None, **meta: str | None
) -> Iterator[RawDocument | Rejection | InputWarning]:
    """Read each source; ``meta`` (outlet, published, ...) fills fields the files lack.

    Documents come with ``published`` parsed (:func:`parse_published`); a value that could not be
    used as a date yields an :class:`InputWarning` right after its document.
    """
    for source in sources:
        for item in read_file(source, max_bytes=max_bytes, encoding=encoding):
            if isinstance(item, RawDocument):
                yield from dated(_with_defaults(item, meta))
            else:
                yield item


def _with_defaults(doc: RawDocument, meta: dict[str, str | None]) -> RawDocument:
    missing: dict[str, Any] = {k: v for k, v in meta.items() if v and getattr(doc, k) is None}
    return replace(doc, **missing) if missing else doc


def read_file(source: Source, *, max_bytes: int, encoding: str | None = None) -> Iterator[RawDocument | Rejection]:
    """Read one file into documents; problems come back as rejections."""
    name = str(source.path)
    if source.kind == "warc":
        from .fetch.warc import read_archive

        yield from read_archive(source.path, max_bytes=max_bytes, start=source.start)
        return
    if source.kind == "unknown":
        yield Rejection(
            name,
            "unsupported",
            f"unsupported file type {''.join(source.path.suffixes) or '(none)'}; "
            "khabar reads .html, .htm, .txt, .jsonl and .json (optionally .gz), "
            ".warc and .arc (optionally .gz)",
        )
        return
    problem = _not_regular(source.path)
    if problem:
        yield problem
        return
    size = source.path.stat().st_size
    if size > max_bytes and not (source.kind == "jsonl" and not source.compressed):
        yield Rejection(
            name,
            "too-large",
            f"file is {size:,} bytes, over the max_bytes limit of {max_bytes:,}; raise it with --set max_bytes=N",
        )
        return
    try:
        stream = _open(source)
    except OSError as exc:
        yield Rejection(name, "unreadable", f"file cannot be opened ({exc.strerror or exc})")
        return
    with stream:
        if source.kind == "jsonl":
            yield from _read_jsonl(name, stream, max_bytes=max_bytes, encoding=encoding)
            return
        data = _read_capped(name, stream, max_bytes, compressed=source.compressed)
    if isinstance(data, Rejection):
        yield data
        return
    text = decode_bytes(data, kind=source.kind, encoding=encoding)
    if isinstance(text, Rejection):
        yield replace(text, source=name)
    elif source.kind == "json":
        yield from _read_json(name, text)
    elif source.kind == "html":
        yield RawDocument(source=name, kind="html", content=text)
    else:
        yield parse_text(name, text)


def _open(source: Source) -> BinaryIO:
    handle = source.path.open("rb")
    # GzipFile reads like a BinaryIO but typeshed does not declare it one
    return cast(BinaryIO, gzip.GzipFile(fileobj=handle, mode="rb")) if source.compressed else handle


_GZIP_ERRORS = (OSError, EOFError, zlib.error)


def _read_capped(name: str, stream: BinaryIO, max_bytes: int, *, compressed: bool) -> bytes | Rejection:
    """At most ``max_bytes`` of the (decompressed) stream, or a rejection as soon as there is more."""
    parts, total = [], 0
    try:
        while chunk := stream.read(min(_CHUNK, max_bytes + 1 - total)):
            parts.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                what = "decompresses to" if compressed else "is"
                return Rejection(
                    name,
                    "too-large",
                    f"file {what} over {max_bytes:,} bytes (the max_bytes limit; "
                    "reading stopped there); raise it with --set max_bytes=N",
                )
    except _GZIP_ERRORS as exc:
        if not compressed:
            return Rejection(name, "unreadable", f"file cannot be read ({exc})")
        return Rejection(name, "gzip", f"not a readable gzip file ({exc})")
    return b"".join(parts)


def _read_jsonl(
    name: str, stream: BinaryIO, *, max_bytes: int, encoding: str | None
) -> Iterator[RawDocument | Rejection]:
    """One record per line, each capped at ``max_bytes``; memory stays at one record."""
    number = 0
    try:
        while line := stream.readline(max_bytes + 1):
            number += 1
            source = f"{name}:{number}"
            if len(line) > max_bytes and not line.endswith(b"\n"):
                _skip_line(stream, max_bytes)
                yield Rejection(
                    source,
                    "too-large",
                    f"record is over {max_bytes:,} bytes (the max_bytes limit); the file's other records are read",
                )
            elif line.strip():
                yield _jsonl_record(source, line, encoding=encoding, first=number == 1)
    except _GZIP_ERRORS as exc:
        yield Rejection(f"{name}:{number + 1}", "gzip", f"the rest of the file is not readable gzip ({exc})")
    if number == 0:
        yield Rejection(name, "empty", "file is empty")


def _skip_line(stream: BinaryIO, max_bytes: int) -> None:
    while (rest := stream.readline(max_bytes)) and not rest.endswith(b"\n"):
        pass


def _jsonl_record(source: str, line: bytes, *, encoding: str | None, first: bool) -> RawDocument | Rejection:
    text = decode_bytes(line, kind="jsonl", encoding=encoding)
    if isinstance(text, Rejection):
        return replace(text, source=source)
    return _record(source, text.lstrip("\ufeff") if first else text)


# --- plain text ---------------------------------------------------------------------------------


def parse_text(source: str, text: str) -> RawDocument:
    """Parse a plain-text article: front matter if present, else first line as title (when more follows)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta, body_start = _front_matter(lines)
    if meta is None:
        meta, body_start = {}, 0
        while body_start < len(lines) and not lines[body_start].strip():
            body_start += 1
        rest = "\n".join(lines[body_start + 1 :]).strip()
        if body_start < len(lines) and rest:  # a file of one line is all body: no title to take from it
            meta["title"] = lines[body_start].strip()
            body_start += 1
    body = "\n".join(lines[body_start:]).strip("\n")
    return RawDocument(
        source=source,
        kind="text",
        content=body,
        url=meta.get("url"),
        title=meta.get("title"),
        outlet=meta.get("outlet") or meta.get("source"),
        published=meta.get("published") or meta.get("date"),
        author=meta.get("author"),
        language=meta.get("language"),
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


# --- JSON ---------------------------------------------------------------------------------------


def _read_json(name: str, text: str) -> Iterator[RawDocument | Rejection]:
    data = _loads(text)
    if isinstance(data, Rejection):
        yield replace(data, source=name)
        return
    records = data.get("articles", [data]) if isinstance(data, dict) else data
    if not isinstance(records, list):
        yield Rejection(name, "json", 'JSON must be an object, a list of objects, or {"articles": [...]}')
        return
    if not records:
        yield Rejection(name, "json", "JSON holds no records (an empty list)")
        return
    for number, record in enumerate(records, start=1):
        yield _from_record(f"{name}#{number}", record)


def _loads(text: str) -> object | Rejection:
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        return Rejection(
            "",
            "json",
            f"JSON nested {depth:,} levels deep (khabar reads at most {MAX_JSON_DEPTH}); "
            "article records are flat objects",
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return Rejection("", "json", f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
    except RecursionError:  # belt and braces: json_depth counts brackets outside strings
        return Rejection("", "json", "JSON nested too deep to read")


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_DEPTH = np.zeros(256, dtype=np.int8)
_DEPTH[[ord("["), ord("{")]] = 1
_DEPTH[[ord("]"), ord("}")]] = -1


def json_depth(text: str) -> int:
    """Deepest nesting of brackets outside strings (numpy over the bytes: 5 MB in ~30 ms)."""
    skeleton = _JSON_STRING.sub('""', text).encode("utf-8", "replace")
    if not skeleton:
        return 0
    steps = _DEPTH[np.frombuffer(skeleton, dtype=np.uint8)].astype(np.int32)
    return int(np.cumsum(steps).max(initial=0))


def _record(source: str, line: str) -> RawDocument | Rejection:
    record = _loads(line)
    if isinstance(record, Rejection):
        return replace(record, source=source)
    return _from_record(source, record)


def _from_record(source: str, record: object) -> RawDocument | Rejection:
    if not isinstance(record, dict):
        return Rejection(source, "json", f"record is a {type(record).__name__}, not an object")
    html, text = record.get("html"), record.get("text")
    if not (isinstance(html, str) and html.strip()) and not (isinstance(text, str) and text.strip()):
        return Rejection(source, "json", "record has neither a non-empty 'text' nor 'html' field")

    def field(key: str) -> str | None:
        value = record.get(key)
        if value in (None, "") or isinstance(value, (dict, list)):
            return None
        return str(value).replace("\x00", "")

    if isinstance(html, str) and html.strip():
        kind, content = "html", html
    else:
        assert isinstance(text, str)  # checked above: a record without html has a non-empty text
        kind, content = "text", text
    usable = _usable(content)
    if isinstance(usable, Rejection):
        return replace(usable, source=source)
    return RawDocument(
        source=source,
        kind=kind,
        content=content,
        url=field("url"),
        title=field("title"),
        outlet=field("outlet") or field("source"),
        published=field("published") or field("date"),
        author=field("author"),
        language=field("language"),
    )


# --- published dates ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Published:
    """A ``published`` value understood: ISO 8601 (or None), its precision, and the value as given."""

    iso: str | None
    precision: str  # time | day | month | year | unknown
    original: str


_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# Absolute dates only: "yesterday" or a bare number must not become a date relative to today.
_DATEPARSER = {
    "PARSERS": ["custom-formats", "absolute-time"],
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def parse_published(value: str) -> Published:
    """Understand a publication date: ISO as is, other forms via dateparser; unknown when neither fits.

    Only day (or finer) precision becomes ``iso``: a month or a year alone is kept as the original with
    its precision, because every later stage compares days and "2021-01-01" for "2021" would be a
    wrong fact.
    """
    original = value.strip()[:200]
    iso = _iso(original)
    if iso:
        return Published(*iso, original)
    if _YEAR.match(original) or _YEAR_MONTH.match(original):
        return Published(None, "year" if len(original) == 4 else "month", original)
    if len(original) > 80 or not any(c.isdigit() for c in original):
        return Published(None, "unknown", original)
    return _free_form(original)


def _iso(value: str) -> tuple[str, str] | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None
    if not 1900 <= moment.year <= 2100:
        return None
    if len(value) <= 10:
        return moment.date().isoformat(), "day"
    return moment.isoformat(), "time"


def _free_form(value: str) -> Published:
    import dateparser  # ~0.5 s to import: only when a date is not ISO

    day = dateparser.parse(value, settings={**_DATEPARSER, "REQUIRE_PARTS": ["day", "month", "year"]})
    if day is not None and 1900 <= day.year <= 2100:
        return Published(day.date().isoformat(), "day", value)
    month = dateparser.parse(value, settings={**_DATEPARSER, "REQUIRE_PARTS": ["month", "year"]})
    if month is not None and 1900 <= month.year <= 2100:
        return Published(None, "month", value)
    return Published(None, "unknown", value)


def dated(doc: RawDocument) -> Iterator[RawDocument | InputWarning]:
    """The document with ``published`` parsed (once: a parsed one has a precision), then any warning."""
    if doc.published is None or doc.published_precision is not None:
        yield doc
        return
    parsed = parse_published(doc.published)
    original = None if parsed.iso == parsed.original else parsed.original
    yield replace(doc, published=parsed.iso, published_original=original, published_precision=parsed.precision)
    if parsed.iso is None:
        what = (
            f"only a {parsed.precision}" if parsed.precision in ("month", "year") else "not a date khabar understands"
        )
        yield InputWarning(
            doc.source,
            "published",
            f"published {parsed.original!r} is {what}; stored as unknown "
            "(the original is kept) and not used to date events",
        )
