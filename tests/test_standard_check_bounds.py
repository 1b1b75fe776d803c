"""The standard checker's bounds (issue 11, H2) and XLSX detected from content (M6).

Memory is measured in a fresh subprocess (peak RSS growth while checking), with a ceiling.
Files beyond a bound are reported as not checked, not as failing.
"""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from ckanext.wards.conformance import checker as sc
from ckanext.wards.conformance import reading
from tests.workbooks import shared_strings_workbook, toilet_rows, workbook_bytes, zip_bomb

TOILET = "13_public_toilet"
MEMORY_CEILING_MB = 200

PEAK_SCRIPT = """
import json, resource, sys
from ckanext.wards.conformance import checker
import openpyxl  # loaded before the baseline, as the settings are
checker.load_data()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = checker.check_file(sys.argv[1], sys.argv[2] or None)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kb": after - before, "not_assessed": result.get("not_assessed"),
                  "conforms": result["conforms"], "levels": [lv["score"] for lv in result["levels"]]}))
"""


def check_in_subprocess(path, standard: str = "") -> dict:
    # the timeout only stops a runaway check (today's code needs minutes); no speed claim
    out = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(path), standard],
                         capture_output=True, text=True, check=True, timeout=600).stdout
    return json.loads(out)


def assert_bounded(peak: dict) -> None:
    growth_mb = peak["growth_kb"] / 1024
    assert growth_mb < MEMORY_CEILING_MB, f"memory grew by {growth_mb:.0f} MB"


@pytest.mark.slow  # tens of MB in a subprocess: dev/test, not dev/unit
def test_a_10_mb_csv_on_one_line_is_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"x," * (5 * 1024 * 1024))
    peak = check_in_subprocess(path, TOILET)
    assert_bounded(peak)
    assert peak["not_assessed"]["code"] == "record_too_long"
    assert "1000000" in peak["not_assessed"]["message"] and "1000000" in peak["not_assessed"]["message_ja"]
    assert peak["conforms"] is None and peak["levels"] == [None, None, None]  # not assessed, not failed


@pytest.mark.slow  # builds and measures a 300 MB-uncompressed workbook in a subprocess
def test_an_xlsx_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    bomb = zip_bomb(tmp_path / "bomb", 300 * 1024 * 1024)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    peak = check_in_subprocess(bomb, TOILET)
    assert_bounded(peak)
    assert peak["not_assessed"]["code"] == "xlsx_too_large"
    assert peak["conforms"] is None and peak["levels"] == [None, None, None]


@pytest.mark.slow  # tens of MB in a subprocess: dev/test, not dev/unit
def test_a_part_expanding_a_thousand_times_is_refused_as_a_zip_bomb(tmp_path):
    bomb = zip_bomb(tmp_path / "bomb", 40 * 1024 * 1024)  # under the size limit, not the ratio
    peak = check_in_subprocess(bomb)
    assert_bounded(peak)
    assert peak["not_assessed"]["code"] == "xlsx_compression"
    assert "xl/worksheets/sheet1.xml" in peak["not_assessed"]["message"]


@pytest.mark.slow  # builds a 1.5 M-string workbook and measures it in a subprocess
def test_a_shared_strings_bomb_under_the_other_limits_is_refused_in_bounded_memory(tmp_path):
    """S3: one cell and 1.5 M unique shared strings (a 3.8 MB file, 36 MB uncompressed)
    passed every limit, and openpyxl loaded every string: memory grew by 229 MB."""
    bomb = shared_strings_workbook(tmp_path / "strings", 1_500_000)
    size = zipfile.ZipFile(bomb).getinfo("xl/sharedStrings.xml").file_size
    defaults = reading.Limits()
    assert size < defaults.max_xlsx_bytes and size < defaults.max_xlsx_shared_strings_bytes
    reading.inspect_xlsx(bomb, defaults)  # under the size, ratio and part limits
    assert reading.xlsx_structure(bomb)["cells"] == 1
    peak = check_in_subprocess(bomb, TOILET)
    assert_bounded(peak)
    assert peak["not_assessed"]["code"] == "xlsx_too_many_strings"
    assert "500000" in peak["not_assessed"]["message"] and "共有文字列" in peak["not_assessed"]["message_ja"]
    assert peak["conforms"] is None and peak["levels"] == [None, None, None]


def test_shared_strings_are_bounded_by_count_and_by_size(tmp_path):
    path = shared_strings_workbook(tmp_path / "strings", 2000)
    assert sc.check_file(path, None, limits=reading.Limits(max_xlsx_shared_strings=1999))["not_assessed"]["code"] \
        == "xlsx_too_many_strings"
    result = sc.check_file(path, None, limits=reading.Limits(max_xlsx_shared_strings_bytes=10_000))
    assert result["not_assessed"]["code"] == "xlsx_strings_too_large"
    assert sc.check_file(path, None, limits=reading.Limits(max_xlsx_shared_strings=2000)).get("not_assessed") is None


def test_cells_are_counted_before_parsing(tmp_path):
    path = tmp_path / "cells"
    path.write_bytes(workbook_bytes([[f"c{j}" for j in range(10)]] + [list(range(10))] * 30))
    result = sc.check_file(path, None, limits=reading.Limits(max_xlsx_cells=100))
    assert result["not_assessed"]["code"] == "xlsx_too_many_cells"
    assert sc.check_file(path, None, limits=reading.Limits(max_xlsx_cells=1000)).get("not_assessed") is None


def test_a_sheet_row_wider_than_the_column_limit_is_refused(tmp_path):
    path = tmp_path / "wide"
    path.write_bytes(workbook_bytes([["a", "b"], list(range(50))]))
    result = sc.check_file(path, None, limits=reading.Limits(max_columns=20))
    assert result["not_assessed"]["code"] == "too_many_columns"


def test_a_csv_header_wider_than_the_column_limit_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"項目{j}" for j in range(2000)) + "\r\n" + ",".join("1" * 2000) + "\r\n",
                    encoding="utf-8")
    result = sc.check_file(path, None)
    assert result["not_assessed"]["code"] == "too_many_columns"
    assert result["not_assessed"]["message_ja"].startswith("表の列数 2000")


def test_a_quoted_value_over_many_lines_counts_as_one_record(tmp_path):
    path = tmp_path / "multi.csv"
    value = "\n".join(["line"] * 500)
    path.write_text(f'名称,備考\r\na,"{value}"\r\n', encoding="utf-8")
    result = sc.check_file(path, None, limits=reading.Limits(max_record_chars=1000))
    assert result["not_assessed"]["code"] == "record_too_long"
    assert result["issues"][0]["row"] == 2
    assert sc.check_file(path, None).get("not_assessed") is None  # within the default


def test_an_xlsx_without_suffix_is_detected_from_its_content(tmp_path):
    """Stored uploads and downloads have no .xlsx suffix (M6)."""
    path = tmp_path / "8f3a0c1e-upload"
    path.write_bytes(workbook_bytes(toilet_rows()))
    result = sc.check_file(path, TOILET)
    assert result["file"]["format"] == "xlsx"
    assert result["conforms"] is True, result["issues"]
    assert [lv["score"] for lv in result["levels"]] == [100, 100, 100]


def test_a_workbook_is_known_by_its_content_types(tmp_path):
    import io
    import zipfile

    moved = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook_bytes([["a"]]))) as source, zipfile.ZipFile(moved, "w") as target:
        for item in source.infolist():
            if item.filename != "xl/workbook.xml":
                target.writestr(item.filename, source.read(item.filename))
    assert b"spreadsheetml.sheet.main+xml" in zipfile.ZipFile(moved).read("[Content_Types].xml")
    assert reading.file_kind(b"PK\x03\x04", io.BytesIO(moved.getvalue())) == "xlsx"


def test_the_fingerprint_changes_with_the_standard_and_the_version(monkeypatch):
    toilet, aed, none = sc.fingerprint(TOILET), sc.fingerprint("08_aed"), sc.fingerprint(None)
    assert len({toilet, aed, none}) == 3
    sc._fingerprint.cache_clear()
    monkeypatch.setattr(sc, "CHECKER_VERSION", sc.CHECKER_VERSION + "-next")
    try:
        assert sc.fingerprint(TOILET) != toilet
    finally:
        sc._fingerprint.cache_clear()


def test_a_workbook_of_too_many_parts_is_refused(tmp_path):
    import io
    import zipfile

    path = tmp_path / "parts"
    with zipfile.ZipFile(io.BytesIO(workbook_bytes([["a"]]))) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
        for i in range(30):
            target.writestr(f"xl/media/image{i}.png", b"")
    result = sc.check_file(path, None, limits=reading.Limits(max_xlsx_parts=20))
    assert result["not_assessed"]["code"] == "xlsx_too_many_parts"
