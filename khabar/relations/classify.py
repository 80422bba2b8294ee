"""Classify a pair of articles: copy, rewrite, same story, unrelated, with score, evidence and direction.

The decision, in order (thresholds are settings, see :class:`Thresholds`):

1. **copy**: at least ``copy`` (80%) of the shorter article's word 5-grams occur in the other;
2. **rewrite**: derived text, shown by *either* shared passages (at least ``passages`` of the shorter
   article's 5-grams, in two or more aligned sentences) *or* paraphrase: three or more sentences
   aligned mostly in order, whose coverage of the shorter article plus twice its share of shared
   word 3-grams (wording kept from the source) reaches ``derived`` (or, at a derivation probability
   of 0.8 or more and every pair in order, coverage of 15% is enough: a heavy rewrite), all counted
   over content sentences
   (headings, prompts, boxes left out: :func:`~khabar.relations.derivation.content_mask`). A
   candidate whose aligned text names mostly other places and people than the other article is
   template reuse, not a rewrite;
3. **same-story**: not derived, but the stories are alike (``score`` >= ``same_story``) and, when both
   dates are known, published within ``same_story_days`` of each other;
4. otherwise **unrelated**. An article compared with itself is a copy of itself; an empty article, or
   a pair in two languages without the multilingual model installed, is **undetermined**.

Direction (copy and rewrite): the earlier publication is the origin; at equal or unknown times, the
fitted direction model reads it from the text (:func:`direction`) or says there is no direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np

from ..settings import default_of
from .align import WORD_WEIGHT, Alignment, SentencePair, SentenceSet, align, align_matrix, sentence_set
from .derivation import FEATURES, derivation_probability, pair_features, text_direction
from .embed import Embedder
from .fingerprints import document_vector, lede_text, sentence_texts
from .story import content_vector, head_text, model_features, story_features, story_kind, story_similarity
from .text import names, shingles, words
from .values import ArticleView, Comparison, Relation

__all__ = [
    "Thresholds",
    "Prepared",
    "prepare",
    "compare_prepared",
    "story_score",
    "scaled_score",
    "direction",
    "parse_time",
    "might_derive",
    "shared_share",
]

# Linear maps from cosine to a 0..1 story score, fitted on SemEval-2022 en-en ratings (mean cosine of
# pairs rated 4 "very dissimilar" -> 0, rated 1 "very similar" -> 1): WordLlama document vectors
# 0.13 / 0.62, e5 on the lede 0.785 / 0.922.
_SCORE_SCALE = {"wordllama": (0.13, 0.62), "e5": (0.785, 0.922)}
# e5 cosines of two sentences in different languages: unrelated ~0.78, translations ~0.87-0.91
# (gold pair p023/p033: all 9 aligned at 0.6, no other of the 55 gold articles aligned with p033).
_CROSS_LINGUAL = (0.78, 0.92)
_MIN_ORDER = 0.6  # share of aligned pairs in the same order for a paraphrase rewrite
_MIN_COVERAGE = 0.4  # a paraphrase rewrite re-expresses at least 40% of the shorter article
# ... or at least 15% when the derivation probability is at least 0.8 and every aligned pair keeps the
# order: a heavy rewrite re-expresses only a few sentences closely enough to align (Clough "heavy"
# answers: 3 pairs in order over 19.6-28% of the answer), and the wording evidence carries the rest.
# Independent reports of one story that reach 0.8 align one or two sentences (SemEval en-en, Clough
# "non", khabar's gold pairs), or three out of order (the demo's two Haqqani explainers: 2 of 3 in order).
_STRONG_PROBABILITY = 0.8
_STRONG_COVERAGE = 0.15
_SCREEN = 0.5  # lenient WordLlama sentence threshold of the screen (might_derive)
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december".split()
)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision thresholds, with the meaning given in the module docstring."""

    copy: float = default_of("copy_containment")  # defaults: the settings table (khabar/settings.py)
    passages: float = default_of("shared_passages")
    sentence: float = default_of("sentence_similarity")
    derived: float = default_of("rewrite_evidence")
    same_story: float = default_of("same_story_score")
    same_story_days: float = default_of("same_story_days")
    min_pairs: int = 3
    derivation: float = 0.5

    @classmethod
    def from_settings(cls, settings) -> Thresholds:
        return cls(
            copy=settings.copy_containment,
            passages=settings.shared_passages,
            sentence=settings.sentence_similarity,
            derived=settings.rewrite_evidence,
            same_story=settings.same_story_score,
            same_story_days=settings.same_story_days,
            derivation=settings.derivation_threshold,
        )


@dataclass(frozen=True, eq=False)
class Prepared:
    """An article ready to compare: its view, sentence vectors of one model, its document vectors."""

    view: ArticleView
    model: str
    sentences: SentenceSet
    document: np.ndarray  # English document vector (WordLlama), for the story score
    lede: np.ndarray | None  # multilingual lede vector, when the model is available
    head: np.ndarray | None = None  # WordLlama vector of the headline and lead (khabar/relations/story.py)
    content: np.ndarray | None = None  # WordLlama mean of the content sentences (no headings, prompts, boxes)


def prepare(
    view: ArticleView,
    sentence_model: Embedder,
    english: Embedder,
    multilingual: Embedder | None = None,
    *,
    document: np.ndarray | None = None,
    lede: np.ndarray | None = None,
) -> Prepared:
    """Embed an article's sentences with ``sentence_model`` and its story with the document models.

    ``document`` and ``lede`` may be passed when known (from the article's fingerprint).
    """
    texts = sentence_texts(view)
    vectors = sentence_model.embed(texts)
    english_vectors = vectors if english is sentence_model else english.embed(texts)
    if document is None:
        document = document_vector(english_vectors, english.dimensions)
    if lede is None and multilingual is not None and texts:
        lede = multilingual.embed([lede_text(view.text)])[0]
    head = english.embed([head_text(view.text)])[0] if texts else None
    return Prepared(
        view,
        sentence_model.name,
        sentence_set(texts, vectors),
        np.asarray(document, dtype=np.float32),
        None if lede is None else np.asarray(lede, dtype=np.float32),
        head,
        content_vector(texts, english_vectors, english.dimensions) if texts else None,
    )


def story_score(a: Prepared, b: Prepared) -> tuple[float, str]:
    """How alike the two stories are (the calibrated story similarity, 0..1: khabar/relations/story.py)
    and the model that judged it (:func:`~khabar.relations.story.story_kind`)."""
    kind = story_kind(a.lede is not None and b.lede is not None, a.view.language, b.view.language)
    features = story_features(
        a.view.text,
        b.view.text,
        (a.document, b.document),
        (a.head, b.head),
        (a.content, b.content),
        (a.lede, b.lede) if kind != "wordllama" else (None, None),
        (a.view.language, b.view.language),
        used=model_features(kind),
    )
    return story_similarity(features, kind), kind


def scaled_score(cosine: float, model: str) -> float:
    """A cosine of ``model``'s vectors mapped to the 0..1 story score (see _SCORE_SCALE)."""
    low, high = _SCORE_SCALE[model]
    return round(min(max((cosine - low) / (high - low), 0.0), 1.0), 4)


def compare_prepared(
    a: Prepared,
    b: Prepared,
    *,
    thresholds: Thresholds = Thresholds(),
    cross_lingual: bool = False,
    cosine: np.ndarray | None = None,
) -> Comparison:
    """The relation between two prepared articles (see the module docstring).

    ``cosine``, when given, is the sentence cosine matrix to align on instead of the one of the
    articles' sentence vectors (the comparer's screened MiniLM matrix: khabar/relations/compare.py).
    """
    if a.view.id == b.view.id:
        return _itself(a)
    empty = _empty(a.view, b.view)
    if empty:
        return Comparison(a.view, b.view, Relation.UNDETERMINED, 0.0, empty)
    score, _ = story_score(a, b)
    passages = shared_share(a.view.text, b.view.text, 5)
    alignment, sim = _align(a, b, thresholds.sentence, cross_lingual, cosine)
    texts_a, texts_b = sentence_texts(a.view), sentence_texts(b.view)
    features = pair_features(texts_a, texts_b, alignment, sim)
    if cross_lingual:
        probability = _translation_probability(features)
    else:
        probability = derivation_probability(features)
    content = features[FEATURES.index("ngram5")]
    if content >= thresholds.copy and not cross_lingual:
        return _derived(
            a,
            b,
            Relation.COPY,
            score,
            passages,
            thresholds,
            f"{content:.0%} of the shorter article's word 5-grams occur in the other",
            alignment,
            probability,
            features,
        )
    reason = _rewrite_evidence(a, b, alignment, features, probability, thresholds, cross_lingual)
    if reason:
        return _derived(a, b, Relation.REWRITE, score, passages, thresholds, reason, alignment, probability, features)
    return _not_derived(a, b, score, passages, alignment, thresholds, probability, features)


def _translation_probability(features) -> float:
    # Across languages no wording is shared and the fitted model does not apply (no training pairs):
    # translated sentences aligned in order over the shorter text. Not calibrated (docs/relations.md).
    f = dict(zip(FEATURES, features))
    return round(float(min(1.0, f["coverage_short"] * f["in_order"] / 0.4 * 0.5)), 4)


def might_derive(a: Prepared, b: Prepared) -> bool:
    """A cheap screen: could one article derive from the other? (No false negatives on the gold sets.)

    True when a tenth of the shorter article's word 3-grams are shared, or when WordLlama aligns a
    quarter of it at a lenient threshold (0.5); paraphrase evidence below that never reaches
    ``rewrite_evidence`` with the full model (measured on Clough, the gold pairs and the demo).
    """
    if shared_share(a.view.text, b.view.text, 3) >= 0.1:
        return True
    coverage, _ = _smaller(a, b, align(a.sentences, b.sentences, threshold=_SCREEN))
    return coverage >= 0.25


def _itself(a: Prepared) -> Comparison:
    pairs = tuple(SentencePair(i, i, 1.0, True) for i in range(len(a.view.sentences)))
    return Comparison(
        a.view,
        a.view,
        Relation.COPY,
        1.0,
        "an article compared with itself is its own copy",
        1.0,
        1.0,
        1.0,
        1.0,
        pairs,
        None,
        "the same article: no direction",
        a.model,
    )


def _empty(a: ArticleView, b: ArticleView) -> str:
    for label, view in (("a", a), ("b", b)):
        if not view.text.strip() or not any(c.isalnum() for c in view.text):
            return f"article {label} ({view.id}) has no text to compare"
    return ""


def shared_share(a: str, b: str, size: int) -> float:
    """Share of the shorter text's word ``size``-grams that occur in the other."""
    sa, sb = _shingles(a, size), _shingles(b, size)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


@lru_cache(maxsize=4096)
def _shingles(text: str, size: int) -> frozenset[str]:
    # Cached: the stage compares a new article with many candidates, each needing its n-grams.
    return frozenset(shingles(words(text), size))


def _align(a: Prepared, b: Prepared, threshold: float, cross_lingual: bool, cosine: np.ndarray | None = None):
    """(alignment, similarity matrix); e5 cosines are rescaled (unrelated sentences sit near 0.78)."""
    low, high = _CROSS_LINGUAL if a.model == "e5" else (0.0, 1.0)
    return align_matrix(
        a.sentences,
        b.sentences,
        threshold=threshold,
        cosine_range=(low, high),
        word_weight=0.0 if cross_lingual else WORD_WEIGHT,
        cosine=cosine,
    )


def _smaller(a: Prepared, b: Prepared, alignment: Alignment) -> tuple[float, int]:
    """(coverage of the shorter article, its number of sentences)."""
    if len(a.view.sentences) <= len(b.view.sentences):
        return alignment.coverage_a, len(a.view.sentences)
    return alignment.coverage_b, len(b.view.sentences)


def _rewrite_evidence(
    a: Prepared, b: Prepared, alignment: Alignment, features, probability: float, t: Thresholds, cross_lingual: bool
) -> str:
    """Why b and a are one derived text, or "" when the evidence is not there."""
    f = dict(zip(FEATURES, features))
    pairs = len(alignment.pairs)
    if min(len(a.view.sentences), len(b.view.sentences)) < 2 or pairs < 2 or probability < t.derivation:
        return ""
    if not cross_lingual and _template_reuse(a, b, alignment):
        return ""
    if not _aligned_evidence(a, b, alignment, f, t, cross_lingual, probability):
        return ""
    kind = "translated" if cross_lingual else "aligned"
    return (
        f"derivation probability {probability:.2f} >= {t.derivation:.2f}: {pairs} {kind} sentence pair(s) "
        f"({f['in_order']:.0%} in order) covering {f['coverage_short']:.0%} of the shorter article; "
        f"{f['ngram3']:.0%} of its word 3-grams and {f['numbers']:.0%} of its numbers kept"
    )


def _aligned_evidence(
    a: Prepared,
    b: Prepared,
    alignment: Alignment,
    f: dict[str, float],
    t: Thresholds,
    cross_lingual: bool,
    probability: float,
) -> bool:
    """The alignment rule that must hold besides the probability (precision first): shared verbatim
    passages, or ``min_pairs`` sentences aligned mostly in order over enough of the shorter article
    (40%, or 15% at a derivation probability of 0.8 or more with every pair in order).

    Coverage, order and kept 3-grams are those of the content sentences (``f``, from
    :func:`~khabar.relations.derivation.pair_features`): headings, reader comments, share prompts and
    boxes count neither for nor against (they once diluted a rewrite's coverage below the floor).
    The fitted model uses wording features only so far; it does not see the alignment, and alone it
    calls independent English reports of one attack derived (demo corpus).
    """
    passages = 0.0 if cross_lingual else shared_share(a.view.text, b.view.text, 5)
    if passages >= t.passages:
        return True
    coverage = f["coverage_short"]
    wording = 0.0 if cross_lingual else f["ngram3"]
    if len(alignment.pairs) < t.min_pairs or f["in_order"] < _MIN_ORDER:
        return False
    strong = probability >= _STRONG_PROBABILITY and f["in_order"] == 1.0
    if not cross_lingual and strong and coverage >= _STRONG_COVERAGE:
        return True
    return coverage >= _MIN_COVERAGE and coverage + 2 * wording >= t.derived


def _template_reuse(a: Prepared, b: Prepared, alignment: Alignment) -> bool:
    """True when an aligned pair names, on each side, places or people the other article never names.

    Wire templates reused for another event ("struck the village of X in Y province") align well
    sentence by sentence; a rewrite of the same report keeps its names.
    """
    known_a, known_b = _stems(a.view.text), _stems(b.view.text)
    for pair in alignment.pairs:
        # Two new names on each side: one can be a variant ("French" for "France", "Thirteen").
        if _new_names(a.view.sentences, pair.a, known_b) >= 2 and _new_names(b.view.sentences, pair.b, known_a) >= 2:
            return True
    return False


def _new_names(sentences, index: int, known: set[str]) -> int:
    if index >= len(sentences):
        return 0
    found = names("", [sentences[index]]) - _CALENDAR
    return sum(1 for n in found if not _stems(n) <= known)


def _stems(text: str) -> set[str]:
    # First five letters: "Buddhist"/"Buddhists", "Lanka"/"Lankans", "Anthony"/"Anthony's" meet.
    return {w[:5] for w in words(text)}


def _derived(
    a: Prepared,
    b: Prepared,
    relation: Relation,
    score: float,
    passages: float,
    t: Thresholds,
    reason: str,
    alignment: Alignment,
    probability: float,
    features,
) -> Comparison:
    origin, why = direction(a.view, b.view)
    return _comparison(a, b, relation, score, reason, passages, alignment, probability, features, origin, why)


def _not_derived(
    a: Prepared,
    b: Prepared,
    score: float,
    passages: float,
    alignment: Alignment,
    t: Thresholds,
    probability: float,
    features,
) -> Comparison:
    gap = _days_apart(a.view.published, b.view.published)
    if probability < t.derivation:
        derivation = f"derivation probability {probability:.2f} < {t.derivation:.2f}"
    else:  # the model said derived, the alignment rule did not hold (precision first: both must)
        derivation = (
            f"derivation probability {probability:.2f}, but too few sentences re-expressed in order "
            f"(aligned {max(alignment.coverage_a, alignment.coverage_b):.0%})"
        )
    if score >= t.same_story and (gap is None or gap <= t.same_story_days):
        relation = Relation.SAME_STORY
        reason = f"alike stories (story similarity {score:.2f}) written independently ({derivation})"
        if gap is not None:
            reason += f", published {gap:.0f} day(s) apart"
    elif score >= t.same_story:
        relation, reason = (
            Relation.UNRELATED,
            (
                f"alike stories (score {score:.2f}) but published {gap:.0f} days "
                f"apart (more than {t.same_story_days:.0f}): different events"
            ),
        )
    else:
        relation, reason = Relation.UNRELATED, f"different stories (story similarity {score:.2f}; {derivation})"
    return _comparison(a, b, relation, score, reason, passages, alignment, probability, features)


def _comparison(
    a: Prepared,
    b: Prepared,
    relation: Relation,
    score: float,
    reason: str,
    passages: float,
    alignment: Alignment,
    probability: float,
    features,
    origin: str | None = None,
    why: str = "",
) -> Comparison:
    """The Comparison of a decided pair, with its alignment, evidence and (for derived text) direction."""
    return Comparison(
        a.view,
        b.view,
        relation,
        score,
        reason,
        round(alignment.coverage_a, 4),
        round(alignment.coverage_b, 4),
        round(passages, 4),
        round(alignment.in_order, 4),
        alignment.pairs,
        origin,
        why,
        a.model,
        probability,
        tuple(round(float(x), 4) for x in features),
    )


def direction(a: ArticleView, b: ArticleView) -> tuple[str | None, str]:
    """(id of the origin, why) for two articles where one derives from the other.

    The earlier publication is the origin; at equal or unknown times the text decides
    (:func:`khabar.relations.derivation.text_direction`: agency credits, figures and names the
    derived text drops, length and left-out material, combined by a fitted model that answers only
    above a cross-validated confidence), or the direction is undetermined.
    """
    ta, tb = parse_time(a.published), parse_time(b.published)
    if ta is not None and tb is not None:
        ta, tb = _comparable(ta, tb)
    if ta is not None and tb is not None and ta != tb:
        first, second = (a, b) if ta < tb else (b, a)
        return first.id, f"published first ({first.published} before {second.published})"
    when = "published at the same time" if ta is not None and tb is not None else "no publication time for both"
    sign, _, why = text_direction(sentence_texts(a), sentence_texts(b))
    if sign == 0:
        return None, f"{when}; no direction from the text: {why}"
    origin, derived = (a, b) if sign > 0 else (b, a)
    return origin.id, f"{when}; from the text: " + why.format(o=origin.id, d=derived.id)


def parse_time(value: str | None) -> datetime | None:
    """A publication time from ISO 8601 text (date only allowed); None when absent or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _comparable(ta: datetime, tb: datetime) -> tuple[datetime, datetime]:
    # Both with offsets: compare instants. Otherwise compare the clocks as written: a text file's
    # "23:20" is the outlet's local time, and reading it as UTC would reorder a wire and its copy.
    # A date without a time (midnight, no offset: what many pages give) is compared by day only.
    if ta.tzinfo is not None and tb.tzinfo is not None:
        return ta, tb
    ta, tb = ta.replace(tzinfo=None), tb.replace(tzinfo=None)
    if _date_only(ta) or _date_only(tb):
        return datetime(ta.year, ta.month, ta.day), datetime(tb.year, tb.month, tb.day)
    return ta, tb


def _date_only(when: datetime) -> bool:
    return when.hour == 0 and when.minute == 0 and when.second == 0 and when.microsecond == 0


def _days_apart(a: str | None, b: str | None) -> float | None:
    ta, tb = parse_time(a), parse_time(b)
    if ta is None or tb is None:
        return None
    ta, tb = _comparable(ta, tb)
    return abs((ta - tb).total_seconds()) / 86400
