"""Receiving uploaded files: a multipart/form-data body streamed straight into one folder.

Parts are written as they arrive (nothing is spooled to the system's temporary folder), under
names reduced by :func:`~khabar.web.security.safe_filename` and checked to stay inside the folder.
The request's total size is capped before this runs (:class:`~khabar.web.security.BodyLimit`).
A refused upload (too large, too many files, a malformed or cut-off body, a client that went away)
leaves nothing behind: the files written so far and the job's folder are removed before the refusal.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from python_multipart.multipart import MultipartParseError, MultipartParser, MultipartState, parse_options_header
from starlette.requests import ClientDisconnect

from ..errors import InputError
from .security import inside, safe_filename

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

__all__ = ["Upload", "receive_upload"]

_FIELD_LIMIT = 1_000  # bytes kept of a plain form field (outlet, published)
_FIELDS = ("outlet", "published")


@dataclass
class Upload:
    """What a form upload brought: the files written and the plain fields given with them."""

    files: list[Path] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


async def receive_upload(request, folder: Path, *, max_files: int = 500) -> Upload:
    """Stream the request's multipart body into ``folder``; raise InputError on a malformed body."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise InputError("send the files as multipart/form-data (an HTML form with enctype=multipart/form-data)")
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    sink = _Sink(folder, max_files)
    try:
        await _parse(request, params[b"boundary"], sink)
        if not sink.upload.files:
            raise InputError("the upload has no files; choose one or more .html, .txt or .jsonl files")
    except BaseException:
        sink.close()
        _remove(sink.upload.files, folder if created else None)
        raise
    sink.close()
    return sink.upload


async def _parse(request, boundary: bytes, sink: _Sink) -> None:
    parser = MultipartParser(boundary, sink.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
    except MultipartParseError as exc:
        raise InputError(f"malformed multipart body ({exc}); send the files from the upload form") from None
    except ClientDisconnect:
        raise InputError("the upload ended before its body was complete (shorter than its Content-Length?)") from None
    if parser.state != MultipartState.END:
        raise InputError("the multipart body ends before its closing boundary (a cut-off upload?); send it again")


def _remove(files: list[Path], folder: Path | None) -> None:
    for path in files:
        path.unlink(missing_ok=True)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


class _Sink:
    """Parser callbacks: headers of each part, then its data into a file or a small field."""

    def __init__(self, folder: Path, max_files: int) -> None:
        self.folder, self.max_files = folder, max_files
        self.upload = Upload()
        self.headers: dict[bytes, bytes] = {}
        self.name = self.value = b""
        self.out = None
        self.field: str | None = None
        self.buffer = bytearray()

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self.headers, self.name, self.value, self.field = {}, b"", b"", None
        self.buffer.clear()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def _header_end(self) -> None:
        self.headers[self.name.lower()] = self.value
        self.name = self.value = b""

    def _headers_done(self) -> None:
        _, params = parse_options_header(self.headers.get(b"content-disposition", b""))
        filename = params.get(b"filename")
        if filename is not None:
            self.out = self._open(filename.decode("utf-8", "replace"))
        else:
            name = params.get(b"name", b"").decode("utf-8", "replace")
            self.field = name if name in _FIELDS else None

    def _open(self, filename: str):
        if not filename:  # an empty file input sends a part without a name: skip it
            return None
        if len(self.upload.files) >= self.max_files:
            raise InputError(f"more than {self.max_files} files in one upload; send them in several uploads")
        target = _unique(inside(self.folder, safe_filename(filename)))
        self.upload.files.append(target)
        return target.open("xb")

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.out is not None:
            self.out.write(data[start:end])
        elif self.field and len(self.buffer) < _FIELD_LIMIT:
            self.buffer += data[start:end][: _FIELD_LIMIT - len(self.buffer)]

    def _end(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
        elif self.field:
            value = self.buffer.decode("utf-8", "replace").strip()
            if value:
                self.upload.fields[self.field] = value

    def close(self) -> None:
        if self.out is not None:
            self.out.close()


def _unique(path: Path) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext`` ... when a file of that name is already there."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate
