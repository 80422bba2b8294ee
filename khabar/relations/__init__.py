"""Relations between articles: copies, rewrites, reports of the same story, and source groups.

Modules, in the order data flows through them:

* ``text``: words, shingles, sentences and key terms (pure, language-agnostic);
* ``embed`` / ``minilm``: sentence embeddings (WordLlama, MiniLM on numpy, multilingual e5), loaded lazily;
* ``fingerprints``: MinHash, document vector, key terms and lede vector of an article;
* ``index``: candidate pairs from MinHash-LSH, rare shared key terms and lede vectors;
* ``align``: sentence alignment with coverage and order;
* ``classify``: copy / rewrite / same-story / unrelated, score, evidence and direction;
* ``compare``: model choice per pair (languages) and the embedding cache;
* ``groups``: source groups over copy and rewrite links;
* ``stage``: the ingest stage "relations"; ``lineage``: groups as a typed value.
"""

from __future__ import annotations

from .values import (
    ArticleRef,
    ArticleView,
    Comparison,
    Fingerprint,
    Lineage,
    LineageEdge,
    Relation,
    SentencePair,
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
    "RelationStage",
]


def __getattr__(name: str):
    # The stage pulls in the index and models' code; import it only when asked for.
    if name == "RelationStage":
        from .stage import RelationStage

        return RelationStage
    raise AttributeError(name)
