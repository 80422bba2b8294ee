"""Story similarity (khabar/relations/story.py): the calibrated "same event?" score, on text written here."""

from __future__ import annotations

import numpy as np
import pytest

from khabar.relations.compare import Comparer
from khabar.relations.embed import Embedders, multilingual_available
from khabar.relations.story import (
    FEATURES,
    head_text,
    load_story_model,
    story_features,
    story_kind,
    story_similarity,
)
from khabar.relations.views import view_of_text

# Two reports of one (invented) event, written independently: same town, people and figures, other words.
FERRY_A = """Ferry capsizes on Lake Tana, nine missing

A passenger ferry overturned on Lake Tana near Bahir Dar on Sunday evening, and nine people are still missing,
the regional police said. The boat was carrying 31 passengers and sacks of grain to the island of Dek.
Fishermen pulled 22 survivors from the water. Strong winds had been forecast for the afternoon."""

FERRY_B = """Nine missing after boat overturns near Bahir Dar

Rescuers on Monday searched Lake Tana for nine people missing since a ferry bound for Dek island capsized on
Sunday. Police in Bahir Dar said 22 of the 31 people on board were rescued by fishermen, who reached the boat
within minutes. Relatives gathered at the harbour as divers worked through the morning."""

# Another story altogether: a city budget vote.
BUDGET = """Council approves library budget after long debate

The city council of Lindholm voted 7 to 4 on Thursday to raise the libraries' budget by a tenth, after a
debate that lasted into the night. Opening hours will be extended on weekends from March. The opposition
said the money should have gone to road repairs."""


@pytest.fixture(scope="module")
def comparer() -> Comparer:
    return Comparer(Embedders(sentence_model="wordllama", multilingual="off"))


def _view(key: str, text: str):
    return view_of_text(key, text.strip())


def test_two_reports_of_one_event_are_alike_and_another_story_is_not(comparer):
    same = comparer.compare(_view("a", FERRY_A), _view("b", FERRY_B))
    other = comparer.compare(_view("a", FERRY_A), _view("c", BUDGET))
    assert same.score >= 0.6 > other.score, (same.score, other.score)
    assert same.score > other.score + 0.3
    assert same.relation.value == "same-story" and other.relation.value == "unrelated"


def test_story_similarity_is_clipped_to_zero_one_and_rises_with_the_document_cosine():
    model = load_story_model()["wordllama"]
    assert set(model["features"]) <= set(FEATURES) and "lede" not in model["features"]
    low = np.zeros(len(FEATURES))
    high = np.zeros(len(FEATURES))
    high[FEATURES.index("doc")] = high[FEATURES.index("head")] = high[FEATURES.index("content")] = 1.0
    high[FEATURES.index("names")] = high[FEATURES.index("numbers")] = high[FEATURES.index("length")] = 1.0
    assert story_similarity(low, "wordllama") == 0.0
    assert story_similarity(high, "wordllama") == 1.0
    mid = high.copy()
    mid[FEATURES.index("doc")] = mid[FEATURES.index("head")] = mid[FEATURES.index("content")] = 0.4
    assert 0.0 <= story_similarity(mid, "wordllama") <= story_similarity(high, "wordllama")


def test_shared_names_and_numbers_are_counted_on_the_article_with_fewer():
    unit = np.ones(4, dtype=np.float32) / 2
    f = dict(
        zip(
            FEATURES,
            story_features(FERRY_A, FERRY_B, (unit, unit), (None, None), (None, None), (None, None), ("en", "en")),
            strict=True,
        )
    )
    assert f["numbers"] == 1.0  # 22 and 31 in both ("nine" is a word)
    assert 0.3 < f["names"] < 1.0  # Lake, Tana, Bahir, Dar, Dek ... but not "Rescuers", "Relatives"
    assert f["lede"] == 0.0 and f["same_language"] == 1.0
    assert f["head"] == pytest.approx(1.0, abs=1e-6)  # no head vectors: the document cosine stands in
    g = dict(
        zip(
            FEATURES,
            story_features(FERRY_A, BUDGET, (unit, unit), (None, None), (None, None), (None, None), ("en", "de")),
            strict=True,
        )
    )
    assert g["names"] < f["names"] and g["numbers"] == 0.0 and g["same_language"] == 0.0


def test_head_text_is_the_headline_and_lead():
    words = head_text(FERRY_A).split()
    assert words[:3] == ["Ferry", "capsizes", "on"] and len(words) == 60


FERRY_DE = """Fähre auf dem Tanasee gekentert, neun Vermisste

Eine Passagierfähre ist am Sonntagabend auf dem Tanasee bei Bahir Dar gekentert; neun Menschen werden noch
vermisst, teilte die Polizei der Region mit. An Bord waren 31 Passagiere und Getreidesäcke für die Insel Dek.
Fischer retteten 22 Überlebende aus dem Wasser."""


@pytest.mark.skipif(not multilingual_available(), reason="needs khabar[multilingual]")
def test_a_translated_report_is_alike_across_languages_with_the_e5_model():
    comparer = Comparer(Embedders(sentence_model="wordllama", multilingual="auto"))
    german = view_of_text("de", FERRY_DE.strip(), language="de")
    same = comparer.compare(_view("a", FERRY_A), german)
    other = comparer.compare(_view("c", BUDGET), german)
    assert same.model == other.model == "e5"
    assert same.score >= 0.6 > other.score, (same.score, other.score)


def test_each_pair_gets_the_model_fitted_for_it():
    assert story_kind(False, "en", "en") == story_kind(False, "ur", "en") == "wordllama"
    assert story_kind(True, "en", "en") == "e5_english"
    assert story_kind(True, "ur", "en") == story_kind(True, "de", "de") == "e5"
    models = load_story_model()
    assert set(models) == {"wordllama", "e5", "e5_english"}
    assert all(set(m["features"]) <= set(FEATURES) and len(m["weights"]) == len(m["features"]) for m in models.values())


def test_page_furniture_does_not_lower_the_story_similarity(comparer):
    # Short lines a page carries around a report (headings, share prompts, box titles) are not content:
    # the English model reads the content sentences' cosine, so they move the score less than the cosine
    # of all sentences.
    furniture = "\n\nShare this\n\nAdvertisement\n\nMost read\n\nTop stories\n\nFollow us\n\nMore from Africa"
    plain = comparer.compare(_view("a", FERRY_A), _view("b", FERRY_B))
    padded_view = _view("b2", FERRY_B + furniture)
    padded = comparer.compare(_view("a", FERRY_A), padded_view)
    assert abs(padded.score - plain.score) <= 0.02, (plain.score, padded.score)
    a = comparer.prepared(_view("a", FERRY_A), comparer.embedders.english)
    b = comparer.prepared(_view("b", FERRY_B), comparer.embedders.english)
    b2 = comparer.prepared(padded_view, comparer.embedders.english)
    assert float(a.content @ b2.content) == pytest.approx(float(a.content @ b.content), abs=1e-5)
    assert float(a.document @ b2.document) < float(a.document @ b.document) - 0.02


def test_features_a_model_does_not_read_are_not_computed_and_the_score_is_the_same():
    from khabar.relations.story import model_features

    rng = np.random.default_rng(3)
    vectors = [rng.normal(size=8) for _ in range(8)]
    vectors = [v / np.linalg.norm(v) for v in vectors]
    pairs = ((vectors[0], vectors[1]), (vectors[2], vectors[3]), (vectors[4], vectors[5]), (vectors[6], vectors[7]))
    for kind in ("wordllama", "e5", "e5_english"):
        args = (FERRY_A, BUDGET, *pairs, ("en", "de"))
        full = story_features(*args)
        lean = story_features(*args, used=model_features(kind))
        assert story_similarity(lean, kind) == story_similarity(full, kind), kind
    lean = story_features(FERRY_A, BUDGET, *pairs, ("en", "en"), used=model_features("wordllama"))
    assert lean[FEATURES.index("names")] == lean[FEATURES.index("length")] == 0.0  # not read: not computed
