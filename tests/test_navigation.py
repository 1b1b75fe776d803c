"""Links to our pages from CKAN's (issue 12, item 1): 区の比較 in the main menu, the
スコアカード tab on an organisation page, the score box on a dataset page."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.browser import CHROMIUM, browser, served  # noqa: F401,F811 (fixtures)
from tests.conftest import WARDS_PLUGINS

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def _soup(resp) -> BeautifulSoup:
    assert resp.status_code == 200, resp.status_code
    return BeautifulSoup(resp.body, "html.parser")


def _create(user, org, **kw):
    from ckan.tests import helpers
    data = dict(owner_org=org["id"], license_id="cc-by", tags=[{"name": "population"}],
                maintainer_email="steward@example.lg.jp", **kw)
    return helpers.call_action("package_create", context={"user": user["name"]}, **data)


def test_compare_wards_in_the_main_menu_in_en_and_ja(app):
    for prefix, label in (("", "Comparison of wards"), ("/ja", "区の比較")):
        links = _soup(app.get(f"{prefix}/")).select("header nav a")
        hrefs = {a.get_text(strip=True): urlsplit(a["href"]).path for a in links}
        assert hrefs.get(label) == f"{prefix}/wards/compare", hrefs
        # the link leads to a page that is there
        assert app.get(hrefs[label]).status_code == 200


def test_scorecard_tab_on_the_organisation_page(app, org):
    for prefix, label in (("", "Scorecard"), ("/ja", "スコアカード")):
        soup = _soup(app.get(f"{prefix}/organization/{org['name']}"))
        tab = [a for a in soup.select(".page-header .nav-tabs a, .nav-tabs a")
               if a.get_text(strip=True) == label]
        assert len(tab) == 1, soup.select(".nav-tabs")
        assert urlsplit(tab[0]["href"]).path == f"{prefix}/organization/{org['name']}/scorecard"
        assert app.get(tab[0]["href"]).status_code == 200


def test_score_box_shows_the_stored_score(app, org, sysadmin):
    from ckanext.wards.scoring import bulk, scorecard, spec, store
    pkg = _create(sysadmin, org, name="budget", resources=[
        {"url": "https://example.lg.jp/budget.xls", "format": "エクセル"},
        {"url": "https://example.lg.jp/budget.pdf", "format": "PDF形式"}])
    assert bulk.rescore(package_ids=[pkg["id"]]) == 1
    stored = store.dataset_score_row(pkg["id"])
    labels = {m["id"]: m for m in spec.metrics()}
    expected_fixes = [(mid, pts) for mid, pts in stored["fixes"]
                      if mid not in (stored["not_assessed"] or {})][:3]
    assert len(expected_fixes) == 3  # an .xls and a PDF fail more than three checks

    for prefix, lang in (("", "en"), ("/ja", "ja")):
        box = _soup(app.get(f"{prefix}/dataset/budget")).select_one("#wards-score-box")
        assert box is not None
        assert box["data-rating"] == stored["rating"]
        rating_label = scorecard.dataset_box(stored, lang)["rating_label"]
        assert box.select_one(".wards-score-rating").get_text(strip=True) == rating_label
        assert box.select_one(".wards-score-mqa").get_text(strip=True) == \
            f"{stored['mqa_points']} / {spec.max_points('mqa')}"
        assert spec.max_points("mqa") == 405
        assert box.select_one(".wards-score-japan").get_text(strip=True) == \
            f"{stored['japan_points']} / {spec.max_points('japan')}"
        assert box.select_one(".wards-score-stars")["data-value"] == str(stored["stars"])
        fixes = box.select(".wards-score-fixes li")
        assert [(li["data-metric"], int(li["data-points"])) for li in fixes] == expected_fixes
        for li, (mid, _) in zip(fixes, expected_fixes):
            assert spec.text(labels[mid], "fix", lang) in li.get_text()
        assert urlsplit(box.select_one("a.wards-scorecard-link")["href"]).path == \
            f"{prefix}/organization/{org['name']}/scorecard"
        assert urlsplit(box.select_one("a.wards-methodology-link")["href"]).path == \
            f"{prefix}/wards/methodology"
        assert box.select_one(".wards-not-scored") is None


def test_unscored_dataset_says_not_scored_yet(app, org, sysadmin):
    from ckanext.wards.scoring import store
    pkg = _create(sysadmin, org, name="fresh")
    store.delete_scores([pkg["id"]])  # as if the scoring job had not run yet
    for prefix, text in (("", "Not yet scored"), ("/ja", "未採点")):
        box = _soup(app.get(f"{prefix}/dataset/fresh")).select_one("#wards-score-box")
        assert box["data-scored"] == "false"
        assert box.select_one(".wards-not-scored").get_text(strip=True) == text
        assert box.select(".wards-score-figures, .wards-score-fixes") == []


def test_private_dataset_score_only_for_who_sees_the_dataset(app, org, sysadmin):
    from ckanext.wards.scoring import bulk
    pkg = _create(sysadmin, org, name="internal", private=True,
                  resources=[{"url": "https://example.lg.jp/a.csv", "format": "CSV"}])
    bulk.rescore(package_ids=[pkg["id"]])
    assert app.get("/dataset/internal").status_code == 404  # CKAN hides it, box and all
    page = app.get("/dataset/internal", headers={"Authorization": sysadmin["token"]})
    assert _soup(page).select_one("#wards-score-box .wards-score-mqa") is not None


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_dataset_page_screenshot(served, browser, org, sysadmin):  # noqa: F811 (fixtures)
    from ckanext.wards.scoring import bulk
    pkg = _create(sysadmin, org, name="budget", resources=[
        {"url": "https://example.lg.jp/budget.xls", "format": "エクセル"}])
    bulk.rescore(package_ids=[pkg["id"]])
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        resp = page.goto(f"{served}/ja/dataset/budget", wait_until="networkidle")
        assert resp.status == 200
        assert page.is_visible("#wards-score-box .wards-score-mqa")
        # the menu link is there on a real page (at 390 px behind the menu toggle)
        assert page.locator("header a[href$='/wards/compare']").count() == 1
        shot = ARTIFACTS / f"dataset-score-box-{width}.png"
        # clipped from the full page (an element screenshot at 390 px caught the header)
        box = page.locator("#wards-score-box").bounding_box()
        page.screenshot(path=str(ARTIFACTS / f"score-box-{width}.png"), full_page=True, clip=box)
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        page.close()


def test_home_page_introduces_the_portal_and_leads_to_the_comparison(app, org, sysadmin):
    from ckan.tests import helpers
    from ckanext.wards.scoring import bulk
    pkg = _create(sysadmin, org, name="population-csv",
                  resources=[{"url": "https://example.lg.jp/p.csv", "format": "CSV"}])
    bulk.rescore(package_ids=[pkg["id"]])
    action = helpers.call_action("wards_compare")
    for prefix, heading, button in (("", "Open data of Tokyo's special wards, on one scale", "Comparison of wards"),
                                    ("/ja", "東京23区のオープンデータを一つの尺度で", "区の比較")):
        soup = _soup(app.get(f"{prefix}/"))
        box = soup.select_one(".wards-home")
        assert box is not None and box.select_one("h1").get_text(strip=True) == heading
        # the stock placeholder image is gone
        assert "placeholder-420x220" not in str(soup)
        figures = [dd.get_text(strip=True) for dd in box.select("dd")]
        assert figures[:2] == [str(action["selection"]["total"]), str(sum(r["datasets"] for r in action["rows"]))]
        assert figures[2] == f"{action['averages']['machine_readable_strict']} %"
        links = {a.get_text(strip=True): urlsplit(a["href"]).path for a in box.select("a")}
        assert links[button] == f"{prefix}/wards/compare"
        for path in links.values():
            assert app.get(path).status_code == 200, path
    assert set(links.values()) == {"/ja/wards/compare", "/ja/dataset/", "/ja/wards/methodology", "/ja/wards/standards"}
