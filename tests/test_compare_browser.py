"""The comparison page in real headless Chromium (Debian's /usr/bin/chromium, Playwright).

The test app is served by a real WSGI server (werkzeug) on a free loopback port; the
demo wards are loaded into the test database first. A screenshot of the Japanese page is
kept in ``test-artifacts/compare-ja.png``.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import ckan.tests.factories as factories

from ckanext.wards import demo
from tests.browser import CANVAS_INKED, CHROMIUM, browser, served  # noqa: F401 (fixtures)
from tests.conftest import WARDS_PLUGINS

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Words that stay in Latin letters on the Japanese page (format and vocabulary names).
LATIN_OK = {"CSV", "API", "JSON", "MQA", "RDF", "DQV"}

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


def codes(page):
    return page.eval_on_selector_all("#wards-compare-table tbody tr", "rows => rows.map(r => r.dataset.code)")


def csv_values(page):
    return page.eval_on_selector_all(
        '#wards-compare-table tbody td[data-col="csv"] .wards-pct',
        "cells => cells.map(c => parseFloat(c.dataset.value))")




def test_comparison_page_in_chromium(served, browser):
    user = factories.Sysadmin()
    demo.load(seed=11, n_wards=23, scale=0.05, user=user["name"])
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{served}/wards/compare", wait_until="networkidle")
    assert len(codes(page)) == 23
    # charts are drawn: Chart.js owns both canvases and they carry ink
    assert page.evaluate(CANVAS_INKED, "wards-shares-chart") > 1000
    assert page.evaluate(CANVAS_INKED, "wards-trend-chart") > 1000
    before = codes(page)

    # sorting by CSV share (a click on the column header) reorders the rows
    page.click('a.wards-sort[data-sort="csv"]')
    page.wait_for_load_state("networkidle")
    values = csv_values(page)
    assert len(values) == 23 and values == sorted(values, reverse=True)
    assert codes(page) != before and sorted(codes(page)) == sorted(before)
    assert page.evaluate(CANVAS_INKED, "wards-shares-chart") > 1000

    # the Japanese page: no English left in the page's own content
    page.goto(f"{served}/ja/wards/compare", wait_until="networkidle")
    assert len(codes(page)) == 23
    text = page.inner_text("article.wards-compare")
    untranslated = sorted({w for w in re.findall(r"[A-Za-z]{3,}", text)} - LATIN_OK)
    assert untranslated == [], untranslated
    assert "区の比較" in text and "千代田区" in text
    assert page.evaluate(CANVAS_INKED, "wards-shares-chart") > 1000
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "compare-ja.png"), full_page=True)
    assert (ARTIFACTS / "compare-ja.png").stat().st_size > 10_000

    # the tile map: 23 squares, each at its own place, and the measure selector recolours it
    tiles = page.eval_on_selector_all(".wards-tile-map .wards-tile", "ts => ts.map(t => [t.dataset.code, t.dataset.value, t.getBoundingClientRect().left, t.getBoundingClientRect().top])")
    assert len(tiles) == 23 and len({(round(x), round(y)) for _, _, x, y in tiles}) == 23
    page.select_option("#wards-measure", "api")
    page.click(".wards-measure-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    api_tiles = page.eval_on_selector_all(".wards-tile-map .wards-tile", "ts => ts.map(t => [t.dataset.code, t.dataset.value])")
    assert len(api_tiles) == 23 and [v for _, v in api_tiles] != [v for _, v, _, _ in tiles]
    page.locator(".wards-tile-section").screenshot(path=str(ARTIFACTS / "compare-tile-map-ja.png"))

    # a phone: no horizontal scroll
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    for path, shot in (("/ja/wards/compare", "compare-ja-390.png"), ("/ja/", "home-ja-390.png")):
        phone.goto(f"{served}{path}", wait_until="networkidle")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        phone.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    # the home page leads to the comparison
    page.goto(f"{served}/ja/", wait_until="networkidle")
    page.screenshot(path=str(ARTIFACTS / "home-ja.png"), full_page=True)
    page.click(".wards-home a.btn-primary")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/ja/wards/compare") and len(codes(page)) == 23
    assert errors == []
