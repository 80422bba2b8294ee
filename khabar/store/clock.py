"""Timestamps for stored rows."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["now"]


def now() -> str:
    """Current UTC time as ISO 8601, second precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
