"""The dossier: store -> :class:`Dossier` for "Who is X?" (no SQL, no formatting here)."""

from __future__ import annotations

import re

from .clean import normalise_text
from .entities import registry_links, registry_name
from .lookup import best_entity
from .models import Citation, Dossier, EntityLink, EntityRef, Event, ProfileFact, Uncertain
from .settings import Settings
from .store import Store
from .store.entities import MentionSentence

__all__ = ["build_dossier", "rank_evidence", "hold_back"]

# Words that mark a sentence as saying something about an actor rather than merely naming it.
_INFORMATIVE = re.compile(
    r"\b(is|was|are|were) (a|an|the)\b|\b(founded|formed|established|emerged|known as|also called|led by|leader|"
    r"chief|head|based in|stronghold|affiliate|branch|faction|splinter|linked|allied|rival|claimed|responsib|"
    r"blamed|attributed|carried out|attack|bomb|killed|kidnapp|fighters|designated|bounty|reward)",
    re.I,
)


def build_dossier(store: Store, name: str, *, settings: Settings) -> Dossier:
    """Find the entity ``name`` names (id or name: :mod:`khabar.lookup`) and gather its dossier (once
    per commit for all the web app's threads: ``store/shared.py``)."""
    return store.cached(("dossier", name, settings), lambda: _gather(store, name, settings))


def _gather(store: Store, name: str, settings: Settings) -> Dossier:
    entity, candidates = best_entity(store, name)
    articles, outlets = store.entity_reach(entity.id)
    evidence = rank_evidence(store.mention_sentences(entity.id), limit=settings.evidence_limit)
    return Dossier(
        query=name,
        entity=entity,
        aliases=tuple(store.alias_support(entity.id)),
        articles=articles,
        outlets=outlets,
        source_groups=store.source_group_count(store.entity_article_ids(entity.id)),
        neighbours=tuple(store.neighbours(entity.id, limit=settings.neighbour_limit)),
        evidence=tuple(evidence),
        candidates=candidates,
        links=tuple(entity_links(store, entity.id)),
        place=store.place(entity.id),
        conflicts=tuple(store.alias_conflicts(entity.id)),
        **_profile_fields(store, entity.id, settings),
    )


def _profile_fields(store: Store, entity_id: str, settings: Settings) -> dict:
    """The full-dossier parts from events and facts (khabar.profile): facts, relations, attacks, ..."""
    from .profile import build_profile

    p = build_profile(store, entity_id, window_days=settings.event_window_days)
    facts, relations, attacks, uncertain = hold_back(
        p.facts, p.relations, p.attacks, entity_id, min_confidence=settings.min_confidence
    )
    return {
        "facts": facts,
        "relations": relations,
        "attacks": attacks,
        "disputes": p.disputes,
        "questions": p.questions,
        "uncertain": uncertain,
    }


def hold_back(facts, relations, attacks, entity_id: str, *, min_confidence: float):
    """Split what clears ``min_confidence`` from what does not: (facts, relations, attacks, uncertain).

    A fact or relation value below the threshold, and an attack whose link to the actor (its best
    claimed / attributed / suspected responsibility) is below it, go to ``uncertain`` with the reason.
    """
    uncertain: list[Uncertain] = []

    def split(items: tuple[ProfileFact, ...], kind: str) -> tuple[ProfileFact, ...]:
        kept = []
        for item in items:
            shown = tuple(v for v in item.values if v.confidence >= min_confidence)
            for v in item.values:
                if v.confidence < min_confidence:
                    uncertain.append(
                        Uncertain(
                            f"{kind}: {item.attribute}",
                            v.display,
                            v.confidence,
                            f"confidence {v.confidence:.2f} < min_confidence {min_confidence:.2f} (rule precision for "
                            f"{item.attribute}, {v.source_groups} independent source group(s))",
                            v.citations,
                        )
                    )
            if shown:
                kept.append(ProfileFact(item.attribute, shown))
        return tuple(kept)

    kept_attacks: list[Event] = []
    for event in attacks:
        own = [p for p in event.perpetrators if p.status != "denied" and p.entity_id == entity_id] or [
            p for p in event.perpetrators if p.status != "denied"
        ]
        best = max(own, key=lambda p: p.confidence, default=None)
        if best is None or best.confidence >= min_confidence:
            kept_attacks.append(event)
            continue
        label = f"{event.type.replace('_', ' ')} in {event.place or 'an unnamed place'}"
        if event.date and event.date.value:
            label += f" ({event.date.value})"
        uncertain.append(
            Uncertain(
                "attack: perpetrator",
                f"{label}: {best.name} ({best.status})",
                best.confidence,
                f"confidence {best.confidence:.2f} < min_confidence {min_confidence:.2f} (measured precision of "
                f"'{best.status}' links of this kind, {best.source_groups} independent source group(s))",
                best.citations,
            )
        )
    return split(facts, "fact"), split(relations, "relation"), tuple(kept_attacks), tuple(uncertain)


def entity_links(store: Store, entity_id: str) -> list[EntityLink]:
    """Registry links of the entity (parent, affiliates, allies, rivals, roles), most-mentioned first."""
    record = store.entity_record(entity_id)
    out = []
    for relation, other, note in registry_links(record.registry_id if record else None):
        known = store.entity(other)
        named = registry_name(other)
        if known is None and named is None:
            continue
        ref = known or EntityRef(other, named[0], named[1])  # type: ignore[index]
        out.append(EntityLink(relation, ref, "registry", store.entity_reach(other)[0], note))
    return sorted(out, key=lambda link: (-link.articles, link.relation, link.entity.name))


def rank_evidence(sentences: list[MentionSentence], *, limit: int) -> list[Citation]:
    """The sentences that say most about the entity: informative, lead-heavy, one per wording."""
    scored = sorted(sentences, key=_score, reverse=True)
    chosen: list[Citation] = []
    seen_texts: set[str] = set()
    per_article: dict[str, int] = {}
    for item in scored:
        key = normalise_text(item.citation.text)
        if key in seen_texts or per_article.get(item.citation.article_id, 0) >= 2:
            continue
        seen_texts.add(key)
        per_article[item.citation.article_id] = per_article.get(item.citation.article_id, 0) + 1
        chosen.append(item.citation)
        if len(chosen) >= limit:
            break
    return chosen


def _score(item: MentionSentence) -> tuple[float, str]:
    words = len(item.citation.text.split())
    score = 2.0 * item.entity_mentions + 0.5 * min(item.other_names, 4)
    score += 1.5 * len(_INFORMATIVE.findall(item.citation.text))
    score += 1.0 / (1 + item.sentence)  # lead sentences carry the news
    if words < 6 or words > 60:
        score -= 2.0
    return score, item.citation.article_id
