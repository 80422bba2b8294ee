"""Cross-article resolution, alias evidence, conflicts and analyst edits, on the demo corpus."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import khabar
from khabar.cli import app
from khabar.names import variant_key
from tests.conftest import write_article


def entity_of(store, source_part: str, text: str) -> set[str]:
    """Entity ids of the mentions with this exact text in articles whose source contains source_part."""
    rows = store.conn.execute(
        "SELECT DISTINCT m.entity_id FROM mentions m JOIN articles a ON a.id = m.article_id "
        "WHERE a.source LIKE ? AND m.text = ?",
        (f"%{source_part}%", text),
    )
    return {r[0] for r in rows}


@pytest.mark.parametrize(
    "a, b",
    [
        ("al-Qaeda", "Al Qaida"),
        ("al-Qa'ida", "al Qaeda"),
        ("Islamic State Khorasan", "Islamic State Khurasan"),
        ("Mazar-i-Sharif", "Mazar-e Sharif"),
        ("Hezbollah", "Hizbollah"),
        ("al-Shabaab", "Al Shabab"),
        ("Mohammed Yusuf", "Muhammad Yousuf"),
    ],
)
def test_spelling_variants_share_a_key(a, b):
    assert variant_key(a) == variant_key(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Islamic State", "Islamic State Khorasan Province"),
        ("Kunar", "Kunduz"),
        ("Sirajuddin Haqqani", "Jalaluddin Haqqani"),
    ],
)
def test_different_names_keep_different_keys(a, b):
    assert variant_key(a) != variant_key(b)


def test_affiliate_is_linked_to_its_parent_not_merged(demo_db):
    with khabar.open_kb(demo_db) as store:
        assert entity_of(store, "sa-iskp-explainer", "ISKP") == {"actor:iskp"}
        assert entity_of(store, "sa-iskp-profile", "IS-K") == {"actor:iskp"}
        assert "actor:islamic-state" not in entity_of(store, "sa-iskp", "ISKP")
    dossier = khabar.who("ISIS-K", db=demo_db)
    assert dossier.entity.id == "actor:iskp"
    assert ("affiliate_of", "actor:islamic-state") in {(k.relation, k.entity.id) for k in dossier.links}
    parent = khabar.who("Islamic State", db=demo_db)
    assert ("has_affiliate", "actor:iskp") in {(k.relation, k.entity.id) for k in parent.links}


def test_two_haqqanis_and_two_baghdadis_stay_apart(demo_db):
    with khabar.open_kb(demo_db) as store:
        assert entity_of(store, "sa-khalil-haqqani", "Khalil Haqqani") == {"person:khalil-haqqani"}
        assert entity_of(store, "sa-haqqani-network", "Sirajuddin Haqqani") == {"person:sirajuddin-haqqani"}
        assert entity_of(store, "sa-khalil-haqqani", "Haqqani") == {"person:khalil-haqqani"}
        assert entity_of(store, "me-abu-omar", "Abu Omar al-Baghdadi") == {"person:abu-omar-al-baghdadi"}
        assert entity_of(store, "me-baghdadi-raid", "Abu Bakr al-Baghdadi") == {"person:abu-bakr-al-baghdadi"}
        assert entity_of(store, "sa-haqqani-network", "Haqqani network") == {"actor:haqqani-network"}


def test_shared_name_decided_by_the_article_countries(demo_db):
    with khabar.open_kb(demo_db) as store:
        assert entity_of(store, "af-palma", "al-Shabaab") == {"actor:ansar-al-sunna-mozambique"}
        assert entity_of(store, "af-palma", "Somali al-Shabaab") == {"actor:al-shabaab"}
        assert entity_of(store, "af-mogadishu-2022-wire-horn", "Al-Shabaab") <= {"actor:al-shabaab"}


def test_every_alias_has_evidence(demo_db):
    with khabar.open_kb(demo_db) as store:
        rows = store.conn.execute("SELECT source, article_id, char_start, char_end FROM aliases").fetchall()
        for source, article_id, start, end in rows:
            if source in ("text", "stated"):
                assert article_id and 0 <= start < end, (source, article_id, start, end)
            else:
                assert source in ("registry", "gazetteer", "analyst") and article_id == ""
    aliases = {a.alias: a for a in khabar.who("ISKP", db=demo_db).aliases}
    assert "stated" in aliases["ISKP"].sources and aliases["ISKP"].citations
    assert "registry" in aliases["Islamic State Khorasan Province"].sources


STATED_WRONG = """KABUL — Islamic State Khorasan Province (ISIS) said it carried out the attack in Kabul on
Friday, according to a statement. Islamic State Khorasan Province has attacked the city before, and
analysts in Kabul said the claim looked genuine. The group is active in Nangarhar and Kunar."""


def test_an_alias_joining_two_registry_entities_is_a_conflict_not_a_merge(tmp_path):
    write_article(tmp_path, "wrong.txt", STATED_WRONG, outlet="Test Wire", published="2022-01-07")
    db = tmp_path / "kb.db"
    khabar.ingest([tmp_path], db=db)
    conflicts = khabar.alias_conflicts(db=db)
    assert [(c.alias, c.entity_id, c.other_id) for c in conflicts] == [("ISIS", "actor:iskp", "actor:islamic-state")]
    assert conflicts[0].article_id and conflicts[0].start >= 0
    with khabar.open_kb(db) as store:
        assert entity_of(store, "wrong", "ISIS") == {"actor:islamic-state"}
    assert "ISIS" not in {a.alias for a in khabar.who("ISKP", db=db).aliases}


NEW_KHALIL = """KABUL — Relatives of Khalil Haqqani gathered in Kabul on Thursday to mark a month since the
minister for refugees was killed. Khalil Haqqani had been under US sanctions since 2011, and his
family said the attack would not change the ministry's work in Kabul or in Paktia."""


def test_merge_split_undo_are_recorded_reversible_and_survive_reingest(demo_copy, tmp_path):
    edit = khabar.merge("Khalil Haqqani", "Sirajuddin Haqqani", db=demo_copy, reason="test merge", analyst="ana")
    assert (edit.action, edit.analyst, edit.reason) == ("merge", "ana", "test merge")
    assert khabar.who("Khalil Haqqani", db=demo_copy).entity.id == "person:sirajuddin-haqqani"
    write_article(tmp_path, "khalil.txt", NEW_KHALIL, outlet="Late Wire", published="2025-01-11")
    khabar.ingest([tmp_path], db=demo_copy)  # a later article follows the merge
    with khabar.open_kb(demo_copy) as store:
        assert entity_of(store, "khalil.txt", "Khalil Haqqani") == {"person:sirajuddin-haqqani"}
    khabar.undo(db=demo_copy, analyst="bo")
    with khabar.open_kb(demo_copy) as store:
        assert entity_of(store, "khalil.txt", "Khalil Haqqani") == {"person:khalil-haqqani"}
        assert entity_of(store, "sa-khalil-haqqani", "Khalil Haqqani") == {"person:khalil-haqqani"}
        assert store.edits()[0].undone_at
    split = khabar.split("Islamic State", ["Daesh"], db=demo_copy, reason="analyst's reading", analyst="ana")
    moved = khabar.who("Daesh", db=demo_copy)
    assert moved.entity.id == split.target_id != "actor:islamic-state"
    khabar.undo(db=demo_copy)
    assert khabar.who("Daesh", db=demo_copy).entity.id == "actor:islamic-state"


def test_cli_merge_needs_a_reason_and_lists_edits(demo_copy):
    runner = CliRunner()
    missing = runner.invoke(app, ["merge", "Khalil Haqqani", "Sirajuddin Haqqani", "--db", str(demo_copy)])
    assert missing.exit_code != 0
    done = runner.invoke(
        app,
        [
            "merge",
            "Khalil Haqqani",
            "Sirajuddin Haqqani",
            "--reason",
            "same family",
            "--analyst",
            "ana",
            "--db",
            str(demo_copy),
        ],
    )
    assert done.exit_code == 0 and "Recorded edit #1" in done.output
    listed = runner.invoke(app, ["edits", "--db", str(demo_copy)]).output
    assert "ana: merge person:khalil-haqqani -> person:sirajuddin-haqqani (in force)" in listed
    assert "Undid edit #1" in runner.invoke(app, ["undo", "--db", str(demo_copy)]).output
    nothing = runner.invoke(app, ["undo", "--db", str(demo_copy)])
    assert nothing.exit_code != 0
