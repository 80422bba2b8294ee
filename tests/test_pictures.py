"""Pure picture geometry: marked article text, maps, lineage layout, country outlines."""

from __future__ import annotations

import struct

from khabar.models import Mark, Paragraph
from khabar.render.graphs import GraphEdge, GraphNode, layered_picture
from khabar.render.maps import MapPoint, map_picture
from khabar.render.marks import mark_paragraphs
from khabar.render.outlines import Country, load_outlines, read_shapefile

TEXT = "ISKP claimed the attack in Kabul. Officials said 12 died.\n\nThe Taliban denied it."
PARAS = (Paragraph(0, 0, 57, "en", 1.0), Paragraph(1, 59, len(TEXT), "en", 1.0))


def test_marked_runs_keep_every_character_once():
    marks = [
        Mark(0, 4, "mention", "ORG", "actor:iskp"),
        Mark(27, 32, "mention", "GPE", "place:1"),
        Mark(5, 32, "event", "bombing"),
    ]
    paragraphs = mark_paragraphs(TEXT, PARAS, marks, highlight=(0, 33))
    assert "".join(r.text for p in paragraphs for r in p.runs) == TEXT[:57] + TEXT[59:]
    runs = paragraphs[0].runs
    assert runs[0].text == "ISKP" and runs[0].mention.entity_id == "actor:iskp" and runs[0].first_cited
    kabul = next(r for r in runs if r.text == "Kabul")
    assert kabul.mention.entity_id == "place:1" and kabul.event.label == "bombing" and kabul.cited
    assert sum(r.first_cited for p in paragraphs for r in p.runs) == 1
    assert not any(r.cited for r in paragraphs[1].runs)


def test_highlight_across_paragraphs_has_one_anchor():
    paragraphs = mark_paragraphs(TEXT, PARAS, [], highlight=(34, len(TEXT)))
    assert sum(r.first_cited for p in paragraphs for r in p.runs) == 1
    assert all(r.cited for r in paragraphs[1].runs)


def test_map_frames_its_points_and_keeps_landscape():
    square = Country("Squareland", "SQL", (((60.0, 30.0), (75.0, 30.0), (75.0, 40.0), (60.0, 40.0)),))
    far = Country("Farland", "FAR", (((-100.0, -10.0), (-90.0, -10.0), (-90.0, 0.0)),))
    m = map_picture(
        [MapPoint(69.2, 34.5, "Kabul", "/event/1", 4), MapPoint(71.5, 34.0, "Peshawar")], outlines=[square, far]
    )
    x, y, w, h = m.view
    assert w >= 1.5 * h
    assert [name for name, _ in m.countries] == ["Squareland"]
    for mark in m.marks:
        assert x <= mark.x <= x + w and y <= mark.y <= y + h
    assert m.marks[0].label == "Kabul" and m.marks[0].r > m.marks[1].r  # weight 4 draws bigger
    assert map_picture([], outlines=[]).outlines is False


def test_lineage_layout_puts_derived_articles_right_of_their_origin():
    nodes = [
        GraphNode("o", "Original", "A · 2024-01-01", "/article/o", "o", "2024-01-01"),
        GraphNode("c", "Copy", "B · 2024-01-02", "/article/c", "o", "2024-01-02"),
        GraphNode("r", "Rewrite of copy", "C · 2024-01-03", "/article/r", "o", "2024-01-03"),
        GraphNode("x", "Other origin", "D", "/article/x", "x", "2023"),
        GraphNode("y", "Other copy", "E", "/article/y", "x", "2024"),
    ]
    edges = [GraphEdge("o", "c", "copy"), GraphEdge("c", "r", "rewrite"), GraphEdge("y", "x", "copy", directed=False)]
    pic = layered_picture(nodes, edges)
    box = {b.node.id: b for b in pic.boxes}
    assert box["o"].x < box["c"].x < box["r"].x
    assert box["o"].origin and not box["c"].origin
    assert box["x"].x < box["y"].x  # unknown direction: the later article to the right
    assert box["x"].y > box["r"].y  # second group in its own band below
    assert len(pic.edges) == 3 and pic.width > box["r"].x


def _shapefile() -> tuple[bytes, bytes]:
    ring = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 0.0)]
    content = struct.pack("<i4d2i", 5, 0, 0, 10, 10, 1, len(ring)) + struct.pack("<i", 0)
    content += b"".join(struct.pack("<dd", *p) for p in ring)
    shp = b"\0" * 100 + struct.pack(">ii", 1, len(content) // 2) + content
    fields = [(b"name", 10), (b"iso_a3", 3)]
    header = 32 + 32 * len(fields) + 1
    size = 1 + sum(w for _, w in fields)
    dbf = bytearray(struct.pack("<4xIHH20x", 1, header, size))
    for name, width in fields:
        dbf += name.ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([width]) + b"\0" * 15
    dbf += b"\r" + b" " + b"Testland".ljust(10) + b"TST"
    return shp, bytes(dbf)


def test_shapefile_reader():
    [country] = read_shapefile(*_shapefile())
    assert country.name == "Testland" and country.iso3 == "TST"
    assert country.rings == (((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 0.0)),)


def test_packaged_outlines(outlines):
    assert load_outlines() == outlines  # the fixture builds them when missing, as `make outlines` does
    names = {c.name for c in outlines}
    assert {"Afghanistan", "Nigeria", "Somalia"} <= names and len(outlines) > 150
