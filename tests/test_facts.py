"""Facts about actors (khabar.facts) and their corroboration (khabar.corroborate), on real parses.

Every text here was written for these tests.
"""

from __future__ import annotations

import pytest

import khabar
from khabar.corroborate import fact_conflicts, profile_facts
from khabar.events.sentences import Name
from khabar.facts import extract_facts
from khabar.models import Citation, Fact
from khabar.nlp import analysis_of, load_pipeline
from khabar.settings import load_settings

NAMED = ("PERSON", "ORG", "NORP", "GPE", "LOC", "FAC")


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(load_settings().spacy_model)


def facts_of(nlp, text: str) -> set[tuple[str, str, str]]:
    doc = nlp(text)
    analysis = analysis_of("test", doc)
    names = [Name(m.start, m.end, m.text, m.label, None, m.cluster) for m in analysis.mentions if m.label in NAMED]
    return {(f.subject, f.attribute, f.value) for f in extract_facts(doc, names, article_id="test")}


def test_founding_year_and_its_qualifier(nlp):
    found = facts_of(nlp, "The Northern Brigade was formed in late 2009 by defectors from the army.")
    assert ("Northern Brigade", "founded", "2009") in found


def test_founding_month_is_kept(nlp):
    found = facts_of(nlp, "The Coastal Front was founded in March 2017 in the port city of Kismayo.")
    assert ("Coastal Front", "founded", "2017-03") in found


def test_leader_from_led_by(nlp):
    found = facts_of(nlp, "The attack was claimed by the Coastal Front, a group led by Yusuf Adan Hirsi.")
    assert ("Coastal Front", "leader", "yusufadanhirsi") in found


def test_the_group_refers_to_the_group_the_text_is_about(nlp):
    text = (
        "The Coastal Front claimed the ambush on Tuesday. The group was founded in 2011 and is "
        "estimated to have about 1,200 fighters."
    )
    found = facts_of(nlp, text)
    assert ("Coastal Front", "founded", "2011") in found
    assert ("Coastal Front", "strength", "1200") in found


def test_strength_range_is_a_count_not_a_toll(nlp):
    doc = nlp("The Coastal Front has an estimated 7,000 to 9,000 fighters.")
    names = [
        Name(m.start, m.end, m.text, m.label, None, m.cluster)
        for m in analysis_of("t", doc).mentions
        if m.label in NAMED
    ]
    [fact] = extract_facts(doc, names, article_id="t")
    assert (fact.attribute, fact.value, fact.high, fact.qualifier) == ("strength", "7000", 9000, "range")


def test_based_in_affiliate_and_designation(nlp):
    text = (
        "The Coastal Front, a militant group based in Somalia, is affiliated with al-Qaeda. "
        "It was designated a terrorist organisation by the United States in 2016."
    )
    found = facts_of(nlp, text)
    assert ("Coastal Front", "based_in", "somalia") in found
    assert ("Coastal Front", "affiliate_of", "alqaeda") in found
    assert ("Coastal Front", "designated_by", "unitedstates") in found


def test_bounty_in_dollars(nlp):
    text = "The United States has offered a reward of up to $7 million for information on the Coastal Front's leader."
    found = facts_of(nlp, text)
    assert any(attribute == "bounty" and value == "7000000" for _, attribute, value in found)


def test_no_fact_from_a_sentence_that_states_none(nlp):
    assert facts_of(nlp, "Residents said the market reopened on Saturday after the curfew was lifted.") == set()


def _fact(article: str, attribute: str, value: str, display: str, qualifier: str = "", high=None) -> Fact:
    return Fact(article, "Coastal Front", "e:1", attribute, value, display, qualifier, 0, 10, high=high)


def _cite(spans):
    return {s: Citation(s[0], "Outlet " + s[0], None, "2022-01-01", s[1], s[2], "text", None, s[0]) for s in spans}


def test_profile_groups_equal_values_and_counts_independent_sources():
    facts = [
        _fact("a1", "founded", "2014", "late 2014", "late"),
        _fact("a2", "founded", "2014", "in 2014"),
        _fact("a3", "founded", "2015", "2015"),
    ]
    groups = {"a1": "g1", "a2": "g1", "a3": "a3"}  # a2 copies a1
    [founded] = profile_facts(facts, groups=lambda ids: {i: groups[i] for i in ids}, cite=_cite)
    first = founded.values[0]
    assert (first.value, first.articles, first.source_groups) == ("2014", 2, 1)
    [conflict] = fact_conflicts([founded], "Coastal Front")
    assert conflict.kind == "founded" and {v.value for v in conflict.values} == {"2014", "2015"}


def test_compatible_strength_estimates_are_not_a_conflict():
    facts = [
        _fact("a1", "strength", "1500", "1,500 to 2,200", "range", 2200),
        _fact("a2", "strength", "2000", "about 2,000", "about"),
    ]
    profile = profile_facts(facts, groups=lambda ids: {i: i for i in ids}, cite=_cite)
    assert fact_conflicts(profile, "Coastal Front") == []
    facts.append(_fact("a3", "strength", "6000", "6,000", ""))
    profile = profile_facts(facts, groups=lambda ids: {i: i for i in ids}, cite=_cite)
    assert [c.kind for c in fact_conflicts(profile, "Coastal Front")] == ["strength"]


def test_demo_iskp_founding_and_strength_conflicts(demo_db):
    dossier = khabar.who("ISKP", db=demo_db)
    founded = next(f for f in dossier.facts if f.attribute == "founded")
    assert {v.value for v in founded.values} >= {"2014", "2015"}
    assert {"founded", "strength"} <= {c.kind for c in dossier.disputes}


def test_demo_facts_are_stored_with_their_sentence(demo_db):
    with khabar.open_kb(demo_db) as store:
        facts = store.facts()
        assert facts
        for fact in facts[:20]:
            sentence = store.get_article(fact.article_id).text[fact.start : fact.end]
            assert sentence.strip()
