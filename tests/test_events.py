"""Attack events from sentences, event coreference across articles, tolls and conflicts.

Real spaCy pipeline, real SQLite files; every text here was written for these tests.
"""

from __future__ import annotations

import pytest

import khabar
from khabar.events import extract_events, read_clues
from khabar.events.sentences import Name
from khabar.nlp import analysis_of, load_pipeline
from khabar.settings import load_settings
from tests.conftest import write_article

NAMED = ("PERSON", "ORG", "NORP", "GPE", "LOC", "FAC")


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(load_settings().spacy_model)


def events_of(nlp, text: str, published: str = "2022-05-13"):
    doc = nlp(text)
    analysis = analysis_of("test", doc)
    names = [Name(m.start, m.end, m.text, m.label, None, m.cluster) for m in analysis.mentions if m.label in NAMED]
    return extract_events(doc, names, article_id="test", published=published)


def test_a_bombing_with_figures_date_place_and_claim(nlp):
    text = (
        "JALALABAD — A bomb hidden in a fruit cart exploded in a crowded market in Jalalabad on Thursday, "
        "killing at least 12 people and wounding more than 30, provincial officials said. "
        "The Islamic State Khorasan Province said in a statement that its fighters had carried out the attack."
    )
    [event] = events_of(nlp, text, "2022-05-13")  # a Friday
    assert event.type == "bombing"
    assert (event.date.value, event.date.precision) == ("2022-05-12", "day")
    assert event.place == "Jalalabad"
    assert (event.killed.value, event.killed.qualifier, event.killed.text) == (12, "at_least", "at least 12")
    assert (event.injured.value, event.injured.qualifier) == (30, "more_than")
    assert [(p.name, p.status) for p in event.perpetrators] == [("Islamic State Khorasan Province", "claimed")]
    assert text[event.start : event.end].startswith("JALALABAD")


def test_suicide_bombing_is_the_more_specific_type(nlp):
    [event] = events_of(
        nlp, "A suicide bomber blew himself up at a police checkpoint on Monday, killing four officers."
    )
    assert event.type == "suicide_bombing"
    assert event.killed.value == 4
    assert event.target == "police"


def test_attribution_by_officials_and_denial(nlp):
    text = (
        "Gunmen stormed a hotel in the capital on Tuesday and killed nine guests. "
        "The interior minister blamed the Revolutionary Front for the attack. "
        "A spokesman for the Revolutionary Front denied that the group was behind the attack."
    )
    [event] = events_of(nlp, text)
    statuses = {(p.name, p.status) for p in event.perpetrators}
    assert ("Revolutionary Front", "attributed") in statuses
    assert ("Revolutionary Front", "denied") in statuses
    blamed = next(p for p in event.perpetrators if p.status == "attributed")
    assert "minister" in blamed.source


def test_suspicion_is_not_attribution(nlp):
    text = (
        "A car bomb killed six soldiers near the border on Sunday. Officials said they suspected the Northern Brigade."
    )
    [event] = events_of(nlp, text)
    assert [(p.name, p.status) for p in event.perpetrators] == [("Northern Brigade", "suspected")]


@pytest.mark.parametrize(
    "text",
    [
        "Police defused a bomb found near the market on Friday, and nobody was hurt.",
        "No one was killed.",
        "The device could have killed hundreds of people had it exploded.",
        "Had the roof held, the toll would have been far lower.",
        "The group threatened to bomb the ministry.",
    ],
)
def test_negated_foiled_and_hypothetical_acts_create_no_event(nlp, text):
    assert events_of(nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The group has an estimated 3,000 fighters and the United States offers $5 million for its leader, 48.",
        "The town, home to about 200,000 people, was founded in 1894.",
        "Martial law was declared for 60 days, and 7 percent of the residents had left by 2019.",
    ],
)
def test_numbers_that_are_not_casualties_never_become_tolls(nlp, text):
    clues = read_clues(nlp(text), [], published="2022-05-13")
    assert all(not c.killed and not c.injured for c in clues)
    assert events_of(nlp, text) == []


def test_counts_of_two_victim_groups_add_up(nlp):
    [event] = events_of(nlp, "The explosion killed 13 soldiers and about 170 civilians on Thursday.")
    assert (event.killed.value, event.killed.qualifier) == (183, "about")


def test_a_state_strike_is_outside_the_schema(nlp):
    assert events_of(nlp, "A US drone strike in the province killed two militants on Saturday.") == []


def test_a_past_event_with_its_own_date_is_a_separate_event(nlp):
    text = (
        "A bomb exploded outside a school in the city on Monday, killing three children. "
        "In 2017 a truck bomb at the same junction killed more than 500 people."
    )
    events = events_of(nlp, text, "2022-05-13")
    assert len(events) == 2
    assert events[0].killed.value == 3
    assert (events[1].date.value, events[1].date.precision, events[1].killed.qualifier) == (
        "2017-01-01",
        "year",
        "more_than",
    )


def test_a_toll_update_joins_the_event_it_updates(nlp):
    text = (
        "A bomb tore through a market on 14 October, killing 40 people. "
        "By Monday, two days after the blast, the count had passed 60."
    )
    events = events_of(nlp, text, "2017-12-03")
    assert len(events) == 1
    assert events[0].killed.value == 40


# --- across articles ---------------------------------------------------------------------------


def _ingest_story(folder, db):
    folder.mkdir()
    write_article(
        folder,
        "first.txt",
        """
KARAK — A car bomb exploded outside the main bus station in Karak on Wednesday, killing at least 14
people and wounding dozens, police said. No group has said it carried out the attack.
""",
        title="Car bomb at Karak bus station",
        outlet="Frontier Wire",
        published="2022-03-09T18:00",
    )
    write_article(
        folder,
        "second.txt",
        """
KARAK — The number of people killed by Wednesday's car bombing at the Karak bus station has risen to 31,
hospital officials said on Thursday. The Mountain Lions Front said in a statement that it had carried out
the bombing.
""",
        title="Karak bombing toll rises to 31",
        outlet="Hill Gazette",
        published="2022-03-10T12:00",
    )
    write_article(
        folder,
        "third.txt",
        """
KARAK — Officials lowered the toll from last week's car bombing at the Karak bus station to 27 on Monday,
saying some victims had been counted twice. The government blamed the Valley Liberation Army for the bombing.
""",
        title="Karak toll revised down to 27",
        outlet="Plains Courier",
        published="2022-03-14T09:00",
    )
    write_article(
        folder,
        "other.txt",
        """
KARAK — Gunmen shot dead two shopkeepers in a village outside Karak on 20 January, police said. The
attack came weeks after a series of threats against traders in the area.
""",
        title="Two shopkeepers shot near Karak",
        outlet="Frontier Wire",
        published="2022-01-21T08:00",
    )
    report = khabar.ingest([folder], db=db)
    assert report.added == 4


def test_reports_of_one_event_merge_with_a_toll_series_and_conflicts(tmp_path):
    db = tmp_path / "kb.db"
    _ingest_story(tmp_path / "in", db)
    events = khabar.events(db=db)
    bus = next(e for e in events if e.date and e.date.value == "2022-03-09")
    assert bus.articles == 3 and bus.source_groups == 3
    assert [p.figure.value for p in bus.killed.series] == [14, 31, 27]
    assert (bus.killed.low, bus.killed.high, bus.killed.latest.figure.value) == (14, 31, 27)
    kinds = {c.kind: c for c in bus.conflicts}
    assert "toll_killed" in kinds and "revised down from 31 to 27" in kinds["toll_killed"].note
    assert "responsibility" in kinds
    statuses = {(p.name, p.status) for p in bus.perpetrators}
    assert ("Mountain Lions Front", "claimed") in statuses and ("Valley Liberation Army", "attributed") in statuses
    shooting = next(e for e in events if e is not bus)
    assert shooting.articles == 1 and shooting.type == "armed_assault"


def test_event_filters(tmp_path):
    db = tmp_path / "kb.db"
    _ingest_story(tmp_path / "in", db)
    assert len(khabar.events(db=db, since="2022-03-01")) == 1
    assert len(khabar.events(db=db, since="2021")) == 2
    assert len(khabar.events(db=db, actor="Mountain Lions Front")) == 1
    assert khabar.events(db=db, actor="Nobody In Particular") == []
    assert len(khabar.events(db=db, place="Karak")) == 2
    with pytest.raises(khabar.InputError):
        khabar.events(db=db, since="last spring")


def test_a_note_on_an_event_is_recorded_against_its_id(tmp_path):
    db = tmp_path / "kb.db"
    _ingest_story(tmp_path / "in", db)
    event = khabar.events(db=db)[0]
    edit = khabar.note(event.id, "check the toll", db=db, analyst="tester")
    assert (edit.action, edit.entity_id, edit.reason) == ("note", event.id, "check the toll")
    with pytest.raises(khabar.NotFound):
        khabar.note("ev:no-such-event", "x", db=db, analyst="tester")


def test_reingesting_changes_nothing(tmp_path):
    db = tmp_path / "kb.db"
    _ingest_story(tmp_path / "in", db)
    before = khabar.events(db=db)
    report = khabar.ingest([tmp_path / "in"], db=db)
    assert report.added == 0
    assert khabar.events(db=db) == before


# --- the demo corpus (examples/corpus) ---------------------------------------------------------


def test_demo_rising_toll_mogadishu_2017_is_one_event(demo_db):
    [event] = [e for e in khabar.events(db=demo_db, place="Mogadishu") if e.date and e.date.value == "2017-10-14"]
    values = [p.figure.value for p in event.killed.series]
    assert values[:3] == [20, 200, 512]  # more than 20 -> more than 200 -> 512, by report time
    assert (event.killed.low, event.killed.high) == (20, 512)
    assert event.articles >= 3


def test_demo_sri_lanka_downward_revision_is_a_conflict(demo_db):
    [event] = [e for e in khabar.events(db=demo_db) if e.date and e.date.value == "2019-04-21"]
    assert event.killed.latest.figure.value == 253
    assert any(c.kind == "toll_killed" and "revised down" in c.note for c in event.conflicts)


def test_demo_peshawar_denial_and_attribution(demo_db):
    [event] = [e for e in khabar.events(db=demo_db) if e.date and e.date.value == "2023-01-30"]
    assert {"denied", "attributed"} <= {p.status for p in event.perpetrators}
    assert any(c.kind == "responsibility" for c in event.conflicts)
    assert [p.figure.value for p in event.killed.series][-1] == 84


def test_demo_kabul_airport_reports_merge_across_outlets(demo_db):
    [event] = [e for e in khabar.events(db=demo_db, place="Kabul") if e.date and e.date.value == "2021-08-26"]
    assert event.type == "suicide_bombing"
    assert event.articles >= 6
    assert event.source_groups < event.articles  # the wire copies count once


def test_demo_negations_and_hypotheticals_give_no_toll(demo_db):
    with khabar.open_kb(demo_db) as store:
        for report in store.event_reports():
            text = store.get_article(report.article_id).text
            for figure in (report.killed, report.injured):
                if figure is not None:
                    sentence = text[max(0, text.rfind(".", 0, figure.start)) : figure.end]
                    assert "could have" not in sentence and "No one" not in sentence
