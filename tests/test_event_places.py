"""Event places on reports written by others (issue 10): the place an event is given, and how the
names around it are geocoded. Every text here is written for these tests (no sentence comes from
an evaluation set)."""

from __future__ import annotations

import json

import pytest

from khabar.events.syntax import Name


def _events(tmp_path, text: str, published: str = "2021-06-05"):
    import khabar

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"title": "Report", "text": text, "published": published}) + "\n")
    khabar.ingest([feed], db=tmp_path / "kb.db")
    return khabar.events(db=tmp_path / "kb.db")


def _place(tmp_path, event):
    import khabar

    with khabar.open_kb(tmp_path / "kb.db") as store:
        return store.place(event.reports[0].place_id) if event.reports[0].place_id else None


def _name(start: int, text: str, level: str, area: str = "") -> Name:
    return Name(start, start + len(text), text, "GPE", f"place:{start}", text, level, area)


def _clue(places: tuple[Name, ...], attached: int):
    from khabar.events.sentences import Clue

    return Clue(0, 99, "shelling", True, True, None, places, attached, (), (), (), None)


def test_an_unresolved_village_hit_gives_way_to_the_province_named_later():
    from khabar.events.article import _event_place

    village = _name(30, "Qarwandi", "unresolved")
    province = _name(50, "Kandahar", "admin1", "AF/Kandahar")
    country = _name(70, "Afghanistan", "country", "AF/")
    placed = _event_place(_clue((village, province), 1), [], None, None)
    assert (placed.text, placed.start, placed.entity_id, placed.level) == ("Qarwandi", 50, "place:50", "admin1")
    # a country is too coarse to replace it
    assert _event_place(_clue((village, country), 1), [], None, None) is village
    # still the place named, when nothing else is; the lead's province when the lead names one
    assert _event_place(_clue((village,), 1), [], None, None) is village
    assert _event_place(_clue((village,), 1), [], None, province).entity_id == "place:50"
    # a resolved place attached to the act keeps the event
    town = _name(30, "Spin Boldak", "city", "AF/Kandahar")
    assert _event_place(_clue((town, province), 1), [], None, None) is town


def test_a_village_the_gazetteer_lacks_is_placed_in_the_province_its_sentence_names(tmp_path):
    text = "On 3 June 2021, a farmer was shot dead near Qarwandiyeh, a village in the north of Kandahar province."
    [event] = _events(tmp_path, text)
    place = _place(tmp_path, event)
    assert place is not None and place.resolved, event
    assert place.country == "AF" and "Kandah" in (place.admin1 or ""), place


def _geocode(text: str, mentions: list[tuple[str, str]]):
    from khabar.places import PlaceSpan, geocode

    spans = [PlaceSpan(text.index(m), text.index(m) + len(m), m, label) for m, label in mentions]
    return geocode(text, spans)


def test_a_demonym_does_not_keep_a_region_spelled_another_way_out_of_its_country():
    # "Idleb" is another romanisation of Idlib (Syria); the Turkish forces say who shelled, not where
    text = "On 2 March 2021, Turkish forces shelled the outskirts of Kafr Nabudah village in Idleb."
    places = _geocode(text, [("Turkish", "NORP"), ("Idleb", "GPE")])
    assert (places[1].name, places[1].level, places[1].country) == ("Idlib", "admin1", "SY"), places[1]
    # a place of the article still decides: a region spelled another way in the article's country
    text = "On 2 March 2021, Russian jets bombed a market in Idleb, and shells fell on Aleppo."
    places = _geocode(text, [("Russian", "NORP"), ("Idleb", "GPE"), ("Aleppo", "GPE")])
    assert (places[1].name, places[1].country) == ("Idlib", "SY"), places[1]


@pytest.fixture(scope="module")
def nlp():
    from khabar.nlp import load_pipeline
    from khabar.settings import load_settings

    return load_pipeline(load_settings().spacy_model)


@pytest.mark.parametrize(
    "text, places",
    [
        # a bracket of areas after a name the NER read as a person or an organisation
        (
            "On 4 July 2021, bandits raided Dankolo (Maru LGA, Zamfara) and stole about 200 cows.",
            ["Dankolo", "Maru LGA", "Zamfara"],
        ),
        # "the village of X" and its areas
        (
            "On 4 July 2021, jihadists killed six herders in the village of Tongouni (Ouallam, Tillaberi).",
            ["Tongouni", "Tillaberi"],
        ),
    ],
)
def test_a_name_with_its_areas_in_brackets_is_a_place(nlp, text, places):
    found = [e.text for e in nlp(text).ents if e.label_ in ("GPE", "LOC")]
    assert set(places) <= set(found), [(e.text, e.label_) for e in nlp(text).ents]


@pytest.mark.parametrize(
    "text, person",
    [
        ("Tony Rominger (Switzerland) won the stage by a minute.", "Tony Rominger"),
        ("Amina Yusuf (Kano, Nigeria) took the silver medal.", "Amina Yusuf"),
    ],
)
def test_a_person_named_in_full_with_a_country_in_brackets_stays_a_person(nlp, text, person):
    assert (person, "PERSON") in [(e.text, e.label_) for e in nlp(text).ents]
