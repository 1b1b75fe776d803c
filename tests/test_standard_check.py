"""Unit tests of the conformance checker and the machine-readability rules on crafted files.

Pure functions over files in tmp_path: no CKAN stack needed. Every defect class is checked
in UTF-8 and in Shift_JIS (CP932); the real-stack tests are in
test_standard_check_action.py.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from ckanext.wards import schema
from ckanext.wards.conformance import checker as sc
from ckanext.wards.conformance import rules, standards, values

FIXTURES = Path(__file__).parent / "fixtures" / "standard"
ENCODINGS = ["utf-8", "utf-8-sig", "cp932"]
TOILET = "13_public_toilet"
TOILET_COLUMNS = [c["name"] for c in standards.columns(TOILET)]


def write(tmp_path: Path, text: str, encoding: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows_to_text(rows, delimiter=",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def toilet_rows(n=5, overrides=None):
    """Header + n conforming rows of the 公衆トイレ一覧 fixture; overrides[i] = {col: value} for data row i."""
    with open(FIXTURES / "131016_public_toilet.csv", encoding="utf-8-sig", newline="") as f:
        header, template = list(csv.reader(f))[:2]
    rows = [header]
    for i in range(1, n + 1):
        row = dict(zip(header, template))
        row["ID"] = f"131016T{i:04d}"
        row.update((overrides or {}).get(i, {}))
        rows.append([row[h] for h in header])
    return rows


def codes(result):
    return {issue["code"] for issue in result["issues"]}


def issues(result, code):
    return [issue for issue in result["issues"] if issue["code"] == code]


def rule(result, rule_id):
    return next(r for r in result["rules"] if r["id"] == rule_id)


def level(result, n):
    return next(lv for lv in result["levels"] if lv["level"] == n)


# --- standards loader ----------------------------------------------------------------

def test_every_reference_entry_is_listed_with_status_and_source():
    listed = standards.list_standards()
    assert len(listed) == 27
    assert {s["status"] for s in listed} == {"verified", "partial", "unverified"}
    for std in listed:
        assert std["id"].startswith(std["number"] + "_")
        assert std["source"] == "https://www.digital.go.jp/resources/open_data/municipal-standard-data-set-test"
        assert std["name_ja"] and std["name_en"]
    assert standards.get_standard("A-13")["id"] == TOILET
    assert standards.get_standard("public_toilet")["id"] == TOILET
    # IRIs: a portal's page of the standard and the older forms name the id (never a number)
    for iri in ("http://portal.example/wards/standards/08_aed", "https://x.jp/wards/standards/08_aed.ttl",
                "https://w3id.org/ckanext-wards/standard/08_aed",
                "https://www.digital.go.jp/resources/open_data/municipal-standard-data-set-test#08_aed"):
        assert standards.get_standard(iri)["id"] == "08_aed", iri
    assert standards.get_standard("https://example.org/list/08") is None
    assert standards.get_standard("99") is None


def test_verified_layout_has_order_required_and_types():
    cols = standards.columns(TOILET)
    assert [c["order"] for c in cols] == list(range(1, 40))
    required = {c["name"] for c in cols if c["required"]}
    assert required == {"名称", "所在地_連結表記", "設置位置"}
    types = {c["name"]: c["type"] for c in cols}
    assert types["全国地方公共団体コード"] == "lg_code"
    assert types["緯度"] == "latitude" and types["経度"] == "longitude"
    assert types["利用開始時間"] == "time" and types["オストメイト設置トイレ有無"] == "flag"
    # legacy layout kept alongside
    legacy = standards.columns(TOILET, "legacy")
    assert legacy[0]["name"] == "都道府県コード又は市区町村コード"


def test_unverified_standards_carry_no_exact_columns():
    lunch = standards.get_standard("16_school_lunch")
    assert lunch["status"] == "unverified" and lunch["layouts"] == {}
    facility = standards.get_standard("01_public_facility")
    assert facility["layouts"]["current"]["status"] == "partial"
    assert not standards.is_enforced(facility["layouts"]["current"])


@pytest.mark.parametrize("resource, dataset, declared", [
    ({"conforms_to": '["13_public_toilet", "08_aed"]'}, {}, TOILET),       # JSON text, as scheming stores it
    ({"conforms_to": '["no_such_standard", "08"]'}, {}, "08_aed"),         # the first known one
    ({"conforms_to": "no_such_standard、08_aed"}, {}, "08_aed"),           # 、 separates values
    ({"conforms_to": "no_such_standard, A-13"}, {}, TOILET),
    ({"conforms_to": ["08"]}, {"conforms_to": [TOILET]}, "08_aed"),        # a list; the resource first
    ({}, {"conforms_to": ["no_such_standard", TOILET]}, TOILET),
    ({"conforms_to": ""}, {"extras": [{"key": "conforms_to", "value": '["08_aed"]'}]}, "08_aed"),  # an extra
    ({"conforms_to": "https://www.digital.go.jp/resources/open_data/municipal-standard-data-set-test#08_aed"},
     {}, "08_aed"),                                                         # a URI is one value
    ({"conforms_to": "http://test.ckan.net/wards/standards/08_aed"}, {}, "08_aed"),  # the portal's IRI
    ({}, {"conforms_to": "no_such_standard"}, "no_such_standard"),         # unknown: as given
    ({}, {}, None),
])
def test_declared_standard_reads_every_list_form(resource, dataset, declared):
    """lib.lists.as_list reads conforms_to (a list, JSON list text, text separated by , or 、),
    lib.fields.field the dataset's value (top level, else extras)."""
    assert standards.declared_standard(resource, dataset) == declared


# --- conforming files ---------------------------------------------------------------

@pytest.mark.parametrize("encoding", ENCODINGS)
def test_conforming_file_passes_in_each_encoding(tmp_path, encoding):
    path = write(tmp_path, rows_to_text(toilet_rows()), encoding)
    result = sc.check_file(path, TOILET)
    assert result["conforms"] is True, result["issues"]
    assert result["summary"]["errors"] == 0
    assert result["file"]["encoding"] == {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp932": "Shift_JIS"}[encoding]
    assert result["file"]["bom"] is (encoding == "utf-8-sig")
    assert result["file"]["rows"] == 5
    assert [lv["score"] for lv in result["levels"]] == [100, 100, 100]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiter_detected(tmp_path, delimiter):
    path = write(tmp_path, rows_to_text(toilet_rows(), delimiter), "utf-8")
    result = sc.check_file(path, TOILET)
    assert result["file"]["delimiter"] == delimiter
    assert result["conforms"] is True


def test_committed_fixture_conforms():
    result = sc.check_file(FIXTURES / "131016_public_toilet.csv", TOILET)
    assert result["conforms"] is True and result["layout"] == "current"


def test_result_is_json_serialisable_with_both_languages(tmp_path):
    import json

    path = write(tmp_path, rows_to_text(toilet_rows(3, {2: {"緯度": "95"}})), "utf-8")
    result = json.loads(json.dumps(sc.check_file(path, TOILET)))
    issue = issues(result, "latitude_range")[0]
    assert "latitude" in issue["message"] and "緯度" in issue["message_ja"]


# --- columns ------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_missing_required_and_unknown_columns(tmp_path, encoding):
    rows = toilet_rows()
    drop = rows[0].index("設置位置")
    rows = [r[:drop] + r[drop + 1:] + ["独自項目"] for r in rows]
    result = sc.check_file(write(tmp_path, rows_to_text(rows), encoding), TOILET)
    assert result["columns"]["missing_required"] == ["設置位置"]
    assert result["columns"]["unknown"] == ["独自項目"]
    assert result["conforms"] is False
    assert issues(result, "missing_required_column")[0]["severity"] == "error"


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_columns_matched_by_name_not_position(tmp_path, encoding):
    rows = toilet_rows()
    rows = [list(reversed(r)) for r in rows]
    result = sc.check_file(write(tmp_path, rows_to_text(rows), encoding), TOILET)
    assert result["columns"]["missing_required"] == [] and result["columns"]["unknown"] == []
    assert "column_order" in codes(result)
    assert result["summary"]["errors"] == 0


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_legacy_layout_recognised(tmp_path, encoding):
    legacy = standards.columns("12_event", "legacy")
    header = [c["name"] for c in legacy]
    values = {"都道府県コード又は市区町村コード": "131016", "NO": "1", "イベント名": "区民まつり", "イベント名_カナ": "クミンマツリ",
              "開始日": "2024-04-01", "終了日": "2024-04-02", "開始時間": "10:00", "終了時間": "16:00", "説明": "毎年恒例",
              "場所名称": "区民広場", "住所": "東京都千代田区九段南1-2-1", "連絡先電話番号": "03-1234-5678",
              "緯度": "35.694", "経度": "139.753"}
    rows = [header, [values.get(h, "") for h in header]]
    result = sc.check_file(write(tmp_path, rows_to_text(rows), encoding), "12_event")
    assert result["layout"] == "legacy" and result["enforced"] is True
    assert result["conforms"] is True, result["issues"]


def test_variant_spellings_match_with_a_warning(tmp_path):
    rows = toilet_rows()
    rows[0][rows[0].index("所在地_連結表記")] = "所在地_連結標記"  # typo seen in the wild
    result = sc.check_file(write(tmp_path, rows_to_text(rows), "utf-8"), TOILET)
    assert result["columns"]["missing_required"] == []
    assert result["columns"]["aliases"] == [{"header": "所在地_連結標記", "column": "所在地_連結表記"}]


def test_partial_layout_not_enforced(tmp_path):
    rows = [["全国地方公共団体コード", "ID", "地方公共団体名", "名称", "独自の列"],
            ["131016", "1", "東京都千代田区", "区役所", "x"]]
    result = sc.check_file(write(tmp_path, rows_to_text(rows), "utf-8"), "01_public_facility")
    assert result["layout_status"] == "partial" and result["enforced"] is False
    assert result["conforms"] is None
    assert {i["severity"] for i in issues(result, "unknown_column")} == {"info"}


def test_unverified_standard_checks_rules_only(tmp_path):
    rows = toilet_rows()
    result = sc.check_file(write(tmp_path, rows_to_text(rows), "utf-8"), "16_school_lunch")
    assert "no_columns_defined" in codes(result)
    assert result["conforms"] is None
    assert level(result, 1)["score"] == 100


def test_unknown_standard_reported(tmp_path):
    result = sc.check_file(write(tmp_path, rows_to_text(toilet_rows()), "utf-8"), "nonsense")
    assert "unknown_standard" in codes(result)


# --- value types --------------------------------------------------------------------

TYPE_CASES = [
    ("全国地方公共団体コード", "131017", "lg_code_check_digit"),
    ("全国地方公共団体コード", "13101", "lg_code_format"),
    ("所在地_全国地方公共団体コード", "11002", "lg_code_leading_zero"),
    ("緯度", "95.5", "latitude_range"),
    ("緯度", "139.75", "lat_lon_swapped"),
    ("経度", "190", "longitude_range"),
    ("経度", "100.5", "outside_japan"),
    ("緯度", "北緯35度", "number"),
    ("男性トイレ総数", "３", "full_width_digits"),
    ("オストメイト設置トイレ有無", "あり", "flag"),
    ("利用開始時間", "7時", "time"),
    ("利用開始時間", "9:00", "time_format"),
    ("利用終了時間", "25:00", "time"),
    ("画像", "www.example.jp/a.png", "uri"),
    ("名称", "", "required_value_missing"),
]


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
@pytest.mark.parametrize("column,value,code", TYPE_CASES)
def test_type_errors_reported_with_row(tmp_path, encoding, column, value, code):
    rows = toilet_rows(4, {3: {column: value}})
    result = sc.check_file(write(tmp_path, rows_to_text(rows), encoding), TOILET)
    found = issues(result, code)
    assert found, result["issues"]
    assert found[0]["row"] == 4 and found[0]["column"] == column  # header is row 1
    assert result["counts"][code] == 1


EVENT_HEADER = [c["name"] for c in standards.columns("12_event", "legacy")]


def event_file(tmp_path, encoding, **values):
    base = {"イベント名": "まつり", "イベント名_カナ": "マツリ", "開始日": "2024-04-01", "終了日": "2024-04-02",
            "開始時間": "10:00", "終了時間": "16:00", "説明": "x", "場所名称": "広場", "住所": "千代田区"}
    base.update(values)
    return write(tmp_path, rows_to_text([EVENT_HEADER, [base.get(h, "") for h in EVENT_HEADER]]), encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
@pytest.mark.parametrize("written,normalised", [
    ("令和6年4月1日", "2024-04-01"), ("R6.4.1", "2024-04-01"), ("平成31年4月30日", "2019-04-30"),
    ("2024/4/1", "2024-04-01"), ("2024年4月1日", "2024-04-01"), ("令和元年5月1日", "2019-05-01"),
])
def test_japanese_dates_recognised_and_normalised(tmp_path, encoding, written, normalised):
    result = sc.check_file(event_file(tmp_path, encoding, 開始日=written), "12_event")
    found = issues(result, "date_format")
    assert found and found[0]["severity"] == "warning"
    assert normalised in found[0]["message"] and normalised in found[0]["message_ja"]


@pytest.mark.parametrize("value", ["2024-02-30", "来月", "2024-13-01"])
def test_invalid_dates_are_errors(tmp_path, value):
    result = sc.check_file(event_file(tmp_path, "utf-8", 終了日=value), "12_event")
    assert issues(result, "date")[0]["severity"] == "error"


# Cells the checker reads as dates, with the day meant; the era table is schemas/standard-datasets/_types.yaml.
READABLE_DATES = [
    ("平成31年4月30日", dt.date(2019, 4, 30)),   # last day of 平成
    ("令和元年5月1日", dt.date(2019, 5, 1)),      # first day of 令和
    ("昭和64年1月7日", dt.date(1989, 1, 7)),      # last day of 昭和
    ("H1.1.8", dt.date(1989, 1, 8)),
    ("M1.1.25", dt.date(1868, 1, 25)),
    ("T15.12.24", dt.date(1926, 12, 24)),
    ("r6.4.1", dt.date(2024, 4, 1)),              # lower-case initials
    ("h31.4.30", dt.date(2019, 4, 30)),
    ("s64.1.7", dt.date(1989, 1, 7)),
    ("R06.04.01", dt.date(2024, 4, 1)),
    ("Ｒ６．４．１", dt.date(2024, 4, 1)),
    ("令和 6 年 4 月 1 日", dt.date(2024, 4, 1)),
    ("0999/01/01", dt.date(999, 1, 1)),          # years before 1000 as ISO 0999-01-01 is
    ("0001/1/1", dt.date(1, 1, 1)),
    ("2024年4月1日", dt.date(2024, 4, 1)),
]


@pytest.mark.parametrize("text,date", READABLE_DATES)
def test_parse_date_reads_the_day_meant(text, date):
    assert values.parse_date(text) == date


@pytest.mark.parametrize("text", [
    "R0.1.1", "令和0年1月1日",                  # an era has no year 0
    "令和2024年1月1日", "R100.1.1",             # an era year has one or two digits
    "平成31年5月1日", "令和元年4月30日",         # 平成 ended on 30 April 2019
    "昭和64年1月8日", "M1.1.24", "大正15年12月25日",
    "令和6年2月30日", "2024/2/30",              # no such day
    "999/1/1",                                   # a Western year has four digits
])
def test_parse_date_rejects_days_outside_their_era_or_calendar(text):
    assert values.parse_date(text) is None


def test_a_date_time_in_a_cell_is_not_a_date_though_metadata_reads_it():
    """Cells take lib.dates.read_full_date (a day, or nothing); metadata's read_date also
    takes ISO date-times. A date column holding a time is reported, not silently cut."""
    from ckanext.wards.lib import dates

    assert values.parse_date("2024-04-01T10:00") is None
    assert dates.read_date("2024-04-01T10:00") == dt.date(2024, 4, 1)
    types = rules.load_settings()["types"]
    assert values.check_value("date", "2024-04-01T10:00", {}, types) == ("date", {})
    assert values.check_value("date", "2024/4/1", {}, types) == ("date_format", {"normalised": "2024-04-01"})


@pytest.mark.parametrize("text,date", READABLE_DATES)
def test_metadata_validator_agrees_with_the_checker(text, date):
    assert schema.parse_date(text) == values.parse_date(text).isoformat() == date.isoformat()


def test_day_after_an_era_ended_is_not_a_date_in_a_date_column(tmp_path):
    path = event_file(tmp_path, "utf-8", 開始日="平成31年5月1日", 終了日="令和元年5月1日")
    result = sc.check_file(path, "12_event")
    assert [(i["row"], i["column"], i["severity"], i["message_ja"]) for i in issues(result, "date")] == [
        (2, "開始日", "error", "2行目: 開始日 は日付として読めません（値: 平成31年5月1日）")]
    assert [(i["column"], i["severity"]) for i in issues(result, "date_format")] == [("終了日", "warning")]
    assert "2019-05-01" in issues(result, "date_format")[0]["message"]
    assert result["counts"]["date"] == 1 and result["conforms"] is False


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
@pytest.mark.parametrize("value,code", [
    ("03-1234-5678", None), ("(03)5253-5111", None), ("0120-123456", None), ("090-1234-5678", None),
    ("3-1234-5678", "phone_leading_zero"), ("０３-１２３４-５６７８", "full_width_digits"), ("内線123", "phone"),
])
def test_phone_numbers(tmp_path, encoding, value, code):
    result = sc.check_file(event_file(tmp_path, encoding, 連絡先電話番号=value), "12_event")
    phone_codes = codes(result) & {"phone", "phone_leading_zero", "full_width_digits"}
    assert phone_codes == ({code} if code else set())


def test_examples_are_capped_but_counted(tmp_path):
    rows = toilet_rows(60, {i: {"緯度": "99"} for i in range(1, 61)})
    result = sc.check_file(write(tmp_path, rows_to_text(rows), "utf-8"), TOILET, max_examples=5)
    assert len(issues(result, "latitude_range")) == 5
    assert result["counts"]["latitude_range"] == 60
    assert result["truncated"] is True


# --- machine-readability rules --------------------------------------------------------

def simple_text(rows):
    return rows_to_text(rows)


RULE_CASES = {
    "L1-02": [["名称", "件数"], ["a", "1"], [], ["地区", "人口", "世帯"], ["b", "2", "3"]],
    "L1-03": [["名称", "件数"], ["a", "1"], [], ["b", "2"]],
    "L1-04": [["名称", "件数", "備考"], ["a", "1", ""], ["※数値は速報値", "", ""]],
    "L1-05": [["名称", "", "件数"], ["a", "x", "1"]],
    "L1-06": [["名称", "件数"], ["合　計", "1"], ["b ", "2"]],
    "L1-08": [["名称", "件数"], ["①号館", "1"], ["㈱千代田", "2"], ["ﾁﾖﾀﾞ", "3"]],
    "L1-09": [["名称", "件数"]] + [[f"n{i}", v] for i, v in enumerate(["0", "", "3", "4", "0", "", "7"])],
    "L1-14": [["名称", "件数"], ["a\nb", "1"]],
    "L2-01": [["名称", "件数"]] + [[f"n{i}", v] for i, v in enumerate(["1", "2", "3", "4", "1,234", "5人"])],
    "L2-02": [["地区", "名称"], ["千代田", "a"], ["〃", "b"]],
    "L2-03": [["名称", "名称", "件数"], ["a", "b", "1"]],
    "L2-04": [["名称", "区分"]] + [[f"n{i}", v] for i, v in enumerate(["有", "有", "あり", "無", "無し", "有", "無", "有", "無", "有", "無"])],
    "L2-05": [["名称", "種別"]] + [[f"n{i}", v] for i, v in enumerate(["公園", "公園", "広場", "広場", "公園", "その他（駐車場）", "公園", "広場", "公園", "広場", "公園"])],
    "L3-01": [["施設一覧（令和6年4月1日現在）"], ["名称", "件数", "備考"], ["a", "1", "x"]],
    "L3-05": [["名称", "日付"], ["a", "令和6年4月1日"]],
    "L3-09": [["地区", "2021年度", "2022年度", "2023年度"], ["千代田", "1", "2", "3"]],
}


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_each_rule_detects_its_defect(tmp_path, encoding, rule_id):
    result = sc.check_file(write(tmp_path, simple_text(RULE_CASES[rule_id]), encoding), None)
    checked = rule(result, rule_id)
    assert checked["evaluated"] and checked["passed"] is False, (rule_id, result["rules"])
    assert checked["examples"][0]["message"] and checked["examples"][0]["message_ja"]
    clean = sc.check_file(write(tmp_path, simple_text([["名称", "件数"], ["a", "1"], ["b", "2"]]), encoding, "ok.csv"))
    assert rule(clean, rule_id)["passed"] in (True, None)


def test_unquoted_comma_fails_l1_15_fatal(tmp_path):
    text = "名称,住所,件数\r\na,千代田区九段南1-2-1,1\r\nb,千代田区,九段南,2\r\n"
    result = sc.check_file(write(tmp_path, text, "cp932"), None)
    assert rule(result, "L1-15")["passed"] is False
    assert rule(result, "L1-15")["examples"][0]["row"] == 3
    assert level(result, 1)["score"] == 0 and level(result, 1)["forced_zero"] is True


def test_quoted_comma_passes(tmp_path):
    text = '名称,住所,件数\r\na,"千代田区,九段南",1\r\n'
    result = sc.check_file(write(tmp_path, text, "utf-8"), None)
    assert rule(result, "L1-15")["passed"] is True


def test_one_value_per_cell_in_typed_column(tmp_path):
    rows = toilet_rows(3, {2: {"画像": "https://a.jp/1.png、https://a.jp/2.png"}})
    result = sc.check_file(write(tmp_path, rows_to_text(rows), "utf-8"), TOILET)
    assert rule(result, "L1-07")["passed"] is False


def test_area_codes_rule_uses_check_digit(tmp_path):
    rows = toilet_rows(3, {2: {"全国地方公共団体コード": "131011"}})
    result = sc.check_file(write(tmp_path, rows_to_text(rows), "utf-8"), TOILET)
    assert rule(result, "L3-06")["passed"] is False
    assert level(result, 3)["score"] == 85  # CRITICAL at level 3 = -15


def test_excel_only_rules_skipped_on_csv(tmp_path):
    result = sc.check_file(write(tmp_path, rows_to_text(toilet_rows()), "utf-8"), TOILET)
    for rule_id in ("L1-10", "L1-12", "L1-13", "L2-06", "L3-02"):
        assert rule(result, rule_id)["evaluated"] is False


def test_not_a_table_fails_l1_01(tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    result = sc.check_file(path, TOILET)
    assert rule(result, "L1-01")["passed"] is False and level(result, 1)["score"] == 0


# --- scoring, exactly as the reference scorer ---------------------------------------

def test_scoring_deductions_and_forced_zero():
    states = {"L1-03": {"failed": 1, "examples": []}, "L1-09": {"failed": 3, "examples": []},
              "L1-05": {"failed": 0, "examples": []},
              "L2-04": {"failed": 1, "examples": []}, "L2-05": {"failed": 1, "examples": []},
              "L3-01": {"failed": 1, "examples": []}, "L3-09": {"failed": 0, "examples": []}}
    _, levels = rules.score_rules(states, "csv")
    by = {lv["level"]: lv for lv in levels}
    assert by[1]["score"] == 100 - 10 - 2          # CRITICAL + MINOR at L1, once per rule
    assert by[2]["score"] == 100 - 40 - 30         # CRITICAL + MAJOR at L2
    assert by[3]["score"] == 0 and by[3]["forced_zero"]  # L3-01 is FATAL
    _, levels = rules.score_rules({"L2-04": {"failed": 1, "examples": []}, "L2-05": {"failed": 1, "examples": []},
                                "L2-03": {"failed": 0, "examples": []}}, "csv")
    assert levels[1]["score"] == 30 and levels[0]["score"] is None  # nothing evaluated at L1


def test_score_never_below_zero():
    states = {rid: {"failed": 1, "examples": []} for rid in ("L3-05", "L3-06", "L3-09")}
    states["L3-01"] = {"failed": 0, "examples": []}
    _, levels = rules.score_rules(states, "csv")
    assert levels[2]["score"] == 100 - 10 - 15 - 10


# --- XLSX ---------------------------------------------------------------------------

def make_workbook(path, rows, merge=None, hide_row=None, formula=None):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    if hide_row:
        ws.row_dimensions[hide_row].hidden = True
    if formula:
        ws[formula[0]] = formula[1]
    wb.save(path)
    return path


def test_xlsx_conforming(tmp_path):
    rows = toilet_rows()
    path = make_workbook(tmp_path / "t.xlsx", rows)
    result = sc.check_file(path, TOILET)
    assert result["file"]["format"] == "xlsx"
    assert result["conforms"] is True, result["issues"]
    assert rule(result, "L1-12")["passed"] is True and rule(result, "L1-14")["evaluated"] is False


def test_xlsx_merged_hidden_formula(tmp_path):
    rows = [["名称", "件数"], ["a", 1], ["b", 2], ["c", 3]]
    path = make_workbook(tmp_path / "t.xlsx", rows, merge="A2:A3", hide_row=4, formula=("B5", "=SUM(B2:B4)"))
    result = sc.check_file(path, None)
    assert rule(result, "L1-12")["passed"] is False
    assert rule(result, "L1-13")["passed"] is False
    assert rule(result, "L2-06")["passed"] is False


def test_xlsx_number_code_loses_leading_zero(tmp_path):
    rows = toilet_rows(2)
    idx = rows[0].index("所在地_全国地方公共団体コード")
    rows[1][idx] = 11002  # typed as a number in Excel
    result = sc.check_file(make_workbook(tmp_path / "t.xlsx", rows), TOILET)
    assert issues(result, "lg_code_leading_zero")[0]["row"] == 2


# --- a 50 MB file in bounded memory --------------------------------------------------

PEAK_SCRIPT = """
import json, resource, sys
from ckanext.wards.conformance import checker
checker.load_data()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = checker.check_file(sys.argv[1], sys.argv[2])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kb": before, "after_kb": after, "rows": result["file"]["rows"],
                  "lat": result["counts"].get("latitude_range"), "examples": len(result["issues"])}))
"""


@pytest.mark.slow  # writes and reads a 50 MB file
def test_50mb_file_in_bounded_memory(tmp_path):
    """Peak RSS of a fresh process grows by far less than the file while checking it."""
    import json
    import subprocess
    import sys

    rows = toilet_rows(1)
    header, row = rows[0], rows[1]
    line = ",".join(row) + "\r\n"
    bad = line.replace("35.694003", "95.0")
    path = tmp_path / "big.csv"
    target = 50 * 1024 * 1024
    n = 0
    with open(path, "wb") as f:
        f.write((",".join(header) + "\r\n").encode("utf-8"))
        block = "".join(line if i % 1000 else bad for i in range(1, 1001)).encode("utf-8")
        while f.tell() < target:
            f.write(block)
            n += 1000
    assert path.stat().st_size >= target
    out = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(path), TOILET],
                         capture_output=True, text=True, check=True).stdout
    peak = json.loads(out)
    assert peak["rows"] == n
    assert peak["lat"] == n // 1000
    growth_mb = (peak["after_kb"] - peak["before_kb"]) / 1024
    assert growth_mb < 25, f"memory grew by {growth_mb:.1f} MB checking a 50 MB file"


def test_other_zip_and_legacy_formats(tmp_path):
    import zipfile

    ods = tmp_path / "t.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    result = sc.check_file(ods, TOILET)
    assert "unsupported_format" in codes(result)
    assert rule(result, "L1-01")["evaluated"] is False  # ODS is machine-readable: no FATAL
    docx = tmp_path / "t.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert rule(sc.check_file(docx, TOILET), "L1-01")["passed"] is False
    xls = tmp_path / "t.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert "unsupported_format" in codes(sc.check_file(xls, None))


def test_empty_file(tmp_path):
    result = sc.check_file(write(tmp_path, "", "utf-8"), TOILET)
    assert "empty_file" in codes(result) and result["conforms"] is False


def test_table_schema_export_follows_the_definitions():
    schema = standards.table_schema(TOILET)
    assert [f["name"] for f in schema["fields"]] == TOILET_COLUMNS
    by_name = {f["name"]: f for f in schema["fields"]}
    assert by_name["緯度"]["type"] == "number" and by_name["緯度"]["constraints"]["maximum"] == 90
    assert by_name["名称"]["constraints"]["required"] is True
    assert by_name["オストメイト設置トイレ有無"]["constraints"]["enum"] == ["有", "無"]


def test_xlsx_note_right_of_the_table(tmp_path):
    rows = [["名称", "件数"], ["a", 1], ["b", 2, None, "※速報値"]]
    result = sc.check_file(make_workbook(tmp_path / "t.xlsx", rows), None)
    assert rule(result, "L1-04")["passed"] is False
    assert "row_too_short" not in codes(result)
