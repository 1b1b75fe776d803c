"""The real stack answers: CKAN 2.12 on PostgreSQL, Solr indexing and search, the web app."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import WARDS_PLUGINS


pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def test_created_dataset_is_indexed_and_found_by_package_search():
    steward = factories.Sysadmin()
    org = factories.Organization(name="minato")
    helpers.call_action(
        "package_create",
        context={"user": steward["name"]},
        name="hoikuen-list",
        title="Hoikuen list",
        notes="Nurseries of the ward",
        owner_org=org["id"],
        tags=[{"name": "childcare"}],
    )

    result = helpers.call_action("package_search", q="Hoikuen")

    assert result["count"] == 1
    assert result["results"][0]["name"] == "hoikuen-list"
    assert result["results"][0]["organization"]["name"] == "minato"


def test_search_facets_count_datasets_per_organisation_and_tag():
    minato = factories.Organization(name="minato")
    chuo = factories.Organization(name="chuo")
    for i in range(3):
        factories.Dataset(owner_org=minato["id"], tags=[{"name": "budget"}])
    factories.Dataset(owner_org=chuo["id"], tags=[{"name": "budget"}, {"name": "gis"}])

    result = helpers.call_action(
        "package_search", q="*:*", rows=0,
        **{"facet.field": '["organization", "tags"]'},
    )

    assert result["count"] == 4
    assert result["facets"]["organization"] == {"minato": 3, "chuo": 1}
    assert result["facets"]["tags"] == {"budget": 4, "gis": 1}


def test_web_app_serves_dataset_page(app):
    factories.Dataset(title="Shinjuku population")

    response = app.get("/dataset/")

    assert response.status_code == 200
    assert "Shinjuku population" in response.get_data(as_text=True)


def test_status_show_lists_the_four_wards_plugins(app):
    response = app.get("/api/3/action/status_show")

    assert response.status_code == 200
    extensions = response.json["result"]["extensions"]
    for name in ("wards_schema", "wards_scoring", "wards_compare", "wards_dcat"):
        assert name in extensions
    assert response.json["result"]["ckan_version"] == "2.12.0"


def test_solr_is_the_real_server_configured_for_this_run():
    from ckan.lib.search.common import make_connection

    conn = make_connection()
    # The Solr schema CKAN talks to is its own 2.12 schema, served by Solr itself.
    schema_name = conn._send_request("get", "schema/name?wt=json")
    assert '"ckan-2.12"' in schema_name
    assert tk.config["solr_url"].startswith("http://127.0.0.1:")
