"""Rule precision as written by ``python -m eval.acled --fit``: a conservative bound, not a point estimate."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from eval.acled import wilson_lower
from khabar import confidence


def test_a_rule_seen_twice_gets_little_credit_even_when_right_both_times():
    assert wilson_lower(2, 2) < confidence.DEFAULT < wilson_lower(115, 131)
    assert wilson_lower(0, 0) == 0.0 and wilson_lower(0, 5) == 0.0


@pytest.mark.parametrize(("right", "total"), [(1, 3), (16, 29), (59, 74), (115, 131)])
def test_the_bound_lies_below_the_observed_share_and_rises_with_evidence(right, total):
    bound = wilson_lower(right, total)
    assert 0.0 < bound < right / total
    assert wilson_lower(right * 4, total * 4) > bound  # the same share, measured on four times as many


def test_the_shipped_perpetrator_table_was_written_by_the_fit():
    # each line reads "rule = value  # right/total"; the value must be the bound of those counts
    text = resources.files("khabar").joinpath("data/confidence.toml").read_text("utf-8")
    lines = text[text.index("\n[perpetrator]\n") :].splitlines()[2:]
    rows = [re.fullmatch(r"(\w+) = ([0-9.]+)  # (\d+)/(\d+)", line) for line in lines if line.strip()]
    assert rows and all(rows), lines
    for rule, value, right, total in (m.groups() for m in rows if m):
        assert float(value) == pytest.approx(wilson_lower(int(right), int(total)), abs=0.0005), rule
        assert confidence.rule_precision("perpetrator", rule) == float(value)
