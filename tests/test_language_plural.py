"""CKAN's Japanese plural messages on the real stack, whatever the plugin order: Flask-Babel
keeps the plural rule of the last catalogue it merges, and ckanext-dcat has no Japanese
one, so without ``lib.language.restore_plural_rule`` every ja result count read
"2 datasets found"."""
from __future__ import annotations

import pytest

import ckan.tests.factories as factories

from ckanext.wards.lib.language import plural_rule

ORDERS = ["activity dcat wards_schema wards_scoring wards_compare wards_dcat",
          "activity wards_schema wards_scoring wards_compare wards_dcat dcat"]


def test_the_rule_is_ckans_own_for_the_locale():
    ja = plural_rule("ja")
    assert [ja(n) for n in (0, 1, 2, 10)] == [0, 0, 0, 0]
    assert plural_rule("xx") is None  # no catalogue: Flask-Babel's own rule stays


@pytest.mark.parametrize("plugins", [pytest.param(o, marks=pytest.mark.ckan_config("ckan.plugins", o)) for o in ORDERS])
@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_a_japanese_result_count_reads_japanese(app, plugins):
    org = factories.Organization()
    for i in range(2):
        factories.Dataset(owner_org=org["id"], name=f"plural-{i}")
    body = app.get("/ja/dataset/").body
    assert "2 件のデータセットが見つかりました" in body
    assert "datasets found" not in body
    assert "2 datasets found" in app.get("/en/dataset/").body
