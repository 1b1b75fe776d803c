"""The report's and the comparison's rules that need no stack: the オープンデータ一覧 values
(read by lib.lists.as_list), a report's time, the ward-code reader of the write actions,
and which organisation is which ward. The same rules on the stack: test_report.py,
test_compare.py, test_ward_identity.py."""
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.wards.compare import comparison
from ckanext.wards.logic.organization import _given_code, _set_code
from ckanext.wards.report import document, open_data_list
from ckanext.wards.report.figures import DATASET_SHARES, RATING_BANDS, RESOURCE_SHARES
from ckanext.wards.vocab import organizations

CHIYODA = organizations.ward_by_code("131016")


def _report(computed_at="2026-04-01T09:00:00+09:00"):
    figures = {"datasets": 2, "resources": 3, "mqa_points_mean": 100.0, "japan_points_mean": 20.0,
               **{k: 1 for k in DATASET_SHARES + RESOURCE_SHARES}, **{f"star{k}": 0 for k in range(6)},
               **{f"rating_{b}": 0 for b in RATING_BANDS}}
    figures["rating_unscored"] = 2
    return document.build_report(CHIYODA, figures, "https://opendata.example.jp", computed_at=computed_at,
                                 org_name="chiyoda")


# --- the オープンデータ一覧 values --------------------------------------------------------

def _row(pkg=None, res=None):
    pkg = {"name": "toilets", "title": "公衆トイレ", "resources": [], **(pkg or {})}
    return open_data_list.values(pkg, {"id": "r1", "url": "https://x.lg.jp/t.csv", "format": "CSV", **(res or {})},
                                 CHIYODA)


def test_a06_splits_text_lists_as_every_reader_does():
    """``population、health`` is two values to the validator, the scores and DCAT: here too."""
    row = _row({"theme": "population、health", "tag_string": "トイレ, 公共施設",
                "conforms_to": "13_public_toilet；14_aed", "language": "ja,en"})
    assert row["dataset_themes"] == "population;health"
    assert row["dataset_keywords"] == "トイレ;公共施設"
    assert row["dataset_conforms_to"] == "13_public_toilet;14_aed"
    assert row["resource_conforms_to"] == "13_public_toilet;14_aed"  # the dataset's, as none is on the file
    assert row["dataset_language"] == "ja;en"


def test_a06_reads_json_text_and_extras_as_the_shared_schema_stores_them():
    row = _row({"extras": [{"key": "theme", "value": '["education", "health"]'},
                           {"key": "contact", "value": '{"name": "区政策経営部", "email": "a@city.lg.jp"}'},
                           {"key": "temporal_coverage", "value": '[{"start": "2024-04-01", "end": "2025-03-31"}]'},
                           {"key": "frequency", "value": "monthly"}],
                "tags": [{"name": "トイレ"}]})
    assert row["dataset_themes"] == "education;health"
    assert (row["contact_name"], row["contact_email"]) == ("区政策経営部", "a@city.lg.jp")
    assert row["dataset_temporal"] == "2024-04-01/2025-03-31"
    assert row["dataset_frequency"] == "monthly"
    assert row["dataset_keywords"] == "トイレ"
    assert row["dataset_language"] == "ja"  # none declared


def test_a06_keeps_a_url_whole_and_a_top_level_field_before_its_extra():
    row = _row({"conforms_to": "https://example.jp/standard,v2", "frequency": "daily",
                "extras": [{"key": "frequency", "value": "monthly"}]})
    assert row["dataset_conforms_to"] == "https://example.jp/standard,v2"
    assert row["dataset_frequency"] == "daily"


def test_a06_rows_follow_the_spec_columns():
    pkg = {"name": "toilets", "title": "公衆トイレ", "theme": "population、health",
           "resources": [{"id": "r1", "url": "https://x.lg.jp/t.csv", "format": "CSV"},
                         {"id": "r2", "url": "https://x.lg.jp/api", "format": "API"}]}
    rows = list(open_data_list.rows([pkg], CHIYODA))
    columns = open_data_list.columns()
    assert len(columns) == 45 and all(len(r) == 45 for r in rows) and len(rows) == 2
    col = {name: i for i, name in enumerate(columns)}
    assert [r[col["データセット_分類"]] for r in rows] == ["population;health"] * 2
    assert [r[col["ファイル_API対応有無"]] for r in rows] == ["無", "有"]


# --- a report's time ------------------------------------------------------------------------

def test_computed_at_reads_as_naive_utc():
    assert document.computed_time(_report()) == dt.datetime(2026, 4, 1, 0, 0)
    assert document.computed_time(_report("2026-04-01T00:00:00.5Z")) == dt.datetime(2026, 4, 1, 0, 0, 0, 500000)


def test_a_computed_at_that_is_no_time_is_refused():
    """The schema's pattern passes 2026-02-30T…: the report is refused with a reason, and
    the snapshot store and the comparison row refuse it as before (ValueError)."""
    doc = _report("2026-02-30T09:00:00+09:00")
    errors = document.validation_errors(doc)
    assert errors == ["computed_at: 2026-02-30T09:00:00+09:00 is not a date and time"]
    assert document.validation_errors(_report()) == []
    with pytest.raises(ValueError):
        document.computed_time(doc)
    with pytest.raises(ValueError):
        comparison.comparison_row(doc, "collected")


def test_a_comparison_row_ages_from_the_time_in_utc():
    row = comparison.comparison_row(_report(), "local", now=dt.datetime(2026, 4, 1, 12, 0))
    assert row["age_hours"] == 12.0
    assert (row["csv"], row["csv_numerator"], row["csv_denominator"]) == (50.0, 1, 2)


# --- the ward code a write asks for ---------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    ({"extras": [{"key": "ward_code", "value": " 131016 "}]}, "131016"),
    ({"extras": [{"key": "ward_code", "value": "  "}]}, None),
    ({"extras": [{"key": "other", "value": "x"}]}, None),
    # CKAN 2.12 saves an extra marked deleted, and of two of one key the last
    ({"extras": [{"key": "ward_code", "value": "131016", "deleted": True}]}, "131016"),
    ({"extras": [{"key": "ward_code", "value": "131016"},
                 {"key": "ward_code", "value": "131024", "deleted": True}]}, "131024"),
    ({"ward_code": "131016"}, "131016"),   # a scheming organisation schema keeps it at the top level
    ({"ward_code": "131016", "extras": [{"key": "ward_code", "value": "131024"}]}, "131024"),
    ({"extras": {"ward_code": "131016"}}, "131016"),
    ({}, None),
])
def test_the_ward_code_of_a_write_is_the_one_ckan_will_store(data, expected):
    """Read with lib.fields, as every other reader of ``ward_code`` (``own_ward_code``)."""
    assert _given_code(data) == expected


def test_the_normalised_code_is_written_where_it_was_given():
    data = {"ward_code": "１３１０１６", "extras": [{"key": "ward_code", "value": "１３１０１６"}]}
    _set_code(data, "131016")
    assert data["ward_code"] == "131016" and data["extras"][0]["value"] == "131016"


# --- which organisation is which ward ---------------------------------------------------------

def test_own_ward_code_reads_top_level_or_extras_and_only_valid_codes():
    assert organizations.own_ward_code({"ward_code": "１３１０１６"}) == "131016"
    assert organizations.own_ward_code({"extras": [{"key": "ward_code", "value": "131016"}]}) == "131016"
    assert organizations.own_ward_code({"ward_code": "131017"}) is None  # wrong check digit
    assert organizations.own_ward_code({"name": "chiyoda"}) is None


def test_a_later_look_alike_never_takes_a_wards_row():
    orgs = [{"id": "a", "name": "chiyoda-city", "title": "千代田区"},
            {"id": "b", "name": "chiyoda", "title": "千代田区"},
            {"id": "c", "name": "minato-hall", "title": "", "ward_code": "131032"},
            {"id": "d", "name": "parks", "title": "千代田区"}]  # a title alone names no ward by default
    wards = {w["ward"]["lg_code"]: w for w in organizations.group_wards(orgs)}
    assert set(wards) == {"131016", "131032"}
    assert wards["131016"]["org_ids"] == ["a"]  # the older of two names
    assert wards["131032"]["matched_by"] == {"c": organizations.BY_CODE}
