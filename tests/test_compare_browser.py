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
    assert errors == []
