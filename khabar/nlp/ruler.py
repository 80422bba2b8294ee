"""An entity ruler fed from the registry, placed before spaCy's statistical NER.

The small English model misreads rare names ("Islamic State-Khorasan Province" split, "ISKP" in
parentheses missed, provinces read as people). Rules from the registry fix those: long names match
case-insensitively (``LOWER``), acronyms and short names match exactly (``ORTH``) so that the alias
"IS" never matches the verb "is". Each match carries ``ent_id`` = the registry id.
"""

from __future__ import annotations

from ..names import is_acronym
from ..registry import load_registry

__all__ = ["add_ruler", "registry_patterns"]


def registry_patterns() -> tuple[list[dict], list[dict]]:
    """(case-insensitive patterns, exact-case patterns) for every registry name."""
    registry = load_registry()
    loose: list[dict] = []
    exact: list[dict] = []
    entries = [(f"actor:{a.id}", "ORG", a.names) for a in registry.actors]
    entries += [(f"person:{p.id}", "PERSON", p.names) for p in registry.people]
    # Names several actors share ("al-Shabaab", "Taliban") are names all the same; resolution
    # decides which actor by context (entities.py), so they carry no id.
    entries += [("", "ORG", a.ambiguous_aliases) for a in registry.actors]
    for ent_id, label, names in entries:
        for name in dict.fromkeys(names):
            pattern = {"label": label, "pattern": name, **({"id": ent_id} if ent_id else {})}
            (exact if is_acronym(name) or len(name) <= 4 else loose).append(pattern)
    return loose, exact


def add_ruler(nlp) -> None:
    """Add the two registry rulers before "ner" (no-op when they are already there)."""
    _add_place_fixer(nlp)
    if "khabar_names" in nlp.pipe_names:
        return
    loose, exact = registry_patterns()
    if not loose and not exact:
        return
    before = "ner" if "ner" in nlp.pipe_names else None
    ruler = nlp.add_pipe("entity_ruler", name="khabar_names", before=before,
                         config={"phrase_matcher_attr": "LOWER", "overwrite_ents": False})
    ruler.add_patterns(loose)
    exact_ruler = nlp.add_pipe("entity_ruler", name="khabar_acronyms", before=before,
                               config={"overwrite_ents": False})
    exact_ruler.add_patterns(exact)


def _add_place_fixer(nlp) -> None:
    """The gazetteer's place-name fixer after "ner" (``gazetteer.py``; issue 4)."""
    from .gazetteer import COMPONENT

    if COMPONENT not in nlp.pipe_names and "ner" in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, after="ner")
