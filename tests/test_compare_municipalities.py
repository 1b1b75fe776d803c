"""The comparison beyond the 23 wards: collected reports of any municipality, selected by
prefecture and kind, paged, on the page and in the action (real stack)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.tests.helpers as helpers

from ckanext.wards.compare import snapshots
from ckanext.wards.report import document
from ckanext.wards.report import figures as report_figures
from ckanext.wards.vocab import local_governments as lgs
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

CODES = ("131016", "131024", "011002", "011011", "132012", "133035")  # 千代田区 中央区 札幌市 中央区(札幌) 八王子市 瑞穂町


def _report(code: str, csv: int) -> dict:
    figures = {"datasets": 100, "resources": 150, "mqa_points_mean": 150.0, "japan_points_mean": 30.0,
               **{k: 50 for k in report_figures.DATASET_SHARES}, **{k: 80 for k in report_figures.RESOURCE_SHARES},
               "star0": 0, "star1": 50, "star2": 10, "star3": 40, "star4": 0, "star5": 0,
               "rating_bad": 20, "rating_sufficient": 50, "rating_good": 25, "rating_excellent": 5,
               "rating_unscored": 0}
    figures["csv"] = csv
    doc = document.build_report(lgs.local_government(code), figures, "https://opendata.example.jp",
                                computed_at="2026-11-01T00:00:00Z", org_name="peer")
    assert document.validation_errors(doc) == []
    return doc


@pytest.fixture
def collected():
    for i, code in enumerate(CODES):
        snapshots.store_snapshot(_report(code, 10 * (i + 1)), f"https://peer.example.jp/{code}.json")


def _codes(resp) -> list[str]:
    assert resp.status_code == 200, resp.body[:300]
    soup = BeautifulSoup(resp.body, "html.parser")
    return [tr.select_one("td").get_text(strip=True) for tr in soup.select("#wards-compare-table tbody tr")]


def test_the_action_selects_by_prefecture_and_kind_and_pages(collected):
    default = helpers.call_action("wards_compare")
    assert [r["code"] for r in default["rows"]] == ["131016", "131024"]  # the special wards
    assert default["averages"]["csv"] == 15.0  # over the two shown: (10 % + 20 %) / 2
    every = helpers.call_action("wards_compare", kind="all")
    assert every["selection"]["total"] == 6 and every["selection"]["all"] == 6
    hokkaido = helpers.call_action("wards_compare", prefecture="01", kind="all")
    assert [r["code"] for r in hokkaido["rows"]] == ["011002", "011011"]
    assert {r["lg_kind"] for r in hokkaido["rows"]} == {"designated_city", "city_ward"}
    towns = helpers.call_action("wards_compare", kind=["town", "city"])
    assert [r["code"] for r in towns["rows"]] == ["132012", "133035"]
    paged = helpers.call_action("wards_compare", kind="all", per_page=4, page=2)
    assert [r["code"] for r in paged["rows"]] == ["132012", "133035"]
    assert (paged["selection"]["page"], paged["selection"]["pages"]) == (2, 2)
    like = helpers.call_action("wards_compare", similar_to="131016")
    assert [r["code"] for r in like["rows"]] == ["131016", "131024"]


@pytest.mark.parametrize("params, key", [
    ({"prefecture": "48"}, "prefecture"), ({"kind": "metropolis"}, "kind"),
    ({"page": 0}, "page"), ({"per_page": 501}, "per_page"), ({"kind": ["town"] * 30}, "kind"),
])
def test_bad_selection_is_a_validation_error(collected, params, key):
    with pytest.raises(Exception) as err:
        helpers.call_action("wards_compare", **params)
    assert key in err.value.error_dict


def test_the_page_filters_pages_and_downloads_the_selection(app, collected):
    assert _codes(app.get("/wards/compare")) == ["131016", "131024"]
    assert _codes(app.get("/wards/compare?prefecture=01&kind=all")) == ["011002", "011011"]
    page2 = app.get("/wards/compare?kind=all&per_page=4&page=2")
    assert _codes(page2) == ["132012", "133035"]
    soup = BeautifulSoup(page2.body, "html.parser")
    assert soup.select_one(".wards-compare-pages [aria-current=page]").get_text(strip=True) == "2"
    # sorting keeps the selection
    sort = soup.select_one("a.wards-sort[data-sort=csv]")["href"]
    assert "kind=all" in sort and "per_page=4" in sort
    ja = BeautifulSoup(app.get("/ja/wards/compare?kind=all").body, "html.parser")
    assert ja.select_one("#wards-kind option[value=city_ward]").get_text(strip=True) == "行政区"
    assert ja.select_one("#wards-prefecture option[value='01']").get_text(strip=True) == "北海道"
    csv_body = app.get("/wards/compare?format=csv&prefecture=13&kind=all").body
    lines = csv_body.strip().splitlines()
    assert len(lines) == 1 + 4 and lines[0].startswith("\ufeffcode")
    bad = app.get("/wards/compare?kind=metropolis", status=400)
    assert "kind" in bad.body
