"""A standard dataset's page in real headless Chromium, in Japanese, at 1280 px and 390 px
(a phone): the page itself never scrolls sideways, the column table scrolls inside its own
box. Screenshots: ``test-artifacts/standard-ja-1280.png`` and ``standard-ja-390.png``."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, browser, served  # noqa: F401 (fixtures)
from tests.conftest import WARDS_PLUGINS

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]

WIDTHS = """() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth,
  table: document.querySelector('#wards-columns-current').scrollWidth,
  box: document.querySelector('#wards-columns-current').parentElement.clientWidth})"""


@pytest.mark.parametrize("width", [1280, 390])
def test_standard_page_in_japanese(served, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(f"{served}/ja/wards/standards/13_public_toilet", wait_until="networkidle")
    assert response.status == 200
    assert "公衆トイレ一覧" in page.inner_text("h1")
    assert page.locator("#wards-columns-current tbody tr").count() == 39
    sizes = page.evaluate(WIDTHS)
    assert sizes["page"] <= sizes["viewport"], sizes  # no sideways scroll of the page
    if width == 390:
        assert sizes["table"] > sizes["box"], sizes  # the table scrolls in its own box
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"standard-ja-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert errors == []


def test_index_in_japanese_at_390px(served, browser):
    page = browser.new_page(viewport={"width": 390, "height": 900})
    response = page.goto(f"{served}/ja/wards/standards", wait_until="networkidle")
    assert response.status == 200
    assert page.locator("#wards-standards-table tbody tr").count() == 27
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], sizes
