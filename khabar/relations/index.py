"""The candidate index: which stored articles a new article should be compared with, never all of them.

Three doors, each answering in time that does not grow with the collection:

* **MinHash-LSH** (datasketch) over word 5-shingles finds copies: articles whose estimated
  Jaccard similarity reaches ``copy_threshold``;
* **rare shared key terms** (names and numbers) find rewrites and reports of the same story: the
  new article's rarest key terms are looked up in an inverted index, reading at most the latest
  ``posting_cap`` articles per term, and the articles sharing the most inverse-document-frequency
  weight whose document vectors are close enough (cosine >= 0.6) are kept;
* **multilingual lede vectors** (when enabled) find the same story in another language among the
  articles published within ``window_days`` of the new one. With ``multilingual=auto`` English
  articles are fingerprinted without a lede; the index names those a non-English article should
  meet (:meth:`CandidateIndex.ledes_wanted`) so that the stage embeds their ledes then, once, and
  tells whether an English article has non-English ledes near it (:meth:`CandidateIndex.foreign_ledes_near`).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from ..settings import default_of
from .classify import parse_time
from .fingerprints import NUM_PERM, as_minhash
from .values import Fingerprint

__all__ = ["CandidateIndex", "Candidate"]

_EPOCH = datetime(1970, 1, 1)
_MIN_SHARED_KEYS = 2
_LEDE_MIN_COSINE = 0.84  # e5 cosine of two ledes; unrelated news pairs sit near 0.78
# Articles without a lede embedded for one non-English article at most, nearest in time first: a
# translation appears within days of its original, and e5 costs ~0.15 s a lede on one thread.
LAZY_LEDES = 50


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored article worth comparing with the new one, and which door found it."""

    article_id: str
    door: str  # "minhash" | "keys" | "lede"
    cosine: float  # document-vector cosine with the new article


class CandidateIndex:
    """In-memory index of fingerprints; cheap to build, grows as articles arrive."""

    def __init__(
        self,
        *,
        copy_threshold: float = default_of("copy_threshold"),
        max_keys: int = 12,
        posting_cap: int = 200,
        min_cosine: float = 0.6,
        window_days: float = default_of("same_story_days"),
    ) -> None:
        from datasketch import MinHashLSH  # here: it imports scipy (see fingerprints.py)

        self._lsh = MinHashLSH(threshold=copy_threshold, num_perm=NUM_PERM)
        self._max_keys, self._posting_cap = max_keys, posting_cap
        self._min_cosine, self._window = min_cosine, window_days
        self._postings: dict[str, list[int]] = {}
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._live: list[bool] = []
        self._vectors = np.zeros((0, 0), dtype=np.float16)
        self._languages: list[str] = []
        self._ledes: dict[int, np.ndarray] = {}
        self._lede_times: list[tuple[float, int]] = []  # (days, row), sorted
        self._undated_ledes: list[int] = []
        self._bare_times: list[tuple[float, int]] = []  # rows without a lede (English under auto), sorted
        self._undated_bare: list[int] = []

    def __len__(self) -> int:
        return sum(self._live)

    def __contains__(self, article_id: str) -> bool:
        row = self._rows.get(article_id)
        return row is not None and self._live[row]

    # --- building -------------------------------------------------------------------------------

    def add(self, fp: Fingerprint) -> None:
        """Add an article's fingerprint (again: ignored)."""
        if fp.article_id in self:
            return
        row = len(self._ids)
        self._ids.append(fp.article_id)
        self._rows[fp.article_id] = row
        self._live.append(True)
        self._languages.append(fp.language)
        self._store_vector(row, fp.embedding)
        self._lsh.insert(fp.article_id, as_minhash(fp.minhash), check_duplication=False)
        for key in fp.keys:
            self._postings.setdefault(key, []).append(row)
        if fp.lede is not None:
            self._add_lede(row, fp.lede, fp.published)
        else:
            self._add_bare(row, fp.published)

    def discard(self, article_id: str) -> None:
        """Forget an article (its transaction was rolled back, or it was deleted)."""
        row = self._rows.get(article_id)
        if row is None or not self._live[row]:
            return
        self._live[row] = False
        self._lsh.remove(article_id)

    def _store_vector(self, row: int, vector: np.ndarray) -> None:
        if self._vectors.shape[1] == 0:
            self._vectors = np.zeros((1024, len(vector)), dtype=np.float16)
        if row >= len(self._vectors):  # grow by doubling: amortised O(1) per article
            grown = np.zeros((2 * len(self._vectors), self._vectors.shape[1]), dtype=np.float16)
            grown[: len(self._vectors)] = self._vectors
            self._vectors = grown
        self._vectors[row] = vector

    def _add_lede(self, row: int, lede: np.ndarray, published: str | None) -> None:
        self._ledes[row] = np.asarray(lede, dtype=np.float32)
        days = _days(published)
        if days is None:
            self._undated_ledes.append(row)
        else:
            bisect.insort(self._lede_times, (days, row))

    def _add_bare(self, row: int, published: str | None) -> None:
        days = _days(published)
        if days is None:
            self._undated_bare.append(row)
        else:
            bisect.insort(self._bare_times, (days, row))

    def set_lede(self, article_id: str, lede: np.ndarray, published: str | None) -> None:
        """Give a stored article without a lede its lede vector (embedded lazily by the stage)."""
        row = self._rows.get(article_id)
        if row is None or row in self._ledes:
            return
        self._add_lede(row, lede, published)  # its row stays in the bare lists, skipped from now on

    # --- lazy ledes (multilingual=auto) ------------------------------------------------------------

    def ledes_wanted(self, fp: Fingerprint, *, limit: int = LAZY_LEDES) -> list[str]:
        """Stored articles in another language without a lede, within the window of ``fp`` (which has
        one): nearest in time first, at most ``limit``. Their ledes let the lede door compare them."""
        if fp.lede is None:
            return []
        days = _days(fp.published)
        if days is None:
            near = self._rows_near(self._bare_times, self._undated_bare, None)
        else:  # dated rows by distance in time, then the undated
            lo = bisect.bisect_left(self._bare_times, (days - self._window, -1))
            hi = bisect.bisect_right(self._bare_times, (days + self._window, len(self._ids)))
            dated = sorted(self._bare_times[lo:hi], key=lambda t: (abs(t[0] - days), t[1]))
            near = [r for _, r in dated] + self._undated_bare[-self._posting_cap :]
        rows = [r for r in near if self._live[r] and r not in self._ledes and self._languages[r] != fp.language]
        return [self._ids[r] for r in rows[:limit]]

    def foreign_ledes_near(self, fp: Fingerprint) -> bool:
        """True when an article in another language with a lede lies within the window of ``fp``."""
        rows = self._rows_near(self._lede_times, self._undated_ledes, _days(fp.published))
        return any(self._live[r] and self._languages[r] != fp.language for r in rows)

    def _rows_near(self, times: list[tuple[float, int]], undated: list[int], days: float | None) -> list[int]:
        """Rows of ``times`` within the window of ``days`` (the latest when undated), plus recent undated rows."""
        if days is None:
            return undated[-self._posting_cap :] + [r for _, r in times[-self._posting_cap :]]
        lo = bisect.bisect_left(times, (days - self._window, -1))
        hi = bisect.bisect_right(times, (days + self._window, len(self._ids)))
        return [r for _, r in times[lo:hi]] + undated[-self._posting_cap :]

    # --- querying -------------------------------------------------------------------------------

    def candidates(self, fp: Fingerprint, *, limit: int = 20) -> list[Candidate]:
        """The stored articles to compare with ``fp``: copies first, then by document-vector cosine."""
        found: dict[str, Candidate] = {}
        for article_id in self._lsh.query(as_minhash(fp.minhash)):
            if article_id != fp.article_id and article_id in self:
                found[article_id] = Candidate(article_id, "minhash", self._cosine(fp, self._rows[article_id]))
        for row in self._key_rows(fp, limit):
            article_id = self._ids[row]
            cosine = self._cosine(fp, row)
            if article_id not in found and article_id != fp.article_id and cosine >= self._min_cosine:
                found[article_id] = Candidate(article_id, "keys", cosine)
        if fp.lede is not None:
            for row, cosine in self._lede_rows(fp):
                article_id = self._ids[row]
                if article_id not in found and article_id != fp.article_id:
                    found[article_id] = Candidate(article_id, "lede", cosine)
        ranked = sorted(found.values(), key=lambda c: (c.door != "minhash", -c.cosine, c.article_id))
        return ranked[:limit]

    def _cosine(self, fp: Fingerprint, row: int) -> float:
        return float(self._vectors[row].astype(np.float32) @ np.asarray(fp.embedding, dtype=np.float32))

    def _key_rows(self, fp: Fingerprint, limit: int) -> list[int]:
        """Rows sharing the most rare-key weight with ``fp`` (at least two keys), best first."""
        total = max(len(self._ids), 1)
        known = [k for k in fp.keys if k in self._postings]
        rarest = sorted(known, key=lambda k: (len(self._postings[k]), k))[: self._max_keys]
        weight: defaultdict[int, float] = defaultdict(float)  # summed idf (a Counter holds ints)
        shared: Counter[int] = Counter()
        for key in rarest:
            postings = self._postings[key]
            idf = math.log(1 + total / len(postings))
            for row in postings[-self._posting_cap :]:
                if self._live[row]:
                    weight[row] += idf
                    shared[row] += 1
        by_weight = sorted(weight.items(), key=lambda item: item[1], reverse=True)  # as Counter.most_common
        rows = [r for r, _ in by_weight if shared[r] >= _MIN_SHARED_KEYS]
        return rows[: 3 * limit]

    def _lede_rows(self, fp: Fingerprint) -> list[tuple[int, float]]:
        """Rows in another language whose lede vector is close, within the publication window."""
        rows = self._rows_near(self._lede_times, self._undated_ledes, _days(fp.published))
        rows = [r for r in rows if self._live[r] and self._languages[r] != fp.language]
        if not rows:
            return []
        matrix = np.stack([self._ledes[r] for r in rows])
        cosines = matrix @ np.asarray(fp.lede, dtype=np.float32)
        best = np.argsort(-cosines)[:5]
        return [(rows[i], float(cosines[i])) for i in best if cosines[i] >= _LEDE_MIN_COSINE]


def _days(published: str | None) -> float | None:
    """Publication time as days since 1970 (wall-clock; see classify._comparable)."""
    when = parse_time(published)
    if when is None:
        return None
    return (when.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
