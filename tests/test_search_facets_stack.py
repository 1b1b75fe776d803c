"""The score facets on CKAN's real search pages (dataset search, organisation, group),
in ja and en, and the pill of a filter given by URL. Datasets scored by
``jobs.rescore_dataset``, searched in Solr, pages rendered by CKAN."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.wards.scoring import jobs
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


@pytest.fixture
def scored(sysadmin, org):
    group = factories.Group(name="transport")
    made = {}
    for name, fmt in (("toilets-csv", "CSV"), ("minutes-pdf", "PDF")):
        pkg = helpers.call_action(
            "package_create", context={"user": sysadmin["name"]}, name=name, owner_org=org["id"],
            license_id="cc-by", tags=[{"name": "population"}], groups=[{"name": group["name"]}],
            maintainer_email="steward@example.lg.jp",
            resources=[{"url": f"https://x.lg.jp/{name}.{fmt.lower()}", "format": fmt}])
        made[name] = jobs.rescore_dataset(pkg["id"])
    return {"org": org, "group": group, "scores": made}


def _facet_labels(body: str, field: str) -> dict[str, str]:
    """value → label of the sidebar's items of one facet (from their filter links)."""
    soup = BeautifulSoup(body, "html.parser")
    labels = {}
    for a in soup.select(f'nav ul.nav-facet a[href*="{field}="]'):
        value = a["href"].split(f"{field}=")[1].split("&")[0]
        labels[value] = a.select_one(".item-label").get_text(strip=True)
    return labels


def _headings(body: str) -> list[str]:
    soup = BeautifulSoup(body, "html.parser")
    return [h.get_text(strip=True) for h in soup.select("section.module h2.module-heading")]


def test_dataset_search_shows_the_score_facets_with_english_titles_and_labels(app, scored):
    body = app.get("/dataset").body
    assert {"Rating", "Open data stars", "Machine-readable", "CSV", "API", "Licence"} <= set(_headings(body))
    assert _facet_labels(body, "wards_has_csv") == {"true": "With CSV", "false": "Without CSV"}
    assert _facet_labels(body, "wards_machine_readable") == {"strict": "Yes (strict)", "no": "No"}
    assert _facet_labels(body, "wards_open_licence") == {"true": "Open licence"}
    stars = scored["scores"]["toilets-csv"]["stars"]
    assert _facet_labels(body, "wards_stars")[str(stars)] == f"{stars} stars"
    bands = {"bad": "Bad", "sufficient": "Sufficient", "good": "Good", "excellent": "Excellent"}
    rating = scored["scores"]["toilets-csv"]["rating"]
    assert _facet_labels(body, "wards_rating")[rating] == bands[rating]


def test_japanese_search_page_has_japanese_titles_and_labels(app, scored):
    body = app.get("/ja/dataset").body
    assert {"評価", "5つ星オープンデータ", "機械判読性", "ライセンス"} <= set(_headings(body))
    assert _facet_labels(body, "wards_has_csv") == {"true": "CSVあり", "false": "CSVなし"}
    assert _facet_labels(body, "wards_machine_readable") == {"strict": "可（厳格）", "no": "不可"}
    bands = {"bad": "不十分", "sufficient": "可", "good": "良", "excellent": "優"}
    rating = scored["scores"]["minutes-pdf"]["rating"]
    assert _facet_labels(body, "wards_rating")[rating] == bands[rating]


@pytest.mark.parametrize("prefix, title", [("", "Rating"), ("/ja", "評価")])
def test_a_filter_by_url_shows_a_pill_with_title_and_label(app, scored, prefix, title):
    rating = scored["scores"]["toilets-csv"]["rating"]
    lang = "ja" if prefix else "en"
    from ckanext.wards.scoring import facets
    expected = facets.value_label("wards_rating", rating, lang)
    body = app.get(f"{prefix}/dataset?wards_rating={rating}").body
    soup = BeautifulSoup(body, "html.parser")
    filters = soup.select_one("p.filter-list")
    assert filters.select_one("span.facet").get_text(strip=True) == f"{title}:"
    assert filters.select_one("span.filtered.pill").get_text(strip=True) == expected
    assert "None" not in filters.get_text()
    # the facet item of the active filter is marked active, with the same label
    nav = next(n for n in soup.select("nav[aria-label]") if n["aria-label"].endswith(f": {title}"))
    assert [li.select_one(".item-label").get_text(strip=True) for li in nav.select("li.active")] == [expected]
    body = app.get(f"{prefix}/dataset?wards_has_csv=true").body
    pill = BeautifulSoup(body, "html.parser").select_one("p.filter-list span.filtered.pill")
    assert pill.get_text(strip=True) == ("CSVあり" if prefix else "With CSV")


def test_organisation_and_group_pages_show_the_facets(app, scored):
    body = app.get(f"/organization/{scored['org']['name']}").body
    assert "Rating" in _headings(body)
    assert _facet_labels(body, "wards_has_csv") == {"true": "With CSV", "false": "Without CSV"}
    body = app.get(f"/ja/organization/{scored['org']['name']}").body
    assert "評価" in _headings(body) and _facet_labels(body, "wards_has_csv")["true"] == "CSVあり"
    body = app.get(f"/group/{scored['group']['name']}").body
    assert "Machine-readable" in _headings(body)
    assert _facet_labels(body, "wards_machine_readable") == {"strict": "Yes (strict)", "no": "No"}


def test_package_search_api_carries_the_labels_of_the_request_language(app, scored):
    result = app.get("/api/3/action/package_search?facet.field=[\"wards_has_csv\",\"tags\"]").json["result"]
    items = {i["name"]: i["display_name"] for i in result["search_facets"]["wards_has_csv"]["items"]}
    assert items == {"true": "With CSV", "false": "Without CSV"}
    assert result["facets"]["wards_has_csv"] == {"true": 1, "false": 1}  # raw counts unchanged
    assert {i["display_name"] for i in result["search_facets"]["tags"]["items"]} == {"population"}
