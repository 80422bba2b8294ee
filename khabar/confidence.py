"""Confidence of extracted values, from measured rule precision and the agreement of sources.

Every value khabar states comes from a rule family (a perpetrator named as the subject of the act,
one that claimed, a fact about the founding year ...). The precision of each family is measured
on development data written by others (``python -m eval.acled --half tuning --fit`` writes the
perpetrator families, measured on the tuning half of ACLED 2020; fact attributes are measured on
``eval/gold/events``) and kept in ``khabar/data/confidence.toml``. A value stated by ``n``
independent source groups, each through a rule of precision ``p``, gets ``1 - (1 - p) ** n``
(capped at 0.99): sources that copy one another count once. Values below the ``min_confidence``
setting are not shown as facts; the dossier lists them under "uncertain" with the reason.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

__all__ = ["perpetrator_rule", "rule_precision", "combined", "perpetrator_confidence", "fact_confidence"]

_FORCE_WORDS = frozenset(
    {
        "forces",
        "force",
        "troops",
        "army",
        "soldiers",
        "police",
        "military",
        "officers",
        "commandos",
        "guards",
        "personnel",
        "militia",
        "militiamen",
        "navy",
        "gendarmes",
        "policemen",
    }
)
DEFAULT = 0.5  # a rule never measured: as likely wrong as right


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, float]]:
    raw = tomllib.loads(resources.files("khabar").joinpath("data/confidence.toml").read_text("utf-8"))
    return {kind: {k: float(v) for k, v in values.items()} for kind, values in raw.items()}


def perpetrator_rule(status: str, name: str, entity_id: str | None) -> str:
    """The rule family of a perpetrator: its status and whether it is a registry actor, another
    named actor, or a named force ("Turkish forces")."""
    words = name.lower().split()
    if (entity_id or "").startswith("actor:"):
        kind = "registry"
    elif words and words[-1] in _FORCE_WORDS:
        kind = "force"
    else:
        kind = "named"
    return f"{status}_{kind}"


def rule_precision(kind: str, rule: str) -> float:
    """Measured precision of a rule family (``kind`` is "perpetrator" or "fact")."""
    return _table().get(kind, {}).get(rule, DEFAULT)


def combined(precision: float, groups: int) -> float:
    """Confidence of a value stated by ``groups`` independent source groups through one rule."""
    return round(min(0.99, 1 - (1 - precision) ** max(1, groups)), 3)


def perpetrator_confidence(status: str, name: str, entity_id: str | None, groups: int) -> float:
    """Confidence that the actor is rightly named with that status for the event."""
    return combined(rule_precision("perpetrator", perpetrator_rule(status, name, entity_id)), groups)


def fact_confidence(attribute: str, groups: int) -> float:
    """Confidence of a fact value stated by ``groups`` independent source groups."""
    return combined(rule_precision("fact", attribute), groups)
