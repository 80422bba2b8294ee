"""Dates in article text, resolved against the article's publication date.

``resolve_date("on Thursday", published=date(2021, 8, 27))`` gives 2021-08-26 with precision
``day``. Every result keeps the words it came from and a precision (``day``, ``week``, ``month``,
``year``, ``decade``), or precision ``none`` with the reason it could not be resolved, so that
"11 days after the election" (relative to another event) never becomes a wrong calendar date.

Own rules run first, for what dateparser gets wrong or cannot do:

* a bare weekday ("on Thursday", "Thursday evening", "early Monday") is the most recent such day
  *on or before* the publication day: wire copy says "on Thursday" for the day it is filed
  (AP/Reuters style uses weekday names for the past week, "today" is not used), so a Thursday
  story about "Thursday" means that day; "last Thursday" means a week earlier than a bare one;
* "last March" is the most recent March strictly before the publication month, "in March" the most
  recent March up to and including it;
* "late 2014", "mid-August", "earlier this month", "the 1980s" get the period they name;
* counts relative to another event ("two days after the blast", "five days earlier", "the
  following day", "a month later") stay unresolved.

Everything else goes to ``dateparser.DateDataParser`` with the publication date as
``RELATIVE_BASE``, past dates preferred and periods returned (so "August 2019" is a month, not
2019-08-27). Results after the publication day are rejected as unresolved.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from .models import DateValue

__all__ = ["resolve_date", "publication_date", "PRECISIONS", "date_range", "dates_overlap", "reanchor_weekday"]

PRECISIONS = ("day", "week", "month", "year", "decade", "none")

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(_WEEKDAYS)
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|late afternoon|early morning))?"

# "around 28 April 2020", "on or about 3 May": a hedged day is still that day (ACLED's "Around").
_LEAD = re.compile(
    r"^(?:on or about|on or around|on|in|at|during|since|by|from|until|of|the|this past|over the|around|"
    r"about|approximately|circa)\s+",
    re.I,
)
_TRAIL = re.compile(r"(?:['’]s|,)$")
_RELATIVE_TO_EVENT = re.compile(
    r"\b(?:after|before|earlier|later|following|previous|prior|preceding|next|ensuing|since then|that day|"
    r"same day|the day)\b",
    re.I,
)
_AGO = re.compile(r"\bago\b", re.I)
_TODAY = re.compile(r"^(?:today|tonight|this (?:morning|afternoon|evening))$", re.I)
_YESTERDAY = re.compile(r"^(?:yesterday(?: (?:morning|afternoon|evening))?|last night|overnight)$", re.I)
_WEEKDAY = re.compile(rf"^(?P<last>last\s+)?(?:(?:early|late)\s+)?(?P<wd>{_WEEKDAY_RE})(?:['’]s)?{_PART_OF_DAY}$", re.I)
_MONTH_ONLY = re.compile(rf"^(?P<last>last\s+|this\s+|(?:early|mid|late)[\s-]+)?(?P<m>{_MONTH_RE})\.?$", re.I)
_MONTH_YEAR = re.compile(rf"^(?:(?:early|mid|late)[\s-]+)?(?P<m>{_MONTH_RE})\.?,?\s+(?:of\s+)?(?P<y>\d{{4}})$", re.I)
_YEAR = re.compile(
    r"^(?:(?P<q>early|mid|late|the end of|the start of|the beginning of|around|about|circa|c\.)[\s-]+)?"
    r"(?P<y>1[89]\d\d|20\d\d)$",
    re.I,
)
_DECADE = re.compile(r"^(?:(?:early|mid|late)[\s-]+)?(?P<y>1[89]\d0|20\d0)['’]?s$", re.I)
_MONTH_OF_YEAR = re.compile(
    rf"^(?:(?:early|mid|late)[\s-]+)?(?P<m>{_MONTH_RE})\.?,?\s+(?:of\s+)?(?P<which>last|this)\s+year$", re.I
)
_DATE_LIKE = re.compile(rf"\b(?:{_MONTH_RE}|{_WEEKDAY_RE})\b|\bago\b|\d{{1,2}}[/.]\d{{1,2}}", re.I)
_NAMED_PERIOD = re.compile(r"^(?P<which>last|this|earlier this|later this|past)\s+(?P<unit>week|month|year)$", re.I)


def publication_date(published: str | None) -> date | None:
    """The calendar date of an ISO 8601 publication stamp ("2021-08-27T01:30+05:00" -> 2021-08-27)."""
    if not published:
        return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", published.strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def resolve_date(
    text: str, published: date | None, *, start: int = 0, end: int | None = None, context_year: int | None = None
) -> DateValue:
    """Resolve a date expression against the publication date; see the module docstring.

    ``context_year`` is a year the surrounding text has just named ("On August 26, 2021 ... On August
    30, rockets were fired"): a day or month without a year is then read in that year.
    """
    end = start + len(text) if end is None else end
    phrase = _clean(text)
    if not phrase:
        return DateValue(text, start, end, None, "none", "empty")
    absolute = _absolute(phrase)
    if absolute is not None:
        return DateValue(text, start, end, absolute[0].isoformat(), absolute[1], absolute[2])
    if published is None:
        return DateValue(text, start, end, None, "none", "relative date and no publication date")
    if _RELATIVE_TO_EVENT.search(phrase) and not (
        _AGO.search(phrase) or _NAMED_PERIOD.match(phrase) or _MONTH_OF_YEAR.match(phrase)
    ):
        return DateValue(text, start, end, None, "none", "relative to another event")
    found = (
        _ago(phrase, published)
        or _relative(phrase, published)
        or _holiday(phrase, published)
        or _parsed(phrase, published)
    )
    if found is None:
        return DateValue(text, start, end, None, "none", "not a calendar date")
    value, precision, note = found
    if context_year and context_year < value.year and _YEARLESS_NOTES.get(note) and precision in ("day", "month"):
        value, note = _in_year(value, context_year), "year from context"
    if value > published:
        return DateValue(text, start, end, None, "none", "after the publication date")
    return DateValue(text, start, end, value.isoformat(), precision, note)


def _clean(text: str) -> str:
    phrase = " ".join(text.split()).strip(" .,;:()\"'“”")
    for _ in range(3):
        phrase = _LEAD.sub("", phrase)
    return _TRAIL.sub("", phrase).strip()


def _absolute(phrase: str) -> tuple[date, str, str] | None:
    """Dates that need no publication date: years, decades, month + year."""
    if m := _YEAR.match(phrase):
        return date(int(m["y"]), 1, 1), "year", (m["q"] or "").lower()
    if m := _DECADE.match(phrase):
        return date(int(m["y"]), 1, 1), "decade", ""
    if m := _MONTH_YEAR.match(phrase):
        return date(int(m["y"]), _MONTHS[m["m"].lower()], 1), "month", ""
    return None


def _relative(phrase: str, published: date) -> tuple[date, str, str] | None:
    """Own rules for weekdays, bare months, today/yesterday and named periods."""
    if _TODAY.match(phrase):
        return published, "day", "today"
    if _YESTERDAY.match(phrase):
        return published - timedelta(days=1), "day", "yesterday"
    if m := _WEEKDAY.match(phrase):
        back = (published.weekday() - _WEEKDAYS[m["wd"].lower()]) % 7
        if m["last"]:
            back = back or 7
        return published - timedelta(days=back), "day", "weekday"
    if m := _MONTH_ONLY.match(phrase):
        month = _MONTHS[m["m"].lower()]
        modifier = (m["last"] or "").strip().lower()
        year = published.year if month <= published.month else published.year - 1
        if modifier == "last" and month == published.month:
            year -= 1
        return date(year, month, 1), "month", modifier
    if m := _MONTH_OF_YEAR.match(phrase):
        back = 0 if m["which"].lower() == "this" else 1
        return date(published.year - back, _MONTHS[m["m"].lower()], 1), "month", m["which"].lower() + " year"
    if m := _NAMED_PERIOD.match(phrase):
        return _named_period(m["which"].lower(), m["unit"].lower(), published)
    return None


def _named_period(which: str, unit: str, published: date) -> tuple[date, str, str]:
    back = 1 if which in ("last", "past") else 0
    if unit == "year":
        return date(published.year - back, 1, 1), "year", which
    if unit == "month":
        year, month = (published.year, published.month - back) if published.month > back else (published.year - 1, 12)
        return date(year, month, 1), "month", which
    monday = published - timedelta(days=published.weekday() + 7 * back)
    return monday, "week", which


@lru_cache(maxsize=1)
def _parser():
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "past",
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_TIME_AS_PERIOD": True,
        },
    )


_PERIODS = {"day": "day", "part_of_day": "day", "time": "day", "week": "week", "month": "month", "year": "year"}


def _parsed(phrase: str, published: date) -> tuple[date, str, str] | None:
    # Only calendar-like phrases: "about a decade" or "three days" are durations, not dates.
    if not _DATE_LIKE.search(phrase):
        return None
    parser = _parser()
    parser._settings.RELATIVE_BASE = datetime(published.year, published.month, published.day, 12)
    try:
        data = parser.get_date_data(phrase)
    except (ValueError, OverflowError):
        return None
    if data.date_obj is None or data.period not in _PERIODS:
        return None
    precision = _PERIODS[data.period]
    value = data.date_obj.date()
    if precision == "time" and not re.search(r"\d|" + _WEEKDAY_RE, phrase, re.I):
        return None
    return _period_start(value, precision), precision, "dateparser"


_YEARLESS_NOTES = {"dateparser": True, "": True, "last": False, "mid-": True, "early": True, "late": True}


def _in_year(value: date, year: int) -> date:
    try:
        return value.replace(year=year)
    except ValueError:  # 29 February
        return value.replace(year=year, day=28)


_AGO_PHRASE = re.compile(
    r"(?:\b(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+)?"
    r"(day|week|month|year)s?\s+ago$",
    re.I,
)
_SMALL = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


def _ago(phrase: str, published: date) -> tuple[date, str, str] | None:
    """ "two days ago", "a week ago" (the exact day: reporters count back from the story's date)."""
    m = _AGO_PHRASE.search(phrase)
    if m is None:
        return None
    count = _SMALL.get((m[1] or "a").lower()) or int(m[1])
    unit = m[2].lower()
    if unit == "day":
        return published - timedelta(days=count), "day", "ago"
    if unit == "week":
        return published - timedelta(days=7 * count), "day", "ago"
    if unit == "month":
        month = published.month - count
        year = published.year + (month - 1) // 12
        return date(year, (month - 1) % 12 + 1, 1), "month", "ago"
    return date(published.year - count, 1, 1), "year", "ago"


def _holiday(phrase: str, published: date) -> tuple[date, str, str] | None:
    """Movable feasts that name attack dates: "Easter Sunday" (the most recent one)."""
    if not re.fullmatch(r"easter(?: sunday| day)?", phrase, re.I):
        return None
    from dateutil.easter import easter

    day = easter(published.year)
    return (day if day <= published else easter(published.year - 1)), "day", "easter"


def _period_start(value: date, precision: str) -> date:
    if precision == "year":
        return date(value.year, 1, 1)
    if precision == "month":
        return date(value.year, value.month, 1)
    if precision == "week":
        return value - timedelta(days=value.weekday())
    return value


def date_range(value: DateValue) -> tuple[date, date] | None:
    """First and last calendar day the resolved date may mean (None when unresolved)."""
    if value.value is None:
        return None
    first = date.fromisoformat(value.value)
    if value.precision == "day":
        return first, first
    if value.precision == "week":
        return first, first + timedelta(days=6)
    if value.precision == "month":
        return first, date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    if value.precision == "decade":
        return first, date(first.year + 9, 12, 31)
    return first, date(first.year, 12, 31)


def dates_overlap(a: DateValue, b: DateValue, *, slack_days: int = 0) -> bool:
    """True when two resolved dates can mean the same day (within ``slack_days``)."""
    ra, rb = date_range(a), date_range(b)
    if ra is None or rb is None:
        return True
    slack = timedelta(days=slack_days)
    return ra[0] - slack <= rb[1] and rb[0] - slack <= ra[1]


def reanchor_weekday(value: DateValue, anchor: DateValue) -> DateValue:
    """A bare weekday read against a story's own event date instead of the publication date.

    A story filed weeks after an attack on Saturday 14 October that says "by Monday, two days after
    the blast" means Monday 16 October, not the Monday before publication. Only weekday-resolved
    dates falling more than six days after a day-precise anchor are moved.
    """
    if value.note != "weekday" or value.value is None or anchor.value is None or anchor.precision != "day":
        return value
    base, seen = date.fromisoformat(anchor.value), date.fromisoformat(value.value)
    if (seen - base).days <= 6:
        return value
    moved = base + timedelta(days=(seen.weekday() - base.weekday()) % 7)
    return DateValue(value.text, value.start, value.end, moved.isoformat(), "day", "weekday after the event")
