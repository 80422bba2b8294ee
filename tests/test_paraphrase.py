"""The fitted sentence paraphrase model (khabar/relations/paraphrase.py, eval/fit_paraphrase.py)."""

from __future__ import annotations

import numpy as np
import pytest

from khabar.relations.embed import minilm_available
from khabar.relations.paraphrase import (
    PARAPHRASE_FEATURES,
    PARAPHRASE_THRESHOLD,
    applies,
    features,
    load_paraphrase_model,
    paraphrase_probability,
)

ORIGINAL = "The provincial police said 14 guards were wounded when the convoy was ambushed near the river crossing."
REWORDED = "Fourteen guards were hurt in an ambush on the convoy close to the river crossing, provincial police said."
OTHER_FIGURE = "The provincial police said 41 guards were wounded when the convoy was ambushed near the river crossing."
DENIED = "The provincial police said no guards were wounded when the convoy was not ambushed near the river crossing."
ADDED = (
    "The provincial police said 14 guards were wounded when the convoy was ambushed near the river crossing, "
    "and that a second convoy was turned back at the border two days later after a warning from the militia."
)


def test_model_has_one_weight_per_feature_and_applies_to_minilm_only():
    model = load_paraphrase_model()
    assert model["features"] == list(PARAPHRASE_FEATURES)
    assert len(model["paraphrase"]["coef"]) == len(PARAPHRASE_FEATURES)
    assert applies("minilm", cross_lingual=False)
    assert not applies("minilm", cross_lingual=True)
    assert not applies("wordllama", cross_lingual=False)


def test_features_see_what_a_cosine_smooths_away():
    f = dict(zip(PARAPHRASE_FEATURES, features(ORIGINAL, OTHER_FIGURE, 0.97), strict=True))
    assert f["numbers"] == pytest.approx(0.5)  # 14 and 41, each in one sentence only
    assert f["negation"] == 0.0
    g = dict(zip(PARAPHRASE_FEATURES, features(ORIGINAL, DENIED, 0.95), strict=True))
    assert g["negation"] == 1.0
    same = dict(zip(PARAPHRASE_FEATURES, features(ORIGINAL, ORIGINAL, 1.0), strict=True))
    assert same["grams4_min"] == same["chars5_max"] == same["jaccard"] == 1.0


def test_at_one_cosine_a_changed_figure_a_negation_or_an_added_clause_lowers_the_probability():
    """Regression: the aligner's cosine called sentences with another toll or a denial paraphrases alike."""
    same = paraphrase_probability(ORIGINAL, ORIGINAL, 0.95)
    assert same >= PARAPHRASE_THRESHOLD
    for changed in (OTHER_FIGURE, DENIED, ADDED):
        assert paraphrase_probability(ORIGINAL, changed, 0.95) < same
    assert paraphrase_probability(ORIGINAL, ADDED, 0.80) < PARAPHRASE_THRESHOLD


def test_probability_is_symmetric():
    assert paraphrase_probability(ORIGINAL, REWORDED, 0.8) == pytest.approx(
        paraphrase_probability(REWORDED, ORIGINAL, 0.8)
    )


@pytest.mark.skipif(not minilm_available(), reason="MiniLM weights not installed")
def test_with_minilm_a_rewording_is_a_paraphrase_and_a_changed_toll_less_so():
    from khabar.relations.minilm import MiniLMEmbedder

    vectors = MiniLMEmbedder().embed([ORIGINAL, REWORDED, OTHER_FIGURE, ADDED])
    cosine = vectors @ vectors[0]
    reworded = paraphrase_probability(ORIGINAL, REWORDED, float(cosine[1]))
    assert reworded >= PARAPHRASE_THRESHOLD
    assert paraphrase_probability(ORIGINAL, OTHER_FIGURE, float(cosine[2])) < paraphrase_probability(
        ORIGINAL, ORIGINAL, 1.0
    )
    assert np.isfinite(paraphrase_probability(ORIGINAL, ADDED, float(cosine[3])))
