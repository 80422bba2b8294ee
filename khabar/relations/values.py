"""Typed values of the relations stage (they live in :mod:`khabar.models`; re-exported here)."""

from __future__ import annotations

from ..models import (
    ArticleRef,
    ArticleView,
    Comparison,
    Fingerprint,
    Lineage,
    LineageEdge,
    Relation,
    RelationFindings,
    SentencePair,
    SentenceVector,
    SourceGroup,
)

__all__ = [
    "Relation",
    "ArticleView",
    "Fingerprint",
    "Comparison",
    "ArticleRef",
    "LineageEdge",
    "SourceGroup",
    "Lineage",
    "SentencePair",
    "SentenceVector",
    "RelationFindings",
]
