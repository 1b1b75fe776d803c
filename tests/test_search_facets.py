"""The score fields as search facets (scoring/facets.py) and the BOM of every CSV
(lib/csvout.py): pure tests, no stack."""
from __future__ import annotations

from collections import OrderedDict

import pytest

from ckanext.wards.lib import csvout
from ckanext.wards.scoring import facets, index, spec

POINTS = {"wards_mqa_points", "wards_japan_points"}  # range filters, not facets


def _indexed_values() -> dict[str, set[str]]:
    """Every value ``index.fields_of`` can write, per field."""
    values: dict[str, set[str]] = {}
    for band in (b["id"] for b in spec.spec()["bands"]):
        for stars in range(6):
            for strict, broad in ((True, True), (False, True), (False, False)):
                for flag in (True, False):
                    fields = index.fields_of({
                        "rating": band, "mqa_points": 0, "japan_points": 0, "stars": stars,
                        "machine_readable_strict": strict, "machine_readable_broad": broad,
                        "has_csv": flag, "api_count": int(flag), "open_licence": flag})
                    for k, v in fields.items():
                        values.setdefault(k, set()).add(v)
    return values


def test_every_indexed_field_but_the_points_is_a_facet_and_nothing_else():
    assert set(facets.facet_fields()) == set(_indexed_values()) - POINTS


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_indexed_value_has_a_label_and_every_facet_a_title(lang):
    for field, values in _indexed_values().items():
        if field in POINTS:
            continue
        assert facets.facet_title(field, lang) != field
        for value in values:
            label = facets.value_label(field, value, lang)
            assert label and label != value, (field, value, lang)


def test_labels_in_japanese_and_english():
    assert facets.value_label("wards_rating", "sufficient", "ja") == "可"
    assert facets.value_label("wards_rating", "sufficient", "en") == "Sufficient"
    assert facets.facet_title("wards_rating", "ja") == "評価"
    assert facets.value_label("wards_stars", "3", "ja") == "3つ星"
    assert facets.value_label("wards_stars", 0, "en") == "No star"
    assert facets.value_label("wards_has_csv", "true", "ja") == "CSVあり"
    assert facets.value_label("wards_open_licence", "false", "en") == "Not an open licence"
    assert facets.value_label("wards_machine_readable", "broad", "ja") == "可（広義：XLSX/ODS）"


def test_a_band_is_named_once_metrics_yaml_labels_the_rating_facet():
    for band in spec.spec()["bands"]:
        for lang in ("ja", "en"):
            assert facets.value_label("wards_rating", band["id"], lang) == spec.text(band, "label", lang)


def test_unknown_values_and_fields_read_as_themselves():
    assert facets.value_label("wards_rating", "legendary", "ja") == "legendary"
    assert facets.value_label("tags", "population", "ja") == "population"
    assert facets.facet_title("tags", "ja") == "tags"


def test_our_facets_come_after_those_already_there():
    before = OrderedDict([("organization", "Organizations"), ("tags", "Tags")])
    got = facets.add_facets(before, "en")
    assert list(got)[:2] == ["organization", "tags"]
    assert list(got)[2:] == facets.facet_fields()
    assert got["wards_rating"] == "Rating" and got["tags"] == "Tags"


def test_items_of_our_facets_get_labels_others_are_left_alone():
    search_facets = {
        "wards_rating": {"title": "wards_rating", "items": [
            {"name": "good", "display_name": "good", "count": 2},
            {"name": "bad", "display_name": "bad", "count": 1}]},
        "tags": {"title": "tags", "items": [{"name": "good", "display_name": "good", "count": 1}]},
    }
    facets.label_items(search_facets, "ja")
    assert [i["display_name"] for i in search_facets["wards_rating"]["items"]] == ["良", "不十分"]
    assert [i["name"] for i in search_facets["wards_rating"]["items"]] == ["good", "bad"]
    assert search_facets["wards_rating"]["title"] == "評価"
    assert search_facets["tags"] == {"title": "tags", "items": [{"name": "good", "display_name": "good", "count": 1}]}


def test_every_csv_starts_with_a_bom_and_there_is_no_way_around_it():
    text = csvout.write(["区", "名称"], [["131016", "千代田区"]])
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert text == "\ufeff区,名称\r\n131016,千代田区\r\n"
    with pytest.raises(TypeError):
        csvout.write(["a"], [], bom=False)
