"""The web app in a real browser: Debian's Chromium driven by Playwright against the app on a local port.

Skipped, with a loud reason, when Chromium is not installed (``make browser`` installs it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image
from webfixtures import browser, live_demo, running  # noqa: F401  (fixtures)

import khabar
from khabar.web import create_app

pytestmark = pytest.mark.browser


def assert_not_blank(png: Path) -> None:
    """A screenshot shows something: its pixels vary and use many colours (a blank page has one)."""
    pixels = image.imread(png)[..., :3]
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert pixels.std() > 0.05, f"{png} looks blank (std {pixels.std():.3f})"
    assert len(colours) > 50, f"{png} has only {len(colours)} colours"


def test_dossier_citation_leads_to_the_highlighted_sentence(browser, live_demo, demo_db, tmp_path):  # noqa: F811
    dossier = khabar.who("ISKP", db=demo_db)
    page = browser.new_page()
    page.goto(f"{live_demo}/who?name=ISKP")
    assert page.locator("h1").inner_text().startswith(dossier.entity.name)
    page.screenshot(path=tmp_path / "dossier.png", full_page=True)
    assert_not_blank(tmp_path / "dossier.png")

    cited = dossier.evidence[1]
    page.locator("#evidence a.cite").nth(1).click()
    page.wait_for_url(f"**/article/{cited.article_id}?start={cited.start}&end={cited.end}#cited")
    anchor = page.locator("mark#cited")
    assert anchor.is_visible()
    box, height = anchor.bounding_box(), page.viewport_size["height"]
    assert 0 <= box["y"] < height, "the cited sentence is not scrolled into view"
    marked = "".join(page.locator("mark").all_text_contents())
    assert marked == cited.text
    page.screenshot(path=tmp_path / "article.png")
    assert_not_blank(tmp_path / "article.png")
    page.close()


def test_lineage_graph_opens_from_the_dossier(browser, live_demo, demo_db, tmp_path):  # noqa: F811
    dossier = khabar.who("ISKP", db=demo_db)
    page = browser.new_page()
    page.goto(f"{live_demo}/entity/{dossier.entity.id}")
    page.click("text=Lineage of its reports")
    page.wait_for_url("**/lineage?entity=*")
    view = khabar.lineage_view(db=demo_db, entity=dossier.entity.id)
    assert page.locator("svg.lineage g.node").count() == sum(len(g.members) for g in view.groups) > 0
    page.locator("svg.lineage").screenshot(path=tmp_path / "lineage.png")
    assert_not_blank(tmp_path / "lineage.png")
    page.locator("svg.lineage a").first.click()  # a node opens its article
    page.wait_for_url("**/article/*")
    assert page.locator("h1").inner_text() == view.groups[0].members[0].title
    page.close()


def test_events_map_in_the_browser(browser, live_demo, tmp_path, outlines):  # noqa: F811
    page = browser.new_page()
    page.goto(live_demo + "/events")
    dots = page.locator("svg circle.dot")
    assert dots.count() > 0 and page.locator("svg path.country").count() > 20
    page.locator("figure.map svg").screenshot(path=tmp_path / "map.png")
    assert_not_blank(tmp_path / "map.png")
    page.locator("figure.map svg a").last.click()  # drawn last: on top of any overlapping dot
    page.wait_for_url("**/event/*")
    assert page.locator("#main, main h1").first.inner_text()
    page.close()


def test_pages_render_in_the_browser(browser, live_demo, tmp_path):  # noqa: F811
    page = browser.new_page()
    for name, path in [
        ("home", "/"),
        ("search", "/search?q=suicide+bomber"),
        ("groups", "/entities?cls=GROUP"),
        ("export", "/export"),
        ("events", "/events"),
        ("lineage", "/lineage"),
    ]:
        page.goto(live_demo + path)
        page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
        assert_not_blank(tmp_path / f"{name}.png")
    page.close()


HOSTILE_TEXT = """---
title: Raid report <script>window.__pwned = 'title'; document.title = 'pwned'</script>
outlet: Hostile Wire <img src=x onerror="window.__pwned='outlet'">
url: javascript:window.__pwned='url'
published: 2024-06-01
---
Boko Haram fighters attacked a market in Maiduguri on Saturday, officials said.
<script>window.__pwned = 'body'; document.title = 'pwned'</script>
<img src="x" onerror="window.__pwned = 'onerror'"> <svg onload="window.__pwned = 'onload'"></svg>
<body onload="window.__pwned='body-onload'"> <iframe src="javascript:parent.__pwned='iframe'"></iframe>
The governor of Borno State said <a href="javascript:window.__pwned='link'">the attackers</a> fled.
"""

HOSTILE_HTML = """<!doctype html><html><head><title>Kano alert &lt;script&gt;window.__pwned='t'&lt;/script&gt;</title>
<script>window.__pwned = 'page-script'</script></head>
<body onload="window.__pwned='page-onload'"><article><h1>Kano alert</h1>
<p>Police in Kano said Boko Haram gunmen were seen near the city on Sunday, officials told reporters at a briefing.</p>
<p>Residents quoted a leaflet reading &lt;script&gt;window.__pwned = 'escaped-text'&lt;/script&gt; and
&lt;img src=x onerror="window.__pwned='escaped-img'"&gt; which the police called a hoax.</p>
<p><img src="x" onerror="window.__pwned='real-img'"> The army said patrols were increased across Kano State.</p>
</article></body></html>
"""


def test_hostile_article_runs_nothing_in_the_browser(browser, demo_db, tmp_path):  # noqa: F811
    db = tmp_path / "kb.db"
    shutil.copy(demo_db, db)
    files = tmp_path / "upload"
    files.mkdir()
    (files / "raid.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (files / "kano.html").write_text(HOSTILE_HTML, encoding="utf-8")
    settings = khabar.load_settings({"data_dir": str(tmp_path / "data")})
    with running(create_app(db, settings=settings)) as url:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + "/ingest")
        page.set_input_files("input[name=files]", [str(files / "raid.txt"), str(files / "kano.html")])
        page.click("form.ingest button[type=submit]")
        page.wait_for_selector('[data-state="done"]', timeout=120_000)  # the job page refreshes itself
        assert "2 added" in page.inner_text("main")

        pages = _hostile_pages(db)
        for with_csp in (True, False):
            if not with_csp:  # prove the escaping alone holds: strip the Content-Security-Policy header
                page.route("**/*", _without_csp)
            for path in pages:
                page.goto(url + path)
                page.wait_for_load_state("load")
                assert page.evaluate("window.__pwned") is None, (path, with_csp)
                assert page.evaluate("document.scripts.length") == 0, path
                assert page.title() != "pwned" and page.title().endswith(" · khabar"), page.title()
                assert page.locator("iframe, svg[onload], img[onerror], body[onload]").count() == 0, path
        text = page.goto(url + pages[0]) and page.inner_text("main")
        assert "<script>window.__pwned = 'body'" in text  # shown as text, exactly as the article has it
        assert not dialogs
        page.screenshot(path=tmp_path / "hostile.png", full_page=True)
        assert_not_blank(tmp_path / "hostile.png")
        page.close()


def _hostile_pages(db: Path) -> list[str]:
    raid = khabar.search("Maiduguri market Saturday", db=db)[0].citation
    kano = khabar.search("leaflet hoax", db=db)[0].citation
    boko = khabar.who("Boko Haram", db=db).entity.id
    return [
        f"/article/{raid.article_id}?start={raid.start}&end={raid.end}",
        f"/article/{kano.article_id}",
        "/search?q=pwned",
        "/search?q=script",
        "/articles",
        f"/entity/{boko}",
        "/",
        "/events",
        "/lineage",
        f"/lineage?article={raid.article_id}",
    ]


def _without_csp(route) -> None:
    response = route.fetch()
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"}
    route.fulfill(response=response, headers=headers)


# --- issue 13: lists, edits, small screens, lineage -------------------------------------------


def test_facet_sort_and_next_page_by_clicking(browser, live_demo, demo_db):  # noqa: F811
    page = browser.new_page()
    page.goto(f"{live_demo}/entities")
    total = int(page.locator("#total").inner_text())
    facet = page.locator('section.facet[data-facet="class"] li').first
    expected = int(facet.locator(".count").inner_text())
    facet.locator("a").click()
    page.wait_for_url("**class=*")
    assert int(page.locator("#total").inner_text()) == expected < total
    page.locator('a.sort[data-sort="name"]').click()
    page.wait_for_url("**sort=*")
    names = page.locator("table.list tbody td:first-child a.entity").all_inner_texts()
    assert names == sorted(names, key=lambda n: n.lower()) or names == sorted(
        names, key=lambda n: n.lower(), reverse=True
    )
    if expected > 50:
        page.locator('a[rel="next"]').click()
        page.wait_for_url("**page=2*")
        assert "51–" in page.locator("#counts").inner_text()
    page.close()


def test_merge_from_the_page_and_undo_it(browser, tmp_path, demo_db):  # noqa: F811
    import shutil

    db = tmp_path / "kb.db"
    shutil.copy(demo_db, db)
    with running(create_app(db)) as url:
        page = browser.new_page()
        page.goto(f"{url}/entity/person:iyad-ag-ghaly")
        page.fill('#merge-form input[name="source"]', "Ag Ghaly")
        page.fill('#merge-form input[name="reason"]', "same man, surname only")
        page.click('#merge-form button[type="submit"]')
        page.wait_for_selector("#edit-done")
        assert khabar.edits(db=db)[-1].action == "merge" and not khabar.edits(db=db)[-1].undone_at
        page.click('#edit-done button[name="undo"]')
        page.wait_for_selector("text=Undid edit")
        assert khabar.edits(db=db)[-1].undone_at
        page.close()


def test_pages_fit_a_360_px_screen(browser, live_demo, tmp_path):  # noqa: F811
    page = browser.new_page()  # the fixture is a BrowserContext: size this page's viewport
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/entity/actor:iskp", "/events", "/entities"):
        page.goto(f"{live_demo}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide on a 360 px screen"
    page.goto(f"{live_demo}/entity/actor:iskp")
    page.screenshot(path=tmp_path / "phone.png", full_page=False)
    assert_not_blank(tmp_path / "phone.png")
    shutil.copy(tmp_path / "phone.png", Path("/tmp") / "khabar-360.png") if Path("/tmp").is_dir() else None
    page.close()


def test_saved_dossier_opens_from_the_file_alone(browser, live_demo, tmp_path):  # noqa: F811
    import urllib.request

    with urllib.request.urlopen(f"{live_demo}/entity/actor:iskp/dossier.html") as answer:
        saved = tmp_path / "dossier.html"
        saved.write_bytes(answer.read())
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(saved.as_uri())
    assert page.locator("h1").inner_text().startswith("Islamic State Khorasan Province")
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor") == "rgb(23, 32, 43)"
    assert page.evaluate("document.querySelector('figure.timeline img').naturalWidth") > 0
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    page.close()


def test_lineage_picture_has_no_self_loops(browser, live_demo):  # noqa: F811
    page = browser.new_page()
    page.goto(f"{live_demo}/lineage")
    edges = page.evaluate("""[...document.querySelectorAll('svg.lineage .edge')].map(e =>
        [e.getAttribute('data-from'), e.getAttribute('data-to')])""")
    assert edges, "the lineage picture draws no edges"
    assert all(a and b and a != b for a, b in edges), edges
    page.close()
