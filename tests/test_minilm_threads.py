"""MiniLM runs OpenBLAS on one thread (contention on shared cores) and gives the same vectors."""

import numpy as np
import pytest

from khabar.relations import minilm
from khabar.relations.embed import minilm_available

pytestmark = pytest.mark.skipif(not minilm_available(), reason="MiniLM weights not installed")

TEXTS = [
    "The convoy was stopped at a checkpoint north of the river crossing on Tuesday.",
    "Two guards were hurt when the gate was rammed.",
    "A spokesman for the provincial council said the road would reopen within a week.",
]


def test_blas_thread_count_restored_after_embedding():
    control = minilm._blas_threads()
    if control is None:
        pytest.skip("numpy does not use OpenBLAS here")
    get, set_ = control
    set_(2)
    minilm.MiniLMEmbedder().embed(TEXTS)
    assert get() == 2


def test_one_blas_thread_gives_the_same_vectors():
    model = minilm.MiniLMEmbedder()
    on_one = model.embed(TEXTS)
    unrestricted = model._batch(TEXTS)  # the forward pass without the one-thread guard
    order = np.argsort([len(t) for t in TEXTS])
    expected = np.zeros_like(on_one)
    expected[order] = model._batch([TEXTS[i] for i in order])
    assert np.array_equal(on_one, expected)
    assert np.allclose(on_one, unrestricted, atol=1e-6)
