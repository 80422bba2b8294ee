"""khabar's exception tree.

Expected drops of input (binary file, empty page, bad JSON line) are *values*
(:class:`khabar.models.Rejection`), not exceptions. Exceptions here are for conditions the caller
must act on; each carries a ``code`` and a message that says what to do. The CLI maps them to exit
codes once (``cli.py``) and the web app to HTTP status codes once (``web/``).
"""

from __future__ import annotations

__all__ = [
    "KhabarError",
    "SettingError",
    "ModelNotFound",
    "StoreError",
    "NotFound",
    "Ambiguous",
    "InputError",
]


class KhabarError(Exception):
    """Base class: ``code`` is a stable short identifier, ``exit_code`` the CLI status."""

    code = "E000"
    exit_code = 1
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class SettingError(KhabarError):
    """A setting has a value khabar cannot use."""

    code = "E001"
    exit_code = 2
    http_status = 400


class ModelNotFound(KhabarError):
    """The configured spaCy pipeline is not installed."""

    code = "E002"
    exit_code = 3


class StoreError(KhabarError):
    """The database file cannot be opened or is not a khabar database."""

    code = "E003"
    exit_code = 4


class NotFound(KhabarError):
    """A name, article or entity asked for is not in the database."""

    code = "E004"
    exit_code = 5
    http_status = 404


class Ambiguous(KhabarError):
    """A reference matched several things and khabar will not pick one silently."""

    code = "E005"
    exit_code = 6
    http_status = 409


class InputError(KhabarError):
    """A user-supplied argument (path, id, option) cannot be used."""

    code = "E006"
    exit_code = 2
    http_status = 400
