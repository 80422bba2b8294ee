"""Within-article grouping of name mentions ("in-document coreference" of names only).

Mentions of the same name, and its obvious short forms, form one group per article:

* the same name up to case, punctuation, "the" and possessive ("the Taliban's" = "Taliban");
* an alias stated in the text right after a name: "Islamic State Khorasan Province (ISKP)",
  "(ISKP or IS-K)", ", also known as IS-K"; the alias becomes a mention if spaCy missed it;
* an acronym equal to the initials of a longer name in the article ("TTP" = "Tehrik-i-Taliban
  Pakistan");
* a bare surname after a full name ("Haqqani" after "Sirajuddin Haqqani"): a full name with that
  last word in the same or the previous sentence wins, else the article's subject (the full name
  used most often, then first), so two Haqqanis in one article stay apart.

Each mention's ``cluster`` is the group's canonical form: its longest non-acronym name.
"""

from __future__ import annotations

import re
from collections import Counter

from ..models import Mention
from ..names import ENTITY_LABELS, display_name, initials, is_acronym, label_class, name_key

__all__ = ["group_mentions", "stated_aliases"]

# "(ISKP)", "(ISKP or IS-K)", "(also known as IS-K)", ", also known as IS-K," right after a name.
_AFTER_NAME = re.compile(
    r"\s*(?:\(\s*(?:also (?:known|called) as |formerly(?: known as)? |a\.?k\.?a\.? |or )?(?P<paren>[^()]{2,60}?)\s*\)"
    r"|,?\s+(?:also (?:known|called) as|a\.?k\.?a\.?|formerly(?: known as)?|which calls itself|known locally as)\s+"
    r"(?P<free>(?:the )?[A-Z][\w'’\-]*(?:\s+(?:[A-Z][\w'’\-]*|al|of|the|wal|ul|e|i|-))*"
    r"(?:\s*(?:,|or)\s*(?:the )?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)*))"
)
_ALT_SPLIT = re.compile(r"\s*(?:,|\bor\b|/)\s*")
_NAME_LIKE = re.compile(r"^[A-Z0-9][\w'’\-. ]*$")

RawMention = tuple[int, int, str, str, int, str]  # start, end, text, label, sentence, ent_id


def stated_aliases(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Aliases stated right after the name at text[start:end], as (start, end, alias) spans.

    Statements chain: "Islamic State Khorasan Province (ISKP), also known as ISIS-K or IS-K" gives
    ISKP, ISIS-K and IS-K.
    """
    spans: list[tuple[int, int, str]] = []
    pos = end
    for _ in range(3):
        match = _AFTER_NAME.match(text, pos)
        if not match:
            break
        group = "paren" if match.group("paren") else "free"
        spans.extend(_alias_pieces(match.group(group), match.start(group)))
        pos = match.end()
    return spans


def _alias_pieces(chunk: str, base: int) -> list[tuple[int, int, str]]:
    spans = []
    pos = 0
    for piece in _ALT_SPLIT.split(chunk):
        idx = chunk.find(piece, pos)
        pos = idx + len(piece)
        alias = piece.strip()
        if alias.lower().startswith("the "):
            alias = alias[4:]
        if not alias or not _NAME_LIKE.match(alias) or len(alias.split()) > 6 or _relation_words(alias):
            continue
        lead = piece.find(alias)
        s = base + idx + lead
        spans.append((s, s + len(alias), alias))
    return spans


# A relation is a link, never an alias: "ISKP (Islamic State affiliate)", "(IS splinter)",
# "(AQI successor)" name another group and how this one relates to it (issue 14).
_RELATION_WORDS = frozenset(
    {
        "affiliate",
        "affiliated",
        "affiliates",
        "branch",
        "offshoot",
        "splinter",
        "faction",
        "wing",
        "successor",
        "predecessor",
        "rival",
        "rivals",
        "ally",
        "allies",
        "allied",
        "linked",
        "franchise",
        "cell",
        "arm",
        "loyal",
        "loyalist",
        "loyalists",
        "aligned",
        "breakaway",
    }
)


def _relation_words(alias: str) -> bool:
    words = re.split(r"[\s\-]+", alias.lower().replace("’", "'"))
    return any(w.removesuffix("'s") in _RELATION_WORDS for w in words) or "'s " in alias.lower()


_PAREN_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z]*(?:-[A-Z][A-Za-z]*)*)\s*(?:\bor\b|,|\))")
_CAP_WORD = re.compile(r"[A-Z][\w'’]*(?:-[\w'’]+)*|of|the|al|ul|wal|and|e|i|-")
_DATELINE = re.compile(r"^([A-Z][A-Z .'-]{2,40}?)(?:,[^—–\-]{0,40})?\s*[—–-]{1,2}\s")


def group_mentions(text: str, raw: list[RawMention]) -> list[Mention]:
    """Group an article's mentions; returns Mentions in text order with their cluster set."""
    mentions = sorted(_fix_dateline(text, raw), key=lambda m: (m[0], -m[1]))
    names = [m for m in mentions if m[3] in ENTITY_LABELS]
    others = [m for m in mentions if m[3] not in ENTITY_LABELS]
    names = _expand_before_acronyms(text, names)
    names, links = _add_stated(text, names)
    names = _propagate_aliases(text, names, links)
    parent = list(range(len(names)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(j)] = find(i)

    for i, j in links:
        union(i, j)
    _link_same_key(names, union)
    _link_acronyms(names, union)
    _link_surnames(names, union)
    clusters: dict[int, list[int]] = {}
    for i in range(len(names)):
        clusters.setdefault(find(i), []).append(i)
    result: list[Mention] = []
    for members in clusters.values():
        canonical, label = _canonical([names[i] for i in members])
        for i in members:
            s, e, t, _, sent, ent_id = names[i]
            result.append(Mention(s, e, t, label, sent, canonical, ent_id))
    result.extend(Mention(s, e, t, lab, sent, display_name(t), ent_id) for s, e, t, lab, sent, ent_id in others)
    return sorted(result, key=lambda m: (m.start, m.end))


def _fix_dateline(text: str, raw: list[RawMention]) -> list[RawMention]:
    """An upper-case dateline ("KABUL —") names a place, whatever label spaCy gave it."""
    match = _DATELINE.match(text)
    if not match:
        return raw
    return [
        (s, e, t, "GPE" if s < match.end(1) and t.isupper() and label in ("ORG", "PERSON", "NORP") else label, n, i)
        for s, e, t, label, n, i in raw
    ]


def _expand_before_acronyms(text: str, names: list[RawMention]) -> list[RawMention]:
    """ "Islamic State Khorasan Province (ISKP)": make the title-case run whose initials spell the
    acronym one mention, even when spaCy split it or missed it."""
    out = list(names)
    for match in _PAREN_ACRONYM.finditer(text):
        key = name_key(match.group(1))
        words = [w for w in _CAP_WORD.finditer(text, max(0, match.start() - 120), match.start())]
        run = _trailing_run(text, words, match.start())
        for k in range(len(run) - 1, -1, -1):
            start, end = run[k].start(), run[-1].end()
            if run[k].group()[0].isupper() and initials(text[start:end]) == key:
                out = _replace_span(out, start, end, text[start:end])
                break
    return out


def _trailing_run(text: str, words: list, stop: int) -> list:
    """The words directly before ``stop`` separated only by spaces/hyphens (a name-like run)."""
    run: list = []
    pos = stop
    for w in reversed(words):
        gap = text[w.end() : pos]
        if gap.strip(" -") or len(gap) > 2:
            break
        run.insert(0, w)
        pos = w.start()
    while run and not run[0].group()[0].isupper():
        run.pop(0)
    return run


def _replace_span(names: list[RawMention], start: int, end: int, surface: str) -> list[RawMention]:
    inside = [m for m in names if m[0] < end and start < m[1]]
    label = next((m[3] for m in inside if label_class(m[3]) == "GROUP"), "ORG")
    sentence = inside[0][4] if inside else 0
    ent_id = next((m[5] for m in inside if m[5]), "")
    kept = [m for m in names if not (m[0] < end and start < m[1])]
    return kept + [(start, end, surface, label, sentence, ent_id)]


def _propagate_aliases(text: str, names: list[RawMention], links: list[tuple[int, int]]) -> list[RawMention]:
    """Later bare uses of a stated alias ("ISKP was founded...") become mentions too."""
    out = list(names)
    taken = [(m[0], m[1]) for m in out]
    for _, j in list(links):
        alias, label, sentence = out[j][2], out[j][3], out[j][4]
        for match in re.finditer(r"(?<![\w-])" + re.escape(alias) + r"(?![\w-])", text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            out.append((match.start(), match.end(), alias, label, sentence, ""))
            taken.append((match.start(), match.end()))
            links.append((j, len(out) - 1))
    return out


def _add_stated(text: str, names: list[RawMention]) -> tuple[list[RawMention], list[tuple[int, int]]]:
    """Add stated-alias mentions spaCy missed; return links (name index, alias index)."""
    by_span = {(m[0], m[1]): i for i, m in enumerate(names)}
    out = list(names)
    links: list[tuple[int, int]] = []
    for i, (s, e, _, label, sent, _ent_id) in enumerate(names):
        if label_class(label) not in ("GROUP", "PERSON"):
            continue
        for a_start, a_end, alias in stated_aliases(text, s, e):
            j = by_span.get((a_start, a_end))
            if j is None:
                j = _overlapping(out, a_start, a_end)
            if j is None:
                out.append((a_start, a_end, alias, label, sent, ""))
                j = len(out) - 1
                by_span[(a_start, a_end)] = j
            links.append((i, j))
    return out, links


def _overlapping(mentions: list[RawMention], start: int, end: int) -> int | None:
    for i, m in enumerate(mentions):
        if m[0] < end and start < m[1]:
            return i
    return None


def _link_same_key(names: list[RawMention], union) -> None:
    # Bare surnames are left to _link_surnames: "Haqqani" may be two different Haqqanis.
    surnames = {
        key
        for m in names
        if m[3] == "PERSON" and len(display_name(m[2]).split()) >= 2
        for key in _surname_keys(display_name(m[2]).split()[-1])
    }
    first: dict[tuple[str, str], int] = {}
    for i, (_, _, text, label, _, _) in enumerate(names):
        key = (label_class(label), name_key(text))
        if label == "PERSON" and key[1] in surnames and len(display_name(text).split()) == 1:
            continue
        if key[1]:
            union(first.setdefault(key, i), i)


def _link_acronyms(names: list[RawMention], union) -> None:
    long_forms: dict[str, int] = {}
    for i, (_, _, text, label, _, _) in enumerate(names):
        if label_class(label) == "GROUP" and not is_acronym(text) and len(text.split()) + text.count("-") >= 2:
            long_forms.setdefault(initials(text), i)
    for i, (_, _, text, label, _, _) in enumerate(names):
        if label_class(label) == "GROUP" and is_acronym(text):
            j = long_forms.get(name_key(text))
            if j is not None and len(name_key(text)) >= 2:
                union(j, i)


_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ul|ad|ar|as|ash|at|az|an)[-‐]", re.I)


def _surname_keys(word: str) -> set[str]:
    """Keys a bare surname may take: "al-Baghdadi" is also "Baghdadi"."""
    return {name_key(word), name_key(_ARTICLE_PREFIX.sub("", word))} - {""}


def _link_surnames(names: list[RawMention], union) -> None:
    full: list[tuple[int, str, int]] = []  # (position, last word key, index)
    for i, (s, _, text, label, _, _) in enumerate(names):
        words = display_name(text).split()
        if label == "PERSON" and len(words) >= 2:
            full.extend((s, key, i) for key in _surname_keys(words[-1]))
    for i, (s, _, text, label, _, _) in enumerate(names):
        words = display_name(text).split()
        if label != "PERSON" or len(words) != 1:
            continue
        key = name_key(words[0])
        same = [f for f in full if f[1] == key]
        recent = [f for f in same if f[0] < s and names[i][4] - names[f[2]][4] <= 1]
        if same:
            union((recent[-1] if recent else _subject(same, names))[2], i)


def _subject(same: list[tuple[int, str, int]], names: list[RawMention]) -> tuple[int, str, int]:
    """Of several full names sharing a surname, the article's subject: the one named most often,
    then first. News style names relatives in full and the subject by surname ("Khalil Haqqani ...
    his nephew Sirajuddin Haqqani ... Haqqani was killed": Khalil; issue 4)."""
    counts = Counter(name_key(names[f[2]][2]) for f in same)
    return max(same, key=lambda f: (counts[name_key(names[f[2]][2])], -f[0]))


def _canonical(members: list[RawMention]) -> tuple[str, str]:
    """The group's canonical name (longest non-acronym form) and majority label."""
    labels = Counter(m[3] for m in members)
    if labels.get("PERSON") and any(len(display_name(m[2]).split()) >= 2 for m in members if m[3] == "PERSON"):
        label = "PERSON"
    else:
        label = labels.most_common(1)[0][0]
    forms = [display_name(m[2]) for m in members]
    words = [f for f in forms if not is_acronym(f)] or forms
    return max(words, key=lambda f: (len(f), -forms.index(f))), label
