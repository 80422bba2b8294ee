"""The demo-KB review (issue 10): every fact the ISKP, Islamic State and al-Shabaab dossiers show must be stated
by the sentence it cites, as a reader of that sentence would check it. (The demo corpus has no
article naming IS-Somalia, so its dossier cannot be reviewed here.)"""

from __future__ import annotations

import re

import pytest
from unidecode import unidecode

import khabar
from khabar.names import name_key

_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def _plain(text: str) -> str:
    """Lower-case ASCII, no thousands commas, "10 million" written out as 10000000."""
    text = re.sub(r"\s+", " ", unidecode(text).lower().replace(",", ""))
    return re.sub(r"(\d+(?:\.\d+)?) (thousand|million|billion)\b", lambda m: str(int(float(m[1]) * _SCALE[m[2]])), text)


def _stated(value: str, sentence: str) -> bool:
    """The value's words (numbers without thousands commas) all occur in the sentence."""
    words = [w for w in re.findall(r"[a-z0-9]+", _plain(value)) if w not in ("for", "of", "the", "and")]
    text = _plain(sentence)
    return bool(words) and all(re.search(rf"\b{re.escape(w)}", text) for w in words)


@pytest.mark.parametrize("name", ["ISKP", "Islamic State", "al-Shabaab"])
def test_every_shown_fact_is_in_its_cited_sentence(demo_db, name):
    dossier = khabar.who(name, db=demo_db)
    wrong = []
    for item in dossier.facts + dossier.relations:
        for v in item.values:
            if not any(_stated(v.display, c.text) for c in v.citations):
                wrong.append((item.attribute, v.display, v.citations[0].text[:160]))
    assert not wrong, wrong


@pytest.mark.parametrize("name", ["ISKP", "Islamic State", "al-Shabaab"])
def test_every_shown_attack_names_the_actor_in_its_evidence(demo_db, name):
    dossier = khabar.who(name, db=demo_db)
    keys = {name_key(a.alias) for a in dossier.aliases} | {name_key(dossier.entity.name)}
    assert dossier.attacks, f"the demo corpus shows attacks by {name}: the loop below checks them"
    for event in dossier.attacks:
        mine = [p for p in event.perpetrators if p.entity_id == dossier.entity.id and p.status != "denied"]
        assert mine, event.id
        cited = " ".join(c.text for p in mine for c in p.citations)
        assert any(k and k in name_key(cited) for k in keys) or re.search(r"(?i)\b(it|the group|they)\b", cited), (
            event.id,
            cited[:200],
        )
