"""Perpetrators named in the plain wording of short incident reports (issue 10).

Every sentence here is written for these tests; none comes from an evaluation set.
"""

from __future__ import annotations

import pytest

from khabar.nlp import load_pipeline
from khabar.settings import load_settings
from tests.test_events import events_of


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(load_settings().spacy_model)


def _perps(events):
    return {(p.name, p.status) for e in events for p in e.perpetrators}


@pytest.mark.parametrize(
    ("text", "group", "status"),
    [
        ("On Tuesday a roadside bomb planted by al-Shabaab killed three soldiers near Afgooye.", "al-Shabaab", None),
        (
            "On Tuesday mortar rounds fired by presumed Houthi fighters killed a child in Taizz.",
            "Houthi",
            "suspected",
        ),
        ("Two farmers were found dead on Sunday, shot by Boko Haram gunmen near Konduga.", "Boko Haram", None),
    ],
)
def test_the_agent_of_a_participle_is_the_perpetrator(nlp, text, group, status):
    perps = _perps(events_of(nlp, text))
    assert any(group in name and (status is None or s == status) for name, s in perps), perps


@pytest.mark.parametrize(
    "text",
    [
        "On Tuesday a mine planted by unidentified men killed two herders near Gao.",
        "On Tuesday two soldiers were killed and three others wounded by a VBIED near Mogadishu.",
    ],
)
def test_an_unnamed_agent_or_a_device_is_no_perpetrator(nlp, text):
    assert not _perps(events_of(nlp, text))


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("On Friday Nigerien troops repelled an ISWAP attack on their base near Diffa, killing ten fighters.", "ISWAP"),
        ("A Taliban ambush on a police convoy killed four officers in Kunduz province on Friday.", "Taliban"),
    ],
)
def test_a_group_named_in_front_of_the_attack_noun(nlp, text, group):
    names = {name for name, _ in _perps(events_of(nlp, text))}
    assert any(group in n for n in names), names


@pytest.mark.parametrize(
    "text",
    [
        "On Friday soldiers killed five militants near Diffa in revenge for an ISWAP attack on a market.",
        "On Friday a mortar attack on a market killed five people in Diffa.",
        "On Friday an Islamist attack on a market killed five people in Diffa.",
    ],
)
def test_no_group_from_a_weapon_a_faith_or_an_earlier_attack(nlp, text):
    assert not _perps(events_of(nlp, text))


@pytest.mark.parametrize(
    "text",
    [
        "On Sunday, IS fighters killed two shepherds in the desert near Palmyra.",
        "On Sunday, IS militants launched a rocket attack on a base near Kirkuk, wounding two soldiers.",
    ],
)
def test_the_acronym_is_read_as_a_group_not_a_verb(nlp, text):
    names = {name for name, _ in _perps(events_of(nlp, text))}
    assert names and all(n.startswith("IS") or "Islamic State" in n for n in names), names


def test_a_claim_by_a_pair_of_groups_after_a_slash(nlp):
    text = "Boko Haram/IS said on Sunday it had killed 17 soldiers when its fighters ambushed a convoy near Damboa."
    perps = _perps(events_of(nlp, text))
    assert any("Boko Haram" in name and status == "claimed" for name, status in perps), perps


def test_a_claim_by_the_acronym_read_as_an_auxiliary(nlp):
    perps = _perps(events_of(nlp, "Last week IS claimed to have killed nine soldiers in an ambush near Rutba."))
    assert {status for _, status in perps} == {"claimed"}, perps


def test_a_remembered_attack_names_no_perpetrator(nlp):
    text = (
        "A car bomb killed nine people in Omagh on Saturday. Residents recalled the IRA bombing of the town "
        "centre decades ago."
    )
    assert not _perps(events_of(nlp, text))


@pytest.mark.parametrize(
    ("text", "force"),
    [
        ("On Monday two herders were shot dead by Malian soldiers near Mopti.", "Malian soldiers"),
        ("On Monday the military forces of Cameroon killed three civilians near Bamenda.", "forces of Cameroon"),
        ("On Monday a villager was killed by Afghan forces in a village of Wardak.", "Afghan forces"),
        (
            "On Monday, nine Taliban fighters were killed following attacks by Afghan police forces in Urozgan.",
            "Afghan police forces",
        ),
        ("On Monday an operation by Afghan special forces killed eleven Taliban fighters in Zabul.", "special forces"),
    ],
)
def test_a_named_force_as_agent_or_with_its_state_after_it(nlp, text, force):
    names = {name for name, _ in _perps(events_of(nlp, text))}
    assert any(force in n for n in names), names


@pytest.mark.parametrize(
    "text",
    [
        "On Monday a tea seller in Chittagong was beaten to death by police officers with batons.",  # no state named
        "On Monday two herders were shot dead near Mopti by unidentified armed men.",
    ],
)
def test_no_force_without_a_name(nlp, text):
    events = events_of(nlp, text)
    assert events and not _perps(events)


def test_a_force_repelling_the_attack_is_not_its_perpetrator(nlp):
    text = "On Monday, Taliban fighters stormed a checkpoint in Kunduz. Afghan forces repelled them, killing six."
    names = {name for name, _ in _perps(events_of(nlp, text))}
    assert "Taliban" in names and not any("Afghan" in n for n in names), names


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        ("Military Police officers", "Military Forces of Brazil (2019-) Military Police", True),
        ("the Gendarmerie forces", "Military Forces of Guinea (2010-) Gendarmerie", True),
        ("Gendarmerie forces", "Military Forces of Guinea (2010-)", False),
        ("Taliban", "Military Forces of Brazil (2019-) Military Police", False),
        ("Saudi-led coalition", "Military Forces of Yemen (2012-)", False),
    ],
)
def test_acled_scoring_reads_the_unit_after_the_years(ours, theirs, same):
    from eval.acled import same_actor

    assert same_actor(ours, set(), theirs) is same


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("On Friday, a boy was killed by a Taliban mortar in a village of Logar.", "Taliban"),
        ("On Friday, twelve Taliban fighters were killed by Afghan military airstrikes in Helmand.", "Afghan military"),
        (
            "On Friday, nine Taliban fighters were killed when Afghan troops repulsed their attack in Urozgan.",
            "Taliban",
        ),
        ("On Friday, a Taliban sniper shot and killed two Afghan soldiers in Zabul.", "Taliban"),
    ],
)
def test_the_owner_of_the_weapon_or_of_the_repelled_attack(nlp, text, actor):
    names = {name for name, _ in _perps(events_of(nlp, text))}
    assert actor in names, names
    if actor == "Taliban":
        assert not any("Afghan" in n for n in names), names


def test_a_device_with_no_owner_named_is_no_perpetrator(nlp):
    assert not _perps(events_of(nlp, "On Friday, a boy was killed by a roadside mortar round in a village of Logar."))
