"""The small shared readers of ckanext.wards.lib: each idea tested once, here."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from ckanext.wards.lib import dates, fields, flags, lists, text
from tests.hypothesis_profiles import examples


# --- lists.as_list -----------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (None, []), ("", []), ("  ", []), ([], []), ({}, []),
    ("population、health", ["population", "health"]),   # the validator's reading, now everyone's
    ("a, b ,c", ["a", "b", "c"]),
    ("a；b;c，d", ["a", "b", "c", "d"]),
    ('["a", "", " b "]', ["a", "b"]),
    ('[not json', ["[not json"]),
    ('{"name": "x"}', [{"name": "x"}]),
    ('{"name": ""}', []),
    ("https://example.jp/a,b.csv", ["https://example.jp/a,b.csv"]),
    (["a", None, "", " ", {}, {"n": ""}, {"n": "x"}, []], ["a", {"n": "x"}]),
    (("x",), ["x"]),
    (5, [5]),
    ({"name": "x"}, [{"name": "x"}]),
])
def test_as_list(value, expected):
    assert lists.as_list(value) == expected


def test_as_texts_turns_items_into_text():
    assert lists.as_texts([1, "a", {"k": "値"}]) == ["1", "a", '{"k": "値"}']


@given(st.lists(st.text(alphabet="abc漢字 ", min_size=1), max_size=5))
@settings(max_examples=examples(100))
def test_as_list_of_a_list_is_its_non_blank_items_stripped(items):
    assert lists.as_list(items) == [i.strip() for i in items if i.strip()]


@given(st.lists(st.text(alphabet="abcあ", min_size=1), min_size=1, max_size=5))
@settings(max_examples=examples(100))
def test_joined_text_splits_back(items):
    assert lists.as_list("、".join(items)) == items


# --- fields.field ------------------------------------------------------------------------

def test_field_reads_top_level_then_extras():
    data = {"a": "", "b": "top", "extras": [{"key": "a", "value": "extra"}, {"key": "b", "value": "x"}]}
    assert fields.field(data, "a") == "extra"
    assert fields.field(data, "b") == "top"
    assert fields.field(data, "missing", "a") == "extra"
    assert fields.field(data, "missing") is None


def test_field_reads_extras_as_a_dict_and_skips_blanks():
    assert fields.field({"extras": {"k": " "}, "k2": []}, "k", "k2") is None
    assert fields.field({"extras": {"k": "v"}}, "k") == "v"
    assert fields.field({"extras": [None, "junk", {"key": "k", "value": 0}]}, "k") == 0


def test_text_field_strips():
    assert fields.text_field({"extras": [{"key": "ward_code", "value": " 131016 "}]}, "ward_code") == "131016"
    assert fields.text_field({}, "ward_code") is None


# --- text.fold ---------------------------------------------------------------------------

def test_fold():
    assert text.fold("  ＣＳＶ\u3000File ") == "csv file"
    assert text.fold("施設 名称", spaces=False) == text.fold("施設名称") == "施設名称"
    assert text.fold(None) == ""
    assert text.nfkc("１２３ ") == "123"


@given(st.text())
@settings(max_examples=examples(200))
def test_fold_is_idempotent(value):
    assert text.fold(text.fold(value)) == text.fold(value)


# --- flags -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), ("TRUE", True), (" no ", False), ("", False), (None, False),
    (1, True), (0, False), ("maybe", None), (2, None), ([], None),
])
def test_read_bool_parameters(value, expected):
    assert flags.read_bool(value) is expected


def test_read_bool_metadata_words():
    assert flags.read_bool("はい", flags.METADATA_TRUE, flags.METADATA_FALSE) is True
    assert flags.read_bool("なし", flags.METADATA_TRUE, flags.METADATA_FALSE) is False
    assert flags.read_bool("y", flags.METADATA_TRUE, flags.METADATA_FALSE) is None


def test_truthy_is_lenient():
    assert flags.truthy("on") and flags.truthy(True) and flags.truthy("有")
    assert not flags.truthy("maybe") and not flags.truthy(None) and not flags.truthy([1])


# --- dates -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2024-04-01", dt.date(2024, 4, 1)),
    ("2024/4/1", dt.date(2024, 4, 1)),
    ("２０２４年４月１日", dt.date(2024, 4, 1)),
    ("令和6年4月1日", dt.date(2024, 4, 1)),
    ("R6.4.1", dt.date(2024, 4, 1)),
    ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("2024-04-01T23:30:00-02:00", dt.date(2024, 4, 2)),   # the UTC day
    (dt.datetime(2024, 4, 1, 12), dt.date(2024, 4, 1)),
    (dt.date(2024, 4, 1), dt.date(2024, 4, 1)),
    ("2024-02-30", None), ("平成31年5月1日", None), ("令和0年1月1日", None),
    ("soon", None), ("", None), (None, None), (20240401, None),
])
def test_read_date(value, expected):
    assert dates.read_date(value) == expected


def test_read_datetime_is_naive_utc():
    assert dates.read_datetime("2024-04-01T09:00:00+09:00") == dt.datetime(2024, 4, 1, 0, 0)
    assert dates.read_datetime("2024-04-01T00:00:00Z") == dt.datetime(2024, 4, 1)
    assert dates.read_datetime("2024-04-01T00:00:00.123456") == dt.datetime(2024, 4, 1, 0, 0, 0, 123456)
    assert dates.read_datetime("2024-04-01") == dt.datetime(2024, 4, 1)


def test_read_full_date_raises_for_days_that_do_not_exist():
    with pytest.raises(dates.OutsideEraError) as caught:
        dates.read_full_date("平成31年5月1日")
    assert caught.value.era.name == "平成"
    with pytest.raises(ValueError):
        dates.read_full_date("2024年2月30日")
    assert dates.read_full_date("2024-04") is None


def test_fiscal_year():
    assert dates.fiscal_year("令和5年度") == (dt.date(2023, 4, 1), dt.date(2024, 3, 31))
    assert dates.fiscal_year("２０２３年度") == (dt.date(2023, 4, 1), dt.date(2024, 3, 31))
    assert dates.fiscal_year("2023") is None


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
@settings(max_examples=examples(200))
def test_iso_and_slashes_read_the_same_day(day):
    assert dates.read_date(day.isoformat()) == day
    assert dates.read_date(f"{day.year}/{day.month}/{day.day}") == day
    assert dates.read_date(f"{day.year}年{day.month}月{day.day}日") == day


# --- language.page_language ----------------------------------------------------------------

@pytest.mark.parametrize("requested, expected", [("ja", "ja"), ("ja_JP", "ja"), ("en", "en"),
                                                 ("fr", "en"), ("zh_Hant_TW", "en")])
def test_page_language_is_ja_or_en(requested, expected):
    from ckanext.wards.lib.language import page_language
    assert page_language(requested) == expected


def test_page_language_outside_a_request_is_en():
    from ckanext.wards.lib.language import page_language
    assert page_language() == "en"
