"""Name normalisation shared by grouping, resolution and lookup.

``name_key`` is the case-, accent-, punctuation- and spacing-insensitive form under which names are
compared and looked up: "IS-K", "is k" and "ISK" share the key ``isk``; "al-Qaeda", "Al Qaeda" and
"al Qaeda" share ``alqaeda``. Transliteration variants (Qaeda/Qaida) are the resolver's business.
"""

from __future__ import annotations

import re

from unidecode import unidecode

__all__ = [
    "name_key",
    "variant_key",
    "display_name",
    "initials",
    "is_acronym",
    "ENTITY_LABELS",
    "label_class",
    "in_compound",
    "CONNECTIVES",
]

ENTITY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC"})
_CLASS = {"PERSON": "PERSON", "ORG": "GROUP", "NORP": "GROUP", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LEADING_THE = re.compile(r"^(the)\s+", re.I)
_POSSESSIVE = re.compile(r"['’]s?$")
_SKIP_IN_INITIALS = frozenset({"of", "the", "and", "i", "e", "ul", "wal", "wa", "fi", "for", "in", "al", "el", "a"})
_WORD_SPLIT = re.compile(r"[\s\-–]+")


def label_class(label: str) -> str:
    """Coarse class of a spaCy label: PERSON, GROUP (ORG/NORP), PLACE (GPE/LOC/FAC) or the label."""
    return _CLASS.get(label, label)


def display_name(text: str) -> str:
    """A mention's text tidied for display: whitespace collapsed, leading "the" and possessive dropped."""
    text = " ".join(text.split())
    text = _POSSESSIVE.sub("", text)
    return _LEADING_THE.sub("", text).strip(" ,.;:\"'“”()") or text


def name_key(text: str) -> str:
    """Lookup key: ASCII-folded, lower-case, punctuation and spaces removed, "the" and "'s" dropped."""
    return _NON_ALNUM.sub("", unidecode(display_name(text)).lower())


def initials(text: str) -> str:
    """Initial letters of the significant words: "Tehrik-i-Taliban Pakistan" -> "ttp"."""
    words = [w for w in _WORD_SPLIT.split(unidecode(display_name(text)).lower()) if w]
    return "".join(w[0] for w in words if w not in _SKIP_IN_INITIALS and w[0].isalnum())


def is_acronym(text: str) -> bool:
    """True for acronym-like names: "ISKP", "IS-K", "TTP", "al-Shabaab" is not one."""
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 8 and sum(c.isupper() for c in letters) >= max(2, len(letters) - 1)


# Spelling variants of transliterated names (issue 4): the same name written by different outlets.
_APOSTROPHES = re.compile(r"['’‘ʿʾ`]")
CONNECTIVES = frozenset({"the", "al", "el", "ul", "ud", "ad", "as", "ash", "at", "ar", "az", "an", "e", "i", "a", "wa"})
_VARIANT_RULES = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"^m[ou]h[ae]mm?[ae]d$", "muhammad"),  # Mohammed, Muhammad, Mohamad
        (r"ph", "f"),
        (r"q", "k"),  # Qunduz / Kunduz, Qaeda / Kaeda
        (r"ou|oo|o", "u"),  # Khorasan / Khurasan, Omar / Umar, Yousuf / Yusuf
        (r"ee|ei|ey|e|y(?=[^aeiou]|$)", "i"),  # Qaeda / Qaida, Hezbollah / Hizbollah, Sayed / Sayid
        (r"(.)\1+", r"\1"),  # Shabaab / Shabab, Haqqani / Haqani, Ghaffari / Ghafari
    )
)


def variant_key(text: str) -> str:
    """Key shared by spelling variants: "al-Qaeda", "Al Qaida" and "al-Qa'ida" -> ``kaida``.

    Drops articles and connectives ("al-", "-e-", "ul"), folds vowel and consonant alternations of
    common transliterations, collapses doubled letters. Coarser than :func:`name_key`: use it to
    find candidates, not to decide identity alone.
    """
    words = _WORD_SPLIT.split(_APOSTROPHES.sub("", unidecode(display_name(text)).lower()))
    out = []
    for word in (_NON_ALNUM.sub("", w) for w in words):
        if not word or word in CONNECTIVES:
            continue
        for pattern, repl in _VARIANT_RULES:
            word = pattern.sub(repl, word)
        out.append(word)
    return "".join(out)


_COMPOUND = frozenset({"pro", "anti"})


def in_compound(doc, start: int) -> bool:
    """The name starting at token ``start`` is the second half of "pro-X" / "anti-X"."""
    if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in _COMPOUND:
        return True
    return start >= 1 and doc[start - 1].lower_.rstrip("-") in _COMPOUND and doc[start - 1].text.endswith("-")
