"""Reported counts with qualifiers kept as ranges (khabar.numbers), on the real spaCy pipeline."""

from __future__ import annotations

import pytest

from khabar.models import Figure
from khabar.nlp import load_pipeline
from khabar.numbers import count_phrases, figures_compatible, parse_count
from khabar.settings import load_settings


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(load_settings().spacy_model)


@pytest.mark.parametrize(
    "text, value, qualifier, low, high",
    [
        ("at least 63", 63, "at_least", 63, None),
        ("more than 200", 200, "more_than", 201, None),
        ("over 100", 100, "more_than", 101, None),
        ("nearly 70", 70, "about", 70, 70),
        ("about 253", 253, "about", 253, 253),
        ("up to 600", 600, "up_to", 0, 600),
        ("fewer than 10", 10, "fewer_than", 0, 9),
        ("dozens", 24, "vague", 24, None),
        ("hundreds", 200, "vague", 200, None),
        ("7,000 to 12,000", 7000, "range", 7000, 12000),
        ("between 10 and 15", 10, "range", 10, 15),
        ("1,500-2,200", 1500, "range", 1500, 2200),
        ("two dozen", 24, "exact", 24, 24),
        ("one hundred and five", 105, "exact", 105, 105),
        ("twenty-one", 21, "exact", 21, 21),
        ("1.2 million", 1_200_000, "exact", 1_200_000, 1_200_000),
        ("an estimated 7,000", 7000, "about", 7000, 7000),
    ],
)
def test_parse_count_keeps_the_qualifier_as_a_range(text, value, qualifier, low, high):
    figure = parse_count(text)
    assert (figure.value, figure.qualifier, figure.low, figure.high) == (value, qualifier, low, high)
    assert figure.text == text


@pytest.mark.parametrize("text", ["several", "the attack", "", "at least"])
def test_parse_count_refuses_what_is_not_a_count(text):
    assert parse_count(text) is None


def test_count_phrases_finds_counts_with_their_anchor(nlp):
    doc = nlp("The blast killed at least 28 people and wounded more than 150 others on Monday.")
    found = [(f.text, f.qualifier, anchor.head.lower_) for f, anchor in count_phrases(doc)]
    assert found == [("at least 28", "at_least", "people"), ("more than 150", "more_than", "others")]


def test_offsets_point_into_the_text(nlp):
    text = "Officials said about 300 were wounded."
    figure, _ = count_phrases(nlp(text))[0]
    assert text[figure.start : figure.end] == "about 300"


def test_money_percentages_years_and_dates_are_not_counts(nlp):
    doc = nlp("In 2012 the US offered $5 million, about 7 percent of its budget, on August 26 for two days.")
    assert count_phrases(doc) == []


def test_range_with_a_shared_scale_word(nlp):
    figure, _ = count_phrases(nlp("It has an estimated 7,000 to 12,000 fighters."))[0]
    assert (figure.low, figure.high, figure.qualifier) == (7000, 12000, "range")


def test_compatibility_of_reported_figures():
    def fig(low, high, qualifier="exact"):
        return Figure("", 0, 0, low, qualifier, low, high)

    assert figures_compatible(fig(21, None, "more_than"), fig(512, 512))  # "more than 20" then 512
    assert not figures_compatible(fig(359, 359), fig(253, 253))
    assert figures_compatible(fig(253, 253, "about"), fig(270, 270))  # "about" allows 25%
    assert not figures_compatible(fig(0, 9, "fewer_than"), fig(40, 40))


@pytest.mark.parametrize(
    "text",
    [
        "Around 9 May 2020 (as reported), a man was found dead in a field.",
        "On May 9, 2020 a man was found dead in a field.",
    ],
)
def test_a_day_of_the_month_is_not_a_count(nlp, text):
    assert [f.text for f, _ in count_phrases(nlp(text)[:])] == []


def test_a_count_beside_a_month_word_that_is_no_date_stays_a_count(nlp):
    found = [f.value for f, _ in count_phrases(nlp("Gunmen killed 12 people in March.")[:])]
    assert found == [12]
