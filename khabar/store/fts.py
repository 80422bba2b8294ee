"""User search text -> a safe SQLite FTS5 query: phrases, OR, NOT and prefixes, everything else quoted.

Accepted: ``"suicide bomber"`` (a phrase), ``kabul OR kunduz``, ``NOT drone`` or ``-drone``, ``bomb*``
(a prefix; plain words are prefixes too, so "bomb" finds "bombing"). Words next to each other must
all occur. Every term reaches FTS5 inside double quotes, so column filters, NEAR, ``^`` and stray
quotes or brackets in the input are text, never syntax (no query can make SQLite raise).
"""

from __future__ import annotations

import re

__all__ = ["fts_query", "tsquery_of"]

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD = re.compile(r"\w+", re.UNICODE)


def _term(token: str) -> str | None:
    """One token as a quoted FTS5 term: a phrase, or words with a prefix star; None when nothing is left."""
    if token.startswith('"'):
        words = _WORD.findall(token)
        return '"' + " ".join(words) + '"' if words else None
    words = _WORD.findall(token)
    if not words:
        return None
    if len(words) == 1:
        return f'"{words[0]}"*'
    return '"' + " ".join(words) + '"'  # "al-Qaeda" -> the phrase "al Qaeda"


def fts_query(text: str) -> str | None:
    """The FTS5 MATCH expression for ``text``, or None when it asks for nothing."""
    groups: list[list[str]] = []  # AND of ORs
    negated: list[str] = []
    pending_or = pending_not = False
    for token in _TOKEN.findall(text):
        if token == "OR":
            pending_or = bool(groups)
            continue
        if token == "NOT":
            pending_not = True
            continue
        negative = pending_not or (token.startswith("-") and len(token) > 1)
        term = _term(token[1:] if token.startswith("-") and len(token) > 1 else token)
        if term is None:
            continue
        if negative:
            negated.append(term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = pending_not = False
    if not groups:
        return None  # FTS5 cannot search for "not X" alone
    positive = " AND ".join("(" + " OR ".join(g) + ")" if len(g) > 1 else g[0] for g in groups)
    return positive + "".join(f" NOT {t}" for t in negated)


_FTS_PART = re.compile(r'"([^"]*)"(\*?)|\(|\)|\bAND\b|\bOR\b|\bNOT\b')


def tsquery_of(match: str) -> str:
    """The PostgreSQL tsquery (``simple`` configuration) for an expression made by :func:`fts_query`:
    a quoted word with a star is a prefix (``w:*``), a quoted phrase is words in sequence (``<->``)."""
    out: list[str] = []
    for m in _FTS_PART.finditer(match):
        token = m.group(0)
        if m.group(1) is not None:
            words = [w.lower() for w in _WORD.findall(m.group(1))] or ["_"]
            term = " <-> ".join(words) + (":*" if m.group(2) else "")
            out.append("(" + term + ")" if len(words) > 1 else term)
        else:
            out.append({"AND": "&", "OR": "|", "NOT": "& !"}.get(token, token))
    return " ".join(out)
