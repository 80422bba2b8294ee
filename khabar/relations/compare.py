"""Comparing two article views: choosing the models for the pair, caching their embeddings.

Both articles in English: sentences are aligned with the sentence model (MiniLM when installed,
else WordLlama) blended with shared words; with MiniLM, WordLlama screens the pair first and only
pairs with some sign of derived text are embedded with MiniLM. Both in the same other language: the multilingual model
aligns them when installed (shared 5-grams still find copies without it). Different languages: the
multilingual model aligns translated sentences, and without it the answer is *undetermined*, with
the reason and the command that installs it.
"""

from __future__ import annotations

from collections import OrderedDict

from .classify import Prepared, Thresholds, compare_prepared, might_derive, prepare, shared_share
from .embed import Embedder, Embedders
from .fingerprints import fingerprint
from .values import ArticleView, Comparison, Fingerprint, Relation

__all__ = ["Comparer", "languages_differ"]

_UNKNOWN = frozenset({"und", "", "unknown"})


def languages_differ(a: str, b: str) -> bool:
    """True when two articles' main languages are both known and different."""
    return a not in _UNKNOWN and b not in _UNKNOWN and a != b


class Comparer:
    """Compares article views with one set of models and thresholds; keeps recent embeddings."""

    def __init__(
        self, embedders: Embedders | None = None, thresholds: Thresholds = Thresholds(), *, cache_size: int = 1024
    ) -> None:
        self.embedders = embedders or Embedders()
        self.thresholds = thresholds
        self._cache: OrderedDict[tuple[str, str, int], Prepared] = OrderedDict()
        self._cache_size = cache_size
        self._vectors: OrderedDict[str, tuple] = OrderedDict()

    def fingerprint(self, view: ArticleView) -> Fingerprint:
        """The article's fingerprint, its English sentence vectors kept for comparing it next."""
        english = self.embedders.english
        prepared = self.prepared(view, english)
        fp = fingerprint(
            view, english, multilingual=self.embedders.multilingual, sentence_vectors=prepared.sentences.embeddings
        )
        self.remember(fp)
        return fp

    def remember(self, fp: Fingerprint) -> None:
        """Keep an article's document and lede vectors, so that comparing it does not recompute them."""
        self._vectors[fp.article_id] = (fp.embedding, fp.lede)
        if len(self._vectors) > 4 * self._cache_size:
            self._vectors.popitem(last=False)

    def compare(self, a: ArticleView, b: ArticleView) -> Comparison:
        """The relation of ``a`` and ``b`` (see :mod:`khabar.relations.classify`)."""
        cross = languages_differ(a.language, b.language)
        model = self._model_for(a, b, cross)
        if model is None:
            return Comparison(
                a,
                b,
                Relation.UNDETERMINED,
                0.0,
                (
                    f"the articles are in different languages ({a.language}, {b.language}) and the multilingual model "
                    "is not installed or is switched off: pip install 'khabar[multilingual]' "
                    "(setting multilingual=auto)"
                ),
            )
        english = self.embedders.english
        if model is not english and not cross and a.id != b.id:
            # Screen with the fast model first: copies (decided by shared 5-grams) and pairs showing no
            # sign of derived text are compared with it alone; the slow sentence model (~0.8 s per
            # article) is spent on the rest.
            ca, cb = self.prepared(a, english), self.prepared(b, english)
            if not might_derive(ca, cb) or shared_share(a.text, b.text, 5) >= self.thresholds.copy:
                return compare_prepared(ca, cb, thresholds=self.thresholds)
        pa, pb = self.prepared(a, model), self.prepared(b, model)
        return compare_prepared(pa, pb, thresholds=self.thresholds, cross_lingual=cross)

    def _model_for(self, a: ArticleView, b: ArticleView, cross: bool) -> Embedder | None:
        if cross:
            return self.embedders.multilingual
        language = a.language if a.language not in _UNKNOWN else b.language
        if language != "en":
            return self.embedders.multilingual or self.embedders.sentences
        return self.embedders.sentences

    def keep(self, view: ArticleView, prepared: Prepared) -> None:
        """Cache sentence vectors computed elsewhere (a cluster worker: khabar/cluster.py) for ``view``."""
        self._cache[(view.id, prepared.model, len(view.text))] = prepared
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def prepared(self, view: ArticleView, model: Embedder) -> Prepared:
        """The view with its sentence vectors for ``model`` (cached by id, model and text length)."""
        key = (view.id, model.name, len(view.text))
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        document, lede = self._vectors.get(view.id, (None, None))
        prepared = prepare(
            view, model, self.embedders.english, self.embedders.multilingual, document=document, lede=lede
        )
        self._cache[key] = prepared
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return prepared
