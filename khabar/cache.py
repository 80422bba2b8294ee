"""On-disk caches of data khabar builds from its shipped files (issue 16: fast small runs).

Building the gazetteer from 270,000 GeoNames entries, and the place-name phrases of the spaCy
component from it, takes seconds; a run that ingests one short file spent most of its time there.
:func:`cached` keeps what a builder returns as a pickle in the cache folder (the ``cache_dir``
setting; ``~/.cache/khabar`` when empty) under a name that holds a hash of everything it is
built from, so a changed input builds a new file and a stale one is never read.

Safe for concurrent processes: a file is written under a temporary name and renamed into place
(``os.replace`` is atomic), so a reader sees a whole file or none. A cache that cannot be read
(missing, damaged, from another Python) is rebuilt; one that cannot be written (read-only home)
is skipped: the run goes on with what it built. The folder may be deleted at any time.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

__all__ = ["cached", "cache_dir", "set_cache_dir", "source_digest"]

T = TypeVar("T")
_FOLDER: Path | None = None  # set_cache_dir's folder; None: ~/.cache/khabar


def set_cache_dir(folder: str | Path | None) -> None:
    """Use this cache folder in this process (empty or None: the ``cache_dir`` setting's value)."""
    global _FOLDER
    _FOLDER = Path(folder).expanduser() if folder else None


def cache_dir() -> Path:
    """The cache folder in force: set by the entry points from the ``cache_dir`` setting."""
    return _FOLDER if _FOLDER is not None else Path.home() / ".cache" / "khabar"


def source_digest(files: Iterable[str], *extra: str) -> str:
    """A short hash of khabar's files (paths inside the package) and extra strings (versions)."""
    digest = hashlib.sha256(sys.version.encode())
    root = resources.files("khabar")
    for name in files:
        digest.update(name.encode())
        digest.update(root.joinpath(name).read_bytes())
    for value in extra:
        digest.update(value.encode())
    return digest.hexdigest()[:16]


def cached(name: str, digest: str, build: Callable[[], T]) -> T:
    """``build()``'s value, from the cache file ``<name>-<digest>.pickle`` or built and saved there."""
    path = cache_dir() / f"{name}-{digest}.pickle"
    try:
        with path.open("rb") as handle:
            return _load(handle)
    except Exception:  # missing, damaged, or unreadable: build it
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError:
        pass
    return value


def _load(handle: BinaryIO) -> Any:
    # Unpickling builds hundreds of thousands of containers at once; the cyclic collector would
    # scan them again and again while they are made (~40% of the load time), and none is garbage.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(handle)
    finally:
        if enabled:
            gc.enable()
