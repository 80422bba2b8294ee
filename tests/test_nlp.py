"""Language analysis on the real spaCy pipeline: sentences, mentions, in-article name groups."""

from __future__ import annotations

import pytest

from khabar.models import Article, Paragraph
from khabar.nlp import analysis_of, english_view, load_pipeline
from khabar.settings import load_settings


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(load_settings().spacy_model)


def _analyse(nlp, text: str):
    return analysis_of("t", nlp(text))


def _clusters(analysis) -> dict[str, str]:
    return {m.text: m.cluster for m in analysis.mentions}


def test_stated_acronyms_join_the_long_name_even_when_spacy_misses_them(nlp):
    text = (
        "The Islamic State Khorasan Province (ISKP or IS-K) said it carried out the bombing. "
        "ISKP was formed in 2015. Officials blamed IS-K for the attack."
    )
    analysis = _analyse(nlp, text)
    groups = {m.cluster for m in analysis.mentions if m.text in ("ISKP", "IS-K", "Islamic State Khorasan Province")}
    assert groups == {"Islamic State Khorasan Province"}
    iskp = [m for m in analysis.mentions if m.text == "ISKP"]
    assert len(iskp) == 2  # the stated alias and its later bare use


def test_initials_link_acronym_to_long_form(nlp):
    analysis = _analyse(nlp, "Fighters of the Baloch Liberation Army attacked a checkpoint. The BLA later claimed it.")
    assert _clusters(analysis)["BLA"] == "Baloch Liberation Army"


def test_two_people_with_one_surname_stay_apart(nlp):
    text = (
        "Sirajuddin Haqqani addressed the gathering in Kabul. Haqqani said the government was secure. "
        "Later, Khalil Haqqani arrived at the ministry. Haqqani was killed there in a blast."
    )
    analysis = _analyse(nlp, text)
    persons = [(m.text, m.cluster) for m in analysis.mentions if m.label == "PERSON"]
    assert ("Haqqani", "Sirajuddin Haqqani") in persons
    assert ("Haqqani", "Khalil Haqqani") in persons
    assert {c for _, c in persons} == {"Sirajuddin Haqqani", "Khalil Haqqani"}


def test_offsets_and_sentences_point_into_the_text(nlp):
    text = "A car bomb exploded in Mogadishu on Saturday. At least 100 people were killed, officials said."
    analysis = _analyse(nlp, text)
    assert [s.text for s in analysis.sentences] == [text[s.start : s.end] for s in analysis.sentences]
    for m in analysis.mentions:
        assert text[m.start : m.end] == m.text
        sentence = analysis.sentences[m.sentence]
        assert sentence.start <= m.start < sentence.end
    assert {m.label for m in analysis.mentions} >= {"GPE", "DATE", "CARDINAL"}


def test_upper_case_dateline_is_a_place(nlp):
    analysis = _analyse(nlp, "KABUL — A blast struck near the airport in Kabul on Thursday.")
    first = analysis.mentions[0]
    assert first.text == "KABUL" and first.label == "GPE"


def test_english_view_blanks_other_languages_keeping_offsets():
    text = "English paragraph here.\n\nیہ اردو پیراگراف ہے۔"
    article = Article(
        id="a",
        content_hash="h",
        source="s",
        kind="text",
        raw=text,
        text=text,
        title=None,
        outlet=None,
        url=None,
        author=None,
        published=None,
        language="en",
        paragraphs=(Paragraph(0, 0, 23, "en", 0.9), Paragraph(1, 25, len(text), "ur", 0.9)),
    )
    view = english_view(article)
    assert len(view) == len(text) and view[:23] == text[:23] and not view[25:].strip()


@pytest.mark.parametrize(
    "text",
    [
        "ISKP (Islamic State affiliate) claimed the attack.",
        "Boko Haram (ISWAP rival) denied it.",
        "The group (AQI successor) said so.",
        "ISKP (the Islamic State's Afghan branch) said so.",
    ],
)
def test_a_stated_relation_is_never_an_alias(text):
    from khabar.nlp.grouping import stated_aliases

    assert stated_aliases(text, 0, text.index(" (")) == []


def test_a_stated_alias_without_relation_words_still_counts():
    from khabar.nlp.grouping import stated_aliases

    text = "ISWAP (Islamic State West Africa Province) said so."
    assert [a for _, _, a in stated_aliases(text, 0, 5)] == ["Islamic State West Africa Province"]


def test_bare_nisba_joins_the_person_named_in_full(nlp):
    text = (
        "US troops killed Abu Omar al-Baghdadi in a raid near Tikrit on Sunday. "
        "Officials in Baghdad said Baghdadi had led the group since 2006."
    )
    analysis = _analyse(nlp, text)
    bare = [m for m in analysis.mentions if m.text == "Baghdadi"]
    assert bare and all(m.label == "PERSON" and m.cluster == "Abu Omar al-Baghdadi" for m in bare)


def test_a_longer_name_ending_in_a_registry_name_keeps_no_registry_id(nlp):
    doc = nlp("Fighters of the Syrian Arab Coalition crossed the river on Monday.")
    ents = [(e.text, e.ent_id_) for e in doc.ents if "Coalition" in e.text]
    assert ents == [("Syrian Arab Coalition", "")]


def _registry_mentions(nlp, text):
    return {(e.text, e.ent_id_) for e in nlp(text).ents if e.label_ in ("ORG", "NORP", "PERSON")}


def test_a_common_phrase_in_lower_case_is_not_a_registry_name(nlp):
    # "an Islamic state" is a state under Islamic law; "the resistance front" is no group's name.
    concept = _registry_mentions(nlp, "The preacher said his movement wants an Islamic state in the whole region.")
    assert not any(i == "actor:islamic-state" for _, i in concept), concept
    phrase = _registry_mentions(nlp, "Fighters of the resistance front held the valley road on Monday.")
    assert not any(i == "actor:trf" for _, i in phrase), phrase
    named = _registry_mentions(nlp, "Officials blamed the Haqqani network and the Islamic State for the attacks.")
    assert {i for _, i in named} >= {"actor:haqqani-network", "actor:islamic-state"}, named


@pytest.mark.parametrize(
    "text",
    [
        "On 6 May 2021, Al shabaab militants abducted two teachers near Jowhar.",
        "A mine planted by Al Shabaab hit a minibus near Baidoa on Sunday.",
        "On Sunday, al-shabaab fighters overran a base near Afgooye.",
    ],
)
def test_al_shabaab_written_with_a_spaced_or_lower_case_article_is_the_registry_name(nlp, text):
    assert any(t.lower().replace("-", " ") == "al shabaab" for t, _ in _registry_mentions(nlp, text))


def test_a_registry_name_in_lower_case_before_a_members_noun_is_the_group(nlp):
    named = _registry_mentions(nlp, "On Friday, Islamic state militants attacked a police post in Bosaso.")
    assert any(i == "actor:islamic-state" for _, i in named), named
    concept = _registry_mentions(nlp, "They want an Islamic state ruled by clerics, the preacher said.")
    assert not any(i == "actor:islamic-state" for _, i in concept), concept


def test_pro_and_anti_compounds_do_not_name_the_group(nlp):
    text = (
        "An anti-Taliban militia said it had pushed back pro-Islamic State fighters near the border. "
        "Later the Taliban said they had retaken the post."
    )
    mentions = _registry_mentions(nlp, text)
    assert all(not t.lower().startswith(("pro-", "anti-")) for t, _ in mentions), mentions
    taliban = [t for t, _ in mentions if t == "Taliban"]
    islamic_state = [t for t, i in mentions if i == "actor:islamic-state"]
    assert len(taliban) == 1 and not islamic_state, mentions  # only the Taliban of the second sentence


def test_an_islamic_state_province_named_short_is_the_branch_not_a_region(nlp):
    doc = nlp("The Islamic State, which counts the militants as part of its Central Africa Province, claimed the raid.")
    assert ("Central Africa Province", "actor:iscap") in {(e.text, e.ent_id_) for e in doc.ents}
    assert not [e for e in doc.ents if e.label_ in ("LOC", "GPE") and "Africa" in e.text]
