"""Dates resolved against the publication date (khabar.dates)."""

from __future__ import annotations

from datetime import date

import pytest

from khabar.dates import date_range, dates_overlap, publication_date, reanchor_weekday, resolve_date
from khabar.models import DateValue

THURSDAY = date(2021, 8, 26)


@pytest.mark.parametrize(
    "text, published, value, precision",
    [
        ("on Thursday", date(2021, 8, 27), "2021-08-26", "day"),
        ("on Monday", date(2021, 8, 27), "2021-08-23", "day"),
        ("Thursday evening's", date(2021, 8, 27), "2021-08-26", "day"),
        ("yesterday", THURSDAY, "2021-08-25", "day"),
        ("today", THURSDAY, "2021-08-26", "day"),
        ("15 August", THURSDAY, "2021-08-15", "day"),
        ("August 2019", THURSDAY, "2019-08-01", "month"),
        ("in early March 2017", THURSDAY, "2017-03-01", "month"),
        ("2015", THURSDAY, "2015-01-01", "year"),
        ("last year", THURSDAY, "2020-01-01", "year"),
        ("last month", THURSDAY, "2021-07-01", "month"),
        ("last week", THURSDAY, "2021-08-16", "week"),
        ("the 1980s", THURSDAY, "1980-01-01", "decade"),
        ("in March last year", date(2024, 12, 11), "2023-03-01", "month"),
        ("14 October", date(2017, 12, 3), "2017-10-14", "day"),
        ("Around 12 August 2021", THURSDAY, "2021-08-12", "day"),  # a hedged day was left undated
        ("on or about 20 August", THURSDAY, "2021-08-20", "day"),
    ],
)
def test_resolves_expressions_against_the_publication_date(text, published, value, precision):
    resolved = resolve_date(text, published)
    assert (resolved.value, resolved.precision) == (value, precision)


def test_a_bare_weekday_on_the_publication_day_means_that_day_wire_style():
    # A Thursday-night dispatch about "Thursday" reports that same day, not a week earlier.
    assert resolve_date("on Thursday", THURSDAY).value == "2021-08-26"
    assert resolve_date("last Thursday", THURSDAY).value == "2021-08-19"


def test_last_month_name_is_the_most_recent_one_strictly_before_publication():
    assert resolve_date("last March", date(2021, 4, 10)).value == "2021-03-01"
    assert resolve_date("last March", date(2021, 3, 20)).value == "2020-03-01"
    assert resolve_date("in March", date(2021, 3, 20)).value == "2021-03-01"
    assert resolve_date("last August", date(2021, 3, 20)).value == "2020-08-01"


@pytest.mark.parametrize(
    "text",
    [
        "11 days after the fall of Kabul",
        "two days after the blast",
        "the following day",
        "five days earlier",
        "three years earlier",
        "the previous year",
    ],
)
def test_dates_relative_to_another_event_stay_unresolved(text):
    resolved = resolve_date(text, THURSDAY)
    assert resolved.value is None and resolved.precision == "none"
    assert resolved.note == "relative to another event"


@pytest.mark.parametrize("text", ["about a decade", "three days", "hours", "for ten years"])
def test_durations_are_not_dates(text):
    assert resolve_date(text, THURSDAY).value is None


def test_a_date_after_publication_is_rejected_with_a_reason():
    resolved = resolve_date("next Friday", THURSDAY)
    assert resolved.value is None


def test_qualifiers_of_years_are_kept_as_notes():
    resolved = resolve_date("late 2014", THURSDAY)
    assert (resolved.value, resolved.precision, resolved.note) == ("2014-01-01", "year", "late")


def test_easter_sunday_is_the_most_recent_easter():
    assert resolve_date("Easter Sunday", date(2019, 4, 24)).value == "2019-04-21"
    assert resolve_date("Easter Sunday", date(2024, 3, 26)).value == "2023-04-09"


def test_a_year_named_just_before_carries_to_a_day_without_one():
    assert resolve_date("August 30", date(2024, 3, 26)).value == "2023-08-30"
    assert resolve_date("August 30", date(2024, 3, 26), context_year=2021).value == "2021-08-30"


def test_offsets_and_words_are_kept():
    resolved = resolve_date("on Thursday", THURSDAY, start=10, end=21)
    assert (resolved.text, resolved.start, resolved.end) == ("on Thursday", 10, 21)


def test_no_publication_date_resolves_only_absolute_dates():
    assert resolve_date("August 2019", None).value == "2019-08-01"
    assert resolve_date("on Thursday", None).note == "relative date and no publication date"


def test_publication_date_reads_iso_stamps():
    assert publication_date("2021-08-27T01:30+05:00") == date(2021, 8, 27)
    assert publication_date("27 August") is None
    assert publication_date(None) is None


def test_a_weekday_in_a_late_recap_is_read_from_the_event_date():
    # A December story: "by Monday, two days after the blast" means the Monday after 14 October.
    monday = resolve_date("by Monday", date(2017, 12, 3))
    assert monday.value == "2017-11-27"
    event = DateValue("14 October", 0, 10, "2017-10-14", "day")
    assert reanchor_weekday(monday, event).value == "2017-10-16"
    recent = resolve_date("on Monday", date(2017, 10, 17))
    assert reanchor_weekday(recent, event) == recent  # within the week: left alone


def test_ranges_and_overlap_follow_precision():
    month = DateValue("March 2021", 0, 0, "2021-03-01", "month")
    day = DateValue("24 March", 0, 0, "2021-03-24", "day")
    other_day = DateValue("26 March", 0, 0, "2021-03-26", "day")
    assert date_range(month) == (date(2021, 3, 1), date(2021, 3, 31))
    assert dates_overlap(month, day)
    assert not dates_overlap(day, other_day, slack_days=1)
    assert dates_overlap(day, other_day, slack_days=2)
