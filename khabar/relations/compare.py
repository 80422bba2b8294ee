"""Comparing two article views: choosing the models for the pair, caching their embeddings.

Both articles in English: sentences are aligned with the sentence model (MiniLM when installed,
else WordLlama) blended with shared words; with MiniLM, WordLlama screens the pair first and only
pairs with some sign of derived text are embedded with MiniLM, and of those only the sentences that
WordLlama finds a plausible match for in the other article (:data:`SENTENCE_SCREEN`), each sentence
once per run (an in-memory cache of its vector). Both in the same other language: the sentence
model aligns them and, when installed, the multilingual model scores the story (with
``multilingual=on`` it aligns them too). Different languages: the multilingual model aligns
translated sentences, and without it the answer is *undetermined*, with the reason and the command
that installs it. With ``multilingual=auto`` (the default) English articles get no e5 vectors
unless compared with a text in another language.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import numpy as np

from .align import Alignment
from .classify import Prepared, Thresholds, compare_prepared, might_derive, prepare, shared_share
from .derivation import derivation_probability, pair_features, probability_reads_alignment
from .embed import UNKNOWN_LANGUAGES as _UNKNOWN
from .embed import Embedder, Embedders
from .fingerprints import fingerprint, sentence_texts
from .values import ArticleView, Comparison, Fingerprint, Relation, SentenceVector

__all__ = ["Comparer", "languages_differ", "sentence_key", "SENTENCE_SCREEN"]

# WordLlama cosine from which a sentence may have a counterpart in the other article and is embedded
# with MiniLM. A pair aligns at a blended similarity of 0.6 (sentence_similarity: 0.7 cosine + 0.3
# word overlap); below 0.35 WordLlama, MiniLM almost never reaches that (demo corpus: the same
# relations and scores with 35% fewer sentences embedded), and those pairs keep the WordLlama cosine.
SENTENCE_SCREEN = 0.35
_UNALIGNED = Alignment((), 0.0, 0.0, 0.0, 0.0)


def sentence_key(text: str) -> str:
    """The key a sentence's vector is stored under: blake2b-128 of its text, hex (32 characters)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


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
        # (model, sentence text) -> its vector: a sentence compared with several articles is embedded once.
        self._sentence_vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self.sentences_embedded = 0  # sentences embedded with the screened sentence model (for bench/)
        # While reading(kb): the store's sentence vectors, and the vectors embedded that it lacks.
        self._lookup: Callable[[str, Iterable[str]], dict[str, np.ndarray]] | None = None
        self._fresh: list[SentenceVector] | None = None

    @contextmanager
    def reading(self, kb) -> Iterator[list[SentenceVector]]:
        """Within the block, a sentence vector not in memory is looked up in ``kb`` (its
        ``sentence_vectors``) before it is embedded; yields the list of vectors embedded meanwhile,
        which ``kb`` lacks (the pipeline saves them with the article: khabar/pipeline.py)."""
        fresh: list[SentenceVector] = []
        self._lookup, self._fresh = kb.sentence_vectors, fresh
        try:
            yield fresh
        finally:
            self._lookup, self._fresh = None, None

    def fingerprint(self, view: ArticleView) -> Fingerprint:
        """The article's fingerprint, its English sentence vectors kept for comparing it next."""
        english = self.embedders.english
        prepared = self.prepared(view, english)
        fp = fingerprint(
            view,
            english,
            multilingual=self.embedders.multilingual_for(view.language),
            sentence_vectors=prepared.sentences.embeddings,
        )
        self.remember(fp)
        return fp

    def remember(self, fp: Fingerprint) -> None:
        """Keep an article's document and lede vectors, so that comparing it does not recompute them."""
        self._vectors[fp.article_id] = (fp.embedding, fp.lede)
        if len(self._vectors) > 4 * self._cache_size:
            self._vectors.popitem(last=False)

    def remember_lede(self, article_id: str, lede: np.ndarray) -> None:
        """Keep a lede vector embedded after the article's fingerprint (a lazy lede: khabar/relations/stage.py)."""
        document, _ = self._vectors.get(article_id, (None, None))
        self._vectors[article_id] = (document, lede)
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
            if model.name == "minilm" and "en" in (a.language, b.language):
                return self._screened(ca, cb, model)
        pa, pb = self.prepared(a, model), self.prepared(b, model)
        return compare_prepared(pa, pb, thresholds=self.thresholds, cross_lingual=cross)

    def _screened(self, ca: Prepared, cb: Prepared, model: Embedder) -> Comparison:
        """Compare with ``model`` embedding only the sentences WordLlama finds a counterpart for.

        The cosine of a pair where either sentence is left out stays the WordLlama one (below
        :data:`SENTENCE_SCREEN`, too low to align).
        """
        screen = ca.sentences.embeddings @ cb.sentences.embeddings.T
        if not screen.size:
            return compare_prepared(ca, cb, thresholds=self.thresholds)
        settled = self._settled(ca, cb)
        if settled is not None:
            return settled
        rows = np.flatnonzero(screen.max(axis=1) >= SENTENCE_SCREEN)
        cols = np.flatnonzero(screen.max(axis=0) >= SENTENCE_SCREEN)
        all_a, all_b = sentence_texts(ca.view), sentence_texts(cb.view)
        texts_a, texts_b = [all_a[i] for i in rows], [all_b[j] for j in cols]
        va, vb = self._sentence_vectors_of(model, texts_a, texts_b)
        cosine = screen.copy()
        cosine[np.ix_(rows, cols)] = va @ vb.T
        pa, pb = replace(ca, model=model.name), replace(cb, model=model.name)
        return compare_prepared(pa, pb, thresholds=self.thresholds, cosine=cosine)

    def _settled(self, ca: Prepared, cb: Prepared) -> Comparison | None:
        """The WordLlama comparison of a screened pair when MiniLM cannot change its relation, else None.

        A pair whose derivation probability is below the threshold is no rewrite whatever its alignment
        (the fitted probability reads no alignment feature: :func:`probability_reads_alignment`), and
        whether it is a copy (shared 5-grams) or same-story (the story score) no sentence model changes:
        when it comes out unrelated, MiniLM would change only its alignment, and the relations stage
        keeps no unrelated pair. Scale corpus of 100 articles: 15 of 32 screened pairs, a third of the
        sentences MiniLM embedded.
        """
        if probability_reads_alignment():
            return None
        texts_a, texts_b = sentence_texts(ca.view), sentence_texts(cb.view)
        if derivation_probability(pair_features(texts_a, texts_b, _UNALIGNED)) >= self.thresholds.derivation:
            return None
        cheap = compare_prepared(ca, cb, thresholds=self.thresholds)
        return cheap if cheap.relation is Relation.UNRELATED else None

    def _sentence_vectors_of(self, model: Embedder, *groups: list[str]) -> list[np.ndarray]:
        """The ``model`` vectors of each group of sentences, embedding once those not seen this run."""
        cache = self._sentence_vectors
        missing = list(dict.fromkeys(t for group in groups for t in group if (model.name, t) not in cache))
        if missing and self._lookup is not None:
            keys = {t: sentence_key(t) for t in missing}
            stored = self._lookup(model.name, keys.values())
            for text in missing:
                if keys[text] in stored:
                    self._keep_vector(model.name, text, stored[keys[text]])
            missing = [t for t in missing if keys[t] not in stored]
        if missing:
            self.sentences_embedded += len(missing)
            for text, vector in zip(missing, model.embed(missing)):
                self._keep_vector(model.name, text, vector)
                if self._fresh is not None:
                    self._fresh.append(SentenceVector(model.name, sentence_key(text), vector))
        out = []
        for group in groups:
            rows = [cache[(model.name, t)] for t in group]
            for t in group:
                cache.move_to_end((model.name, t))
            out.append(np.array(rows, dtype=np.float32).reshape(len(group), model.dimensions))
        return out

    def _keep_vector(self, model: str, text: str, vector: np.ndarray) -> None:
        self._sentence_vectors[(model, text)] = vector
        if len(self._sentence_vectors) > 32 * self._cache_size:  # 32k sentences of 384 floats: 50 MB
            self._sentence_vectors.popitem(last=False)

    def _model_for(self, a: ArticleView, b: ArticleView, cross: bool) -> Embedder | None:
        if cross:
            return self.embedders.multilingual
        language = a.language if a.language not in _UNKNOWN else b.language
        if language != "en" and self.embedders.multilingual_everywhere:
            return self.embedders.multilingual or self.embedders.sentences
        # One language other than English, multilingual=auto: the sentence model still aligns (COUNTER
        # Urdu checking pairs, derived F1 0.714 with MiniLM, 0.696 with e5), e5 scores the story (ledes).
        return self.embedders.sentences

    def keep(self, view: ArticleView, prepared: Prepared) -> None:
        """Cache sentence vectors computed elsewhere (a cluster worker: khabar/cluster.py) for ``view``."""
        self._cache[(view.id, prepared.model, len(view.text))] = prepared
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        if prepared.model != self.embedders.english.name:
            for text, vector in zip(sentence_texts(view), prepared.sentences.embeddings):
                self._keep_vector(prepared.model, text, vector)

    def prepared(self, view: ArticleView, model: Embedder) -> Prepared:
        """The view with its sentence vectors for ``model`` (cached by id, model and text length)."""
        key = (view.id, model.name, len(view.text))
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        document, lede = self._vectors.get(view.id, (None, None))
        # The lede vector: for an article not in English (multilingual=auto), and for any article aligned
        # with e5 (a pair where the other text is not English), so that both sides have one.
        multilingual = self.embedders.multilingual_for(view.language)
        if multilingual is None and model.name == "e5":
            multilingual = model
        prepared = prepare(view, model, self.embedders.english, multilingual, document=document, lede=lede)
        self._cache[key] = prepared
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return prepared
