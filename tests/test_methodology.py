"""The methodology page (/wards/methodology): rendered from metrics.yaml and the report
metrics, with the anchors the comparison page's and the scorecard's column headers link to.
The browser test keeps ``test-artifacts/methodology-{1280,390}.png``."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from ckanext.wards.report import measurements
from ckanext.wards.scoring import methodology, spec, states
from tests.browser import CHROMIUM, browser, served  # noqa: F401,F811 (fixtures)
from tests.conftest import WARDS_PLUGINS
from tests.lazy import factories

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# The anchors other pages and the metric vocabulary link to (issue 12/13): never renamed.
FIXED_ANCHORS = ("machine-readable-strict", "machine-readable-broad", "api", "standard-conformance",
                 "mqa", "japan-score")


# The innermost elements that reach past the viewport's right edge (what to fix).
WIDER_THAN = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width
               && ![...e.children].some(c => c.getBoundingClientRect().right > width))
  .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


# --- pure ------------------------------------------------------------------------------

def test_anchors_are_the_promised_ones():
    assert methodology.methodology_anchor("metric", "pv:keywordAvailability") == "metric-pv-keywordAvailability"
    assert methodology.methodology_anchor("dimension", "findability") == "dimension-findability"
    assert methodology.methodology_anchor("band", "good") == "band-good"
    assert methodology.methodology_anchor("report", "csvShare") == "report-csvShare"
    for concept in FIXED_ANCHORS:
        assert methodology.methodology_anchor("concept", concept) == concept
    for bad in (("concept", "nothing"), ("column", "x"), ("metric", "")):
        with pytest.raises(ValueError):
            methodology.methodology_anchor(*bad)


def test_content_covers_every_metric_band_reason_and_report_metric():
    for lang in ("ja", "en"):
        c = methodology.content(lang)
        shown = {m["id"]: m for p in c["parts"] for d in p["dimensions"] for m in d["metrics"]}
        assert list(shown) == [m["id"] for m in spec.metrics()]
        assert all(m["passes"] and m["label"] and m["fix"] for m in shown.values())
        assert {p["anchor"]: p["max_points"] for p in c["parts"]} == {"mqa": 405, "japan-score": 180}
        # a metric's reasons are its metrics.yaml reasons, with their texts and commands
        std = shown["wq:standardConformance"]
        assert [r["code"] for r in std["reasons"]] == spec.metric_by_id()["wq:standardConformance"]["reasons"]
        assert all(r["reason_label"] and r["reason_fix"] for r in std["reasons"])
        assert [b["id"] for b in c["bands"]] == [b["id"] for b in spec.spec()["bands"]]
        assert [r["code"] for r in c["reasons"]] == list(states.reasons())
        report = [m for d in c["report"] for m in d["metrics"]]
        assert sorted(m["id"] for m in report) == sorted(m["id"] for m in measurements.metric_spec()["metrics"])
        assert all(m["definition"] for m in report)
    # 標準準拠率 counts declarations, and the data says so
    std_share = methodology.short_definition("concept", "standard-conformance", "en")
    assert "DECLARE" in std_share
    assert "宣言" in methodology.short_definition("report", "standardConformanceShare", "ja")


def test_short_definitions_are_one_sentence():
    assert methodology.first_sentence("Use a format (e.g. CSV). Then more.") == "Use a format (e.g. CSV)."
    assert methodology.first_sentence("一文目。二文目。") == "一文目。"
    assert methodology.short_definition("metric", "nope:missing", "en") is None
    assert methodology.short_definition("concept", "report-age", "en") is None  # worded by the template


# --- on the stack ----------------------------------------------------------------------

def _ids(html: str) -> set[str]:
    return {el["id"] for el in BeautifulSoup(html, "html.parser").find_all(id=True)}


@pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS)
@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_page_in_ja_and_en_has_every_anchor_with_its_points(app):
    for path, lang, title in (("/wards/methodology", "en", "Methodology"),
                              ("/en/wards/methodology", "en", "Methodology"),
                              ("/ja/wards/methodology", "ja", "評価方法")):
        resp = app.get(path)
        assert resp.status_code == 200, path
        soup = BeautifulSoup(resp.body, "html.parser")
        assert soup.find("h1").get_text(strip=True) == title
        ids = _ids(resp.body)
        for metric in spec.metrics():
            el = soup.find(id=methodology.methodology_anchor("metric", metric["id"]))
            assert el is not None, metric["id"]
            assert el["data-points"] == str(metric["points"])
            assert str(metric["points"]) in el.select_one(".wards-metric-points").get_text()
            assert spec.text(metric, "label", lang) in el.get_text()
            for reason in metric.get("reasons") or ():
                assert el.select_one(f'[data-reason="{reason}"]') is not None
        for dim in spec.spec()["dimensions"]:
            assert methodology.methodology_anchor("dimension", dim) in ids
        for band in spec.spec()["bands"]:
            el = soup.find(id=methodology.methodology_anchor("band", band["id"]))
            assert el is not None and spec.text(band, "label", lang) in el.get_text()
            assert str(band["max"]) in el.get_text()
        for rm in measurements.metric_spec()["metrics"]:
            el = soup.find(id=methodology.methodology_anchor("report", rm["id"]))
            assert el is not None and measurements.label(rm, lang) in el.get_text(), rm["id"]
        assert set(FIXED_ANCHORS) <= ids
        # the strict formats listed come from the format classes
        strict = soup.find(id="machine-readable-strict").get_text()
        assert "CSV" in strict and "XLSX" not in strict
        assert "XLSX" in soup.find(id="machine-readable-broad").get_text()
    ja = app.get("/ja/wards/methodology").body
    assert "宣言" in BeautifulSoup(ja, "html.parser").find(id="standard-conformance").get_text()


def _header_fragments(html: str) -> list[tuple[str, str]]:
    """(href, title) of every link with a '#' in the table headers."""
    soup = BeautifulSoup(html, "html.parser")
    return [(a["href"], a.get("title", "")) for a in soup.select("table thead th a[href*='#']")]


@pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS)
@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_compare_and_scorecard_headers_link_to_existing_anchors(app):
    from ckanext.wards import demo
    user = factories.Sysadmin()
    demo.load(seed=5, n_wards=2, scale=0.02, user=user["name"])
    token = factories.APIToken(user=user["name"])["token"]
    for prefix in ("", "/ja"):
        anchors = _ids(app.get(f"{prefix}/wards/methodology").body)
        for page, expected in ((f"{prefix}/wards/compare", 13),
                               (f"{prefix}/organization/chiyoda/scorecard", 8)):
            resp = app.get(page, headers={"Authorization": token})
            assert resp.status_code == 200, page
            links = _header_fragments(resp.body)
            assert len(links) == expected, (page, links)
            for href, title in links:
                path, _, fragment = href.partition("#")
                assert urlsplit(path).path == f"{prefix}/wards/methodology", href
                assert fragment in anchors, (page, href)
                assert title.strip(), (page, href)
        # every header of the comparison table but the ward's name has its definition
        soup = BeautifulSoup(app.get(f"{prefix}/wards/compare").body, "html.parser")
        headers = soup.select("#wards-compare-table thead th")
        assert [bool(th.select("a.wards-definition")) for th in headers].count(False) == 1
        # so does every measure of a ward's report
        rows = BeautifulSoup(app.get(f"{prefix}/wards/chiyoda").body, "html.parser").select(
            "#wards-report-table tbody tr")
        assert len(rows) > 20
        for row in rows:
            href = row.select_one("th a.wards-definition")["href"]
            assert href.partition("#")[2] == methodology.methodology_anchor("report", row["data-metric"])
            assert href.partition("#")[2] in anchors


@pytest.mark.browser
@pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS)
@pytest.mark.usefixtures("clean_db", "with_plugins")
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_page_fits_1280_and_390_pixels(served, browser):  # noqa: F811 (fixtures)
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        resp = page.goto(f"{served}/ja/wards/methodology#metric-pv-keywordAvailability",
                         wait_until="networkidle")
        assert resp.status == 200
        assert page.is_visible("#metric-pv-keywordAvailability")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, (width, scroll, page.evaluate(WIDER_THAN, width))
        shot = ARTIFACTS / f"methodology-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        # the first screen as a reader lands on the anchor
        page.screenshot(path=str(ARTIFACTS / f"methodology-{width}-anchor.png"))
        assert errors == []
        page.close()
