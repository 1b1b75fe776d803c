"""Conformance of a CSV/XLSX file to a national standard dataset, and the 2026
government machine-readability rules (行政データにおける機械可読性に関するルール) that can be
checked automatically on the file.

The file is read once, row by row (memory does not grow with the file): encoding and
delimiter are detected from the first 64 KiB, the header is matched by name against the
standard's layouts (``ckanext.wards.standards``), each cell of a typed column is checked,
and per-column statistics feed the rules that need the whole column (blank vs zero,
numbers with units, choice spellings).

The result is a plain JSON-serialisable dict. Every message is stored in both languages
(``message`` in English, ``message_ja`` in Japanese), so the result can be cached, sent
through the API or printed by the CLI without a request context; a UI picks one by the
user's language.

Rules are scored per level as the Digital Agency's reference scorer (Harunobu,
``harunobu/core/scorer.py``) does: rules not evaluated on this file are left out; a level
with none is ``None``; a failed FATAL rule forces the level to 0; otherwise
``max(0, 100 - sum of the fixed deductions of the failed rules)``.
"""
from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import itertools
import re
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path
from typing import IO, Iterator

import yaml

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from ckanext.wards import standards
from ckanext.wards.lib.dates import eras, read_full_date
from ckanext.wards.vocab.wards import lg_code_ok
from ckanext.wards.paths import schema_file

SAMPLE_BYTES = 64 * 1024
# Bumped when a change of this module changes results: stored results of older versions
# are not reused (the data files under schemas/ are part of the fingerprint anyway).
CHECKER_VERSION = "2"
MAX_EXAMPLES = 20          # examples kept per (check, column); totals are always complete
DELIMITERS = (",", "\t", ";", "|")
CELL_SEP = "\x1f"          # joins a row's cells so one regex can screen the whole row
NUMERIC_SHARE = 0.8        # a column is numeric when this share of its values are numbers
MIN_VALUES_FOR_STATS = 5

# Every message, English and Japanese, with str.format placeholders.
MESSAGES = {
    "unknown_standard": ("Unknown standard dataset: {standard}",
                         "不明な標準データセットです: {standard}"),
    "no_columns_defined": ("The column definition of {standard} is not known yet; only the machine-readability rules were checked.",
                           "{standard} の項目定義は未確認のため、機械可読性ルールのみを確認しました。"),
    "layout_not_enforced": ("The column list of this layout is {status}: missing and unknown columns are reported for information only.",
                            "このレイアウトの項目一覧は{status_ja}のため、不足・不明な項目は参考情報として報告します。"),
    "no_matching_columns": ("No column of the file matches the standard {standard}.",
                            "ファイルの項目が標準 {standard} のどの項目とも一致しません。"),
    "missing_required_column": ("Required column missing: {column}",
                                "必須項目がありません: {column}"),
    "missing_column": ("Column of the standard missing: {column}",
                       "標準の項目がありません: {column}"),
    "unknown_column": ("Column not in the standard: {column}",
                       "標準にない項目です: {column}"),
    "alias_column": ("Column {header} uses an older or variant name; the standard name is {column}",
                     "項目 {header} は旧名称または異表記です。標準の項目名は {column} です"),
    "column_order": ("Columns are not in the order of the standard (first difference: {column})",
                     "項目の並びが標準と異なります（最初の相違: {column}）"),
    "required_value_missing": ("Row {row}: required value missing in {column}",
                               "{row}行目: 必須項目 {column} が空です"),
    "lg_code_format": ("Row {row}: {column} must be 6 half-width digits, got {value!r}",
                       "{row}行目: {column} は半角数字6桁で記載してください（値: {value}）"),
    "lg_code_leading_zero": ("Row {row}: {column} {value!r} has lost its leading zero (write it as text, e.g. 011002)",
                             "{row}行目: {column} の値 {value} は先頭の0が欠落しています（文字列として 011002 のように記載）"),
    "lg_code_check_digit": ("Row {row}: {column} {value!r} has a wrong check digit",
                            "{row}行目: {column} の値 {value} の検査数字が正しくありません"),
    "digits": ("Row {row}: {column} must be half-width digits, got {value!r}",
               "{row}行目: {column} は半角数字で記載してください（値: {value}）"),
    "postal_code": ("Row {row}: {column} must be 7 digits without hyphen, got {value!r}",
                    "{row}行目: {column} はハイフンなしの7桁で記載してください（値: {value}）"),
    "postal_code_leading_zero": ("Row {row}: {column} {value!r} has lost its leading zero",
                                 "{row}行目: {column} の値 {value} は先頭の0が欠落しています"),
    "number": ("Row {row}: {column} must be a half-width number, got {value!r}",
               "{row}行目: {column} は半角の数値で記載してください（値: {value}）"),
    "full_width_digits": ("Row {row}: {column} uses full-width characters: {value!r}",
                          "{row}行目: {column} に全角文字が使われています（値: {value}）"),
    "latitude_range": ("Row {row}: latitude {value!r} is outside -90..90",
                       "{row}行目: 緯度 {value} が -90〜90 の範囲外です"),
    "longitude_range": ("Row {row}: longitude {value!r} is outside -180..180",
                        "{row}行目: 経度 {value} が -180〜180 の範囲外です"),
    "outside_japan": ("Row {row}: {column} {value!r} is outside Japan",
                      "{row}行目: {column} の値 {value} は日本の範囲外です"),
    "lat_lon_swapped": ("Row {row}: latitude {value!r} looks like a longitude (columns swapped?)",
                        "{row}行目: 緯度 {value} は経度の値に見えます（緯度と経度が逆?）"),
    "date": ("Row {row}: {column} is not a date: {value!r}",
             "{row}行目: {column} は日付として読めません（値: {value}）"),
    "date_format": ("Row {row}: {column} {value!r} should be written YYYY-MM-DD ({normalised})",
                    "{row}行目: {column} の値 {value} は YYYY-MM-DD 形式（{normalised}）で記載してください"),
    "time": ("Row {row}: {column} is not a time hh:mm: {value!r}",
             "{row}行目: {column} は hh:mm 形式の時刻ではありません（値: {value}）"),
    "time_format": ("Row {row}: {column} {value!r} should be zero-padded hh:mm",
                    "{row}行目: {column} の値 {value} は0埋めの hh:mm 形式で記載してください"),
    "flag": ("Row {row}: {column} must be 有 or 無, got {value!r}",
             "{row}行目: {column} は「有」または「無」で記載してください（値: {value}）"),
    "flag_1": ("Row {row}: {column} must be 1 or blank, got {value!r}",
               "{row}行目: {column} は 1 または空欄で記載してください（値: {value}）"),
    "enum": ("Row {row}: {column} {value!r} is not one of the standard's values",
             "{row}行目: {column} の値 {value} は標準の選択肢にありません"),
    "phone": ("Row {row}: {column} is not a phone number like 03-1234-5678: {value!r}",
              "{row}行目: {column} は 03-1234-5678 のような電話番号ではありません（値: {value}）"),
    "phone_leading_zero": ("Row {row}: {column} {value!r} has lost its leading zero",
                           "{row}行目: {column} の値 {value} は先頭の0が欠落しています"),
    "uri": ("Row {row}: {column} is not an http(s) URL: {value!r}",
            "{row}行目: {column} は http(s) の URL ではありません（値: {value}）"),
    "email": ("Row {row}: {column} is not an e-mail address: {value!r}",
              "{row}行目: {column} はメールアドレスではありません（値: {value}）"),
    "row_too_short": ("Row {row} has {count} fields, the header has {width}",
                      "{row}行目の項目数 {count} がヘッダーの項目数 {width} と一致しません"),
    "encoding_error": ("Row {row}: bytes that are not valid {encoding}",
                       "{row}行目: {encoding} として読めないバイトがあります"),
    "not_tabular": ("The file is not a CSV or XLSX table ({reason})",
                    "ファイルが CSV または XLSX の表ではありません（{reason}）"),
    "empty_file": ("The file is empty", "ファイルが空です"),
    "unsupported_format": ("{format} files are machine-readable but not checked by this tool",
                           "{format} ファイルは機械判読可能ですが、このツールでは確認しません"),
    "file_too_large": ("The file is larger than {limit} bytes",
                       "ファイルが上限 {limit} バイトを超えています"),
    # limits: the file is not checked (not assessed, not failed)
    "record_too_long": ("Record {row} is longer than {limit} characters: the file was not checked",
                        "{row}件目のレコードが {limit} 文字を超えるため、ファイルを確認しませんでした"),
    "too_many_columns": ("The table has more than {limit} columns ({count}): the file was not checked",
                         "表の列数 {count} が上限 {limit} を超えるため、ファイルを確認しませんでした"),
    "xlsx_too_large": ("The workbook expands to {size} bytes, more than {limit}: the file was not checked",
                       "ブックの展開後のサイズ {size} バイトが上限 {limit} バイトを超えるため、ファイルを確認しませんでした"),
    "xlsx_compression": ("Part {part} of the workbook expands {ratio} times (a zip bomb?): the file was not checked",
                         "ブックの {part} が {ratio} 倍に展開されるため（zip爆弾?）、ファイルを確認しませんでした"),
    "xlsx_too_many_parts": ("The workbook has {count} parts, more than {limit}: the file was not checked",
                            "ブックの構成要素の数 {count} が上限 {limit} を超えるため、ファイルを確認しませんでした"),
    "xlsx_too_many_cells": ("The workbook has more than {limit} cells: the file was not checked",
                            "ブックのセル数が上限 {limit} を超えるため、ファイルを確認しませんでした"),
    "xlsx_too_many_strings": ("The workbook has more than {limit} shared strings: the file was not checked",
                              "ブックの共有文字列の数が上限 {limit} を超えるため、ファイルを確認しませんでした"),
    "xlsx_strings_too_large": ("The workbook's shared strings expand to {size} bytes, more than {limit}: "
                               "the file was not checked",
                               "ブックの共有文字列の展開後のサイズ {size} バイトが上限 {limit} バイトを超えるため、"
                               "ファイルを確認しませんでした"),
    # machine-readability rules
    "L1-01": ("Not a machine-readable table: {reason}", "機械判読可能な表ではありません: {reason}"),
    "L1-02": ("Row {row}: a second table starts here", "{row}行目: 2つ目の表が始まっています"),
    "L1-03": ("{where}: blank separator", "{where_ja}: 区切りのための空白があります"),
    "L1-04": ("Row {row}: a note outside the data: {value!r}", "{row}行目: データ外の注記があります（{value}）"),
    "L1-05": ("Column {index}: no meaningful header ({value!r})", "{index}列目: 内容が分かる項目名がありません（{value}）"),
    "L1-06": ("Row {row}, {column}: spaces used for layout ({value!r})", "{row}行目 {column}: 体裁用のスペースがあります（{value}）"),
    "L1-07": ("Row {row}, {column}: several values in one cell ({value!r})", "{row}行目 {column}: 1セルに複数のデータがあります（{value}）"),
    "L1-08": ("Row {row}, {column}: platform-dependent characters {chars} ({kinds})", "{row}行目 {column}: 機種依存文字 {chars}（{kinds_ja}）"),
    "L1-09": ("Column {column}: both blanks ({blanks}) and zeros ({zeros}) in a numeric column", "{column}列: 数値列に空欄（{blanks}件）とゼロ（{zeros}件）が混在しています"),
    "L1-10": ("The workbook contains objects (images, shapes, charts)", "ブックにオブジェクト（画像・図形・グラフ）があります"),
    "L1-12": ("The workbook has merged cells ({count})", "セルの結合があります（{count}件）"),
    "L1-13": ("The workbook has hidden rows or columns ({count})", "非表示の行または列があります（{count}件）"),
    "L1-14": ("Row {row}, {column}: a line break inside a value", "{row}行目 {column}: 値の中に改行があります"),
    "L1-15": ("Row {row}: {count} fields instead of {width} (a comma not enclosed in double quotes?)", "{row}行目: 項目数が {width} ではなく {count} です（カンマを含む値がダブルクォートで囲まれていない?）"),
    "L2-01": ("Row {row}, {column}: a number with text ({value!r})", "{row}行目 {column}: 数値に文字が含まれています（{value}）"),
    "L2-02": ("Row {row}, {column}: value omitted as a repeat of the row above ({value!r})", "{row}行目 {column}: 前行と同じ値が省略されています（{value}）"),
    "L2-03": ("Duplicate column header: {column}", "項目名が重複しています: {column}"),
    "L2-04": ("Column {column}: one choice spelled several ways ({value})", "{column}列: 同じ選択肢に表記揺れがあります（{value}）"),
    "L2-05": ("Row {row}, {column}: \"other\" answer with its detail in the same cell ({value!r})", "{row}行目 {column}: 「その他」の詳細が同じ列に記入されています（{value}）"),
    "L2-06": ("The workbook contains formulas ({count} cells)", "数式が残っています（{count}セル）"),
    "L3-01": ("The file does not start with the header row ({reason})", "ファイルが項目名の行から始まっていません（{reason_ja}）"),
    "L3-05": ("Row {row}, {column}: Japanese era date without the Western year ({value!r})", "{row}行目 {column}: 西暦の併記がない和暦です（{value}）"),
    "L3-06": ("Row {row}, {column}: invalid area code ({value!r})", "{row}行目 {column}: 地域コードが正しくありません（{value}）"),
    "L3-09": ("Periods are spread over columns (wide layout): {value}", "時点が列方向に展開されています（横持ち）: {value}"),
}

STATUS_JA = {"verified": "確認済み", "partial": "一部のみ確認", "unverified": "未確認"}


def message(code: str, **params) -> tuple[str, str]:
    en, ja = MESSAGES[code]
    params.setdefault("column", "")
    return en.format(**params), ja.format(**params)


# --- bounds ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Limits:
    """What one file may cost: memory stays bounded per record and per row, and a workbook
    is sized up from its zip directory and its sheets' cell tags before it is parsed."""

    max_record_chars: int = 1_000_000      # one CSV record (a file on a single line is one)
    max_columns: int = 1000                # header cells; cells of a sheet row
    max_xlsx_bytes: int = 200 * 1024 * 1024  # uncompressed, all parts of the workbook
    max_xlsx_cells: int = 2_000_000        # cells of the workbook's sheets
    # A part expanding more than this (and to more than 1 MiB) is a zip bomb, not a sheet:
    # real sheets compress 5-30 times, a bomb hundreds or thousands of times.
    max_xlsx_ratio: int = 250
    max_xlsx_parts: int = 10_000
    # openpyxl holds every shared string in memory (about 170 bytes each, plus the text)
    # whatever the cells use: 1 M strings of 8 characters are 24 MB of XML but 184 MB.
    max_xlsx_shared_strings: int = 500_000
    max_xlsx_shared_strings_bytes: int = 50 * 1024 * 1024  # uncompressed


class LimitExceeded(Exception):
    """The file is beyond a limit: it is reported as not checked (``code`` in MESSAGES)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


_RATIO_FLOOR = 1024 * 1024


def fingerprint(standard_id: str | None) -> str:
    """Checker version + the data it reads (rules, settings, types, the standard), so a
    result stored under it is reused only while all of them are unchanged."""
    return _fingerprint(standard_id or "")


@functools.lru_cache(maxsize=None)
def _fingerprint(standard_id: str) -> str:
    digest = hashlib.sha256(CHECKER_VERSION.encode())
    for name in ("machine-readability-rules.csv", "machine-readability-checks.yaml"):
        digest.update(Path(schema_file(name)).read_bytes())
    digest.update(Path(schema_file("standard-datasets", "_types.yaml")).read_bytes())
    std = standards.get_standard(standard_id) if standard_id else None
    digest.update(json.dumps(std, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()[:16]


# --- data files ---------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def load_rules() -> list[dict]:
    """The 30 rules, with the reference scorer's severity and deduction."""
    with open(schema_file("machine-readability-rules.csv"), encoding="utf-8", newline="") as f:
        rules = list(csv.DictReader(f))
    for rule in rules:
        rule["level"] = int(rule["level"])
        rule["auto_check"] = rule["auto_check"].split()
        ded = rule["deduction_reference_impl"]
        rule["deduction"] = None if ded == "force_zero" else abs(int(ded))
    return rules


@functools.lru_cache(maxsize=None)
def load_settings() -> dict:
    with open(schema_file("machine-readability-checks.yaml"), encoding="utf-8") as f:
        settings = yaml.load(f, Loader=_YAML_LOADER)
    with open(schema_file("standard-datasets", "_types.yaml"), encoding="utf-8") as f:
        settings["types"] = yaml.load(f, Loader=_YAML_LOADER)
    ranges = settings["platform_dependent_characters"]
    tolerated = settings["tolerated_characters"]
    char_class = "".join(f"\\U{r['from']:08x}-\\U{r['to']:08x}" for r in ranges)
    settings["platform_re"] = re.compile(f"[{char_class}]")
    settings["tolerated"] = set(tolerated)
    settings["ranges"] = ranges
    for key in ("number_with_junk_pattern", "meaningless_header_pattern", "period_header_pattern",
                "era_date_pattern", "western_year_pattern", "note_row_pattern",
                "other_with_detail_pattern"):
        flags = re.IGNORECASE if key in ("meaningless_header_pattern", "note_row_pattern") else 0
        settings[key.replace("_pattern", "_re")] = re.compile(settings[key], flags)
    synonyms = {}
    for group in settings["choice_synonyms"]:
        for word in group:
            synonyms[_fold(word)] = _fold(group[0])
    settings["synonyms"] = synonyms
    settings["ditto"] = set(settings["ditto_marks"])
    return settings


def _fold(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).casefold().split())


# --- value checks -------------------------------------------------------------------

NUMBER_RE = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
SPACED_CJK_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff](?:[ \u3000]+[\u3040-\u30ff\u4e00-\u9fff]){1,5}")
MULTI_SPLIT_RE = re.compile(r"\s*[、,，;；/／]\s*|\s+")
MULTI_SPLIT_URL_RE = re.compile(r"\s*[、,，;；]\s*|\s+")


def parse_date(value: str) -> dt.date | None:
    """ISO or Japanese-written dates (2024/4/1, 2024年4月1日, 令和6年4月1日, R6.4.1); ``None``
    for anything else, a day that does not exist or one outside its era."""
    try:
        return read_full_date(unicodedata.normalize("NFKC", value).strip())
    except ValueError:
        return None


def check_value(kind: str, value: str, col: dict, types: dict) -> tuple[str, dict] | None:
    """``None`` when ``value`` is a valid ``kind``; else (message code, extra params).

    Codes ending in ``_format`` are warnings (understood but not the standard spelling).
    """
    spec = types.get(kind, {})
    if kind == "string":
        return None
    if kind in ("number", "latitude", "longitude"):
        if not NUMBER_RE.fullmatch(value):
            nfkc = unicodedata.normalize("NFKC", value)
            if nfkc != value and NUMBER_RE.fullmatch(nfkc):
                return "full_width_digits", {}
            return "number", {}
        if kind == "number":
            return None
        number = float(value)
        if kind == "latitude":
            if types["longitude"]["japan_min"] <= number <= types["longitude"]["japan_max"]:
                return "lat_lon_swapped", {}
            if not spec["min"] <= number <= spec["max"]:
                return "latitude_range", {}
        elif not spec["min"] <= number <= spec["max"]:
            return "longitude_range", {}
        if not spec["japan_min"] <= number <= spec["japan_max"]:
            return "outside_japan", {}
        return None
    if kind == "lg_code":
        if re.fullmatch(spec["pattern"], value):
            return None if lg_code_ok(value) else ("lg_code_check_digit", {})
        if re.fullmatch(r"[0-9]{5}", value) and lg_code_ok("0" + value):
            return "lg_code_leading_zero", {}
        return "lg_code_format", {}
    if kind == "digits":
        return None if value.isascii() and value.isdigit() else ("digits", {})
    if kind == "postal_code":
        if re.fullmatch(spec["pattern"], value):
            return None
        if re.fullmatch(r"[0-9]{6}", value):
            return "postal_code_leading_zero", {}
        return "postal_code", {}
    if kind == "date":
        if re.fullmatch(spec["pattern"], value):
            try:
                dt.date.fromisoformat(value)
                return None
            except ValueError:
                return "date", {}
        parsed = parse_date(value)
        if parsed:
            return "date_format", {"normalised": parsed.isoformat()}
        return "date", {}
    if kind == "time":
        if re.fullmatch(spec["pattern"], value):
            return None
        if re.fullmatch(spec["loose_pattern"], value):
            return "time_format", {}
        return "time", {}
    if kind in ("flag", "flag_1"):
        return None if value in spec["values"] else (kind, {})
    if kind == "enum":
        return None if value in col.get("enum", ()) else ("enum", {})
    if kind == "phone":
        if re.fullmatch(spec["pattern"], value):
            return None
        nfkc = unicodedata.normalize("NFKC", value)
        if nfkc != value and re.fullmatch(spec["pattern"], nfkc):
            return "full_width_digits", {}
        if re.fullmatch(r"[1-9][0-9]{0,3}-[0-9]{1,4}-[0-9]{4}", value):
            return "phone_leading_zero", {}
        return "phone", {}
    if kind in ("uri", "email"):
        return None if re.fullmatch(spec["pattern"], value) else (kind, {})
    return None


# --- reading ------------------------------------------------------------------------

def detect_encoding(sample: bytes) -> tuple[str, bool]:
    """(Python codec, has BOM) from the first bytes: UTF-8 (BOM or not), UTF-16, CP932."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", True
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", True
    for encoding in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding, False
        except UnicodeDecodeError:
            continue
    return "cp932", False


def detect_delimiter(first_line: str) -> str:
    """The candidate delimiter that occurs most often (outside quotes) in the header line."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp932": "Shift_JIS", "utf-16": "UTF-16"}


def sniff_format(sample: bytes, path: str | Path | None = None) -> str:
    """csv, xlsx, ods, xls, docx, pdf or binary, from the file's first bytes (and zip members)."""
    if sample.startswith(b"PK\x03\x04"):
        if path is None:
            return "xlsx"
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names or (
                        "[Content_Types].xml" in names
                        and b"spreadsheetml.sheet.main+xml" in _zip_head(archive, "[Content_Types].xml")):
                    return "xlsx"
                if "mimetype" in names and b"opendocument.spreadsheet" in _zip_head(archive, "mimetype"):
                    return "ods"
                return "docx" if "word/document.xml" in names else "zip"
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
            return "binary"
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if sample.startswith(b"%PDF"):
        return "pdf"
    if b"\x00" in sample[:4096] and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary"
    return "csv"


def _zip_head(archive: zipfile.ZipFile, name: str) -> bytes:
    """The first bytes of a member (never the whole of a member that may be a bomb)."""
    with archive.open(name) as member:
        return member.read(SAMPLE_BYTES)


def csv_rows(stream: IO[bytes], info: dict, sample: bytes, limits: Limits | None = None) -> Iterator[list[str]]:
    """Rows of a CSV byte stream, decoding as detected from ``sample`` (its first bytes);
    fills ``info`` (encoding, BOM, delimiter). A record longer than
    ``limits.max_record_chars`` raises LimitExceeded before it is held in memory."""
    limit = (limits or Limits()).max_record_chars
    encoding, bom = detect_encoding(sample)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    record = {"number": 1, "chars": 0}

    def lines() -> Iterator[str]:
        while line := text.readline(limit + 1):
            record["chars"] += len(line)
            if record["chars"] > limit:  # one line, or a quoted value over many lines
                raise LimitExceeded("record_too_long", row=record["number"], limit=limit)
            yield line

    physical = lines()
    first_line = next(physical, "")
    delimiter = detect_delimiter(first_line)
    info.update(encoding=ENCODING_LABELS.get(encoding, encoding), codec=encoding, bom=bom,
                delimiter=delimiter)
    reader = csv.reader(itertools.chain((first_line,), physical), delimiter=delimiter)
    try:
        for row in reader:
            record["number"] += 1
            record["chars"] = 0
            yield row
    except csv.Error as exc:
        raise csv.Error(f"CSV line {reader.line_num}: {exc}") from exc


def _xlsx_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_rows(path: str | Path, info: dict, limits: Limits | None = None) -> Iterator[list[str]]:
    """Rows of the first sheet of a workbook (openpyxl read-only mode streams the XML).

    openpyxl is given the open file, not the path: stored uploads and downloads have no
    ``.xlsx`` suffix, which openpyxl refuses on a path. Rows count against
    ``limits.max_xlsx_cells`` as openpyxl yields them (gaps filled in included), and a row
    wider than ``limits.max_columns`` raises LimitExceeded."""
    import openpyxl

    limits = limits or Limits()
    inspect_shared_strings(path, limits)  # openpyxl loads them all, before any row
    with open(path, "rb") as raw:
        workbook = openpyxl.load_workbook(raw, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # rows as written, not padded to a declared (perhaps huge) range
            info.update(encoding=None, bom=False, delimiter=None, sheet=sheet.title,
                        sheets=len(workbook.worksheets))
            cells = 0
            for row in sheet.iter_rows(values_only=True):
                cells += max(len(row), 1)
                if cells > limits.max_xlsx_cells:
                    raise LimitExceeded("xlsx_too_many_cells", limit=limits.max_xlsx_cells)
                values = [_xlsx_value(v) for v in row]
                while values and values[-1] == "":
                    values.pop()
                if len(values) > limits.max_columns:
                    raise LimitExceeded("too_many_columns", limit=limits.max_columns, count=len(values))
                yield values
        finally:
            workbook.close()


def inspect_xlsx(path: str | Path, limits: Limits) -> None:
    """Size a workbook up from its zip directory before anything is expanded: the parts'
    total uncompressed size, their compression ratios and their number. (zipfile never
    expands a part beyond the size its directory declares, so the declared sizes hold.)"""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    if len(parts) > limits.max_xlsx_parts:
        raise LimitExceeded("xlsx_too_many_parts", count=len(parts), limit=limits.max_xlsx_parts)
    total = sum(part.file_size for part in parts)
    if total > limits.max_xlsx_bytes:
        raise LimitExceeded("xlsx_too_large", size=total, limit=limits.max_xlsx_bytes)
    for part in parts:
        if part.file_size > _RATIO_FLOOR and part.file_size > limits.max_xlsx_ratio * max(part.compress_size, 1):
            raise LimitExceeded("xlsx_compression", part=part.filename,
                                ratio=part.file_size // max(part.compress_size, 1))


XML_CHUNK = 1 << 20
_XML_OVERLAP = 4096  # longer than any tag the scans look for


def _xml_windows(member: IO[bytes]) -> Iterator[tuple[bytes, int]]:
    """A zip member's XML in chunks, as ``(data, cut)``: a match starting before ``cut``
    belongs to this window; one starting after it is seen again in the next."""
    tail = b""
    while True:
        chunk = member.read(XML_CHUNK)
        data = tail + chunk
        cut = max(len(data) - _XML_OVERLAP, 0) if chunk else len(data)
        yield data, cut
        if not chunk:
            return
        tail = data[cut:]


_SHARED_STRING_RE = re.compile(rb"<(?:\w+:)?si[\s>/]")


def _shared_strings_parts(archive: zipfile.ZipFile) -> list[str]:
    """The parts openpyxl reads as shared strings: named by content type in
    ``[Content_Types].xml``, whatever their file name (``xl/sharedStrings.xml`` by custom)."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    try:
        manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    except Exception:  # openpyxl refuses the workbook itself, as not tabular
        return []
    names = set(archive.namelist())
    return [ct.PartName[1:] for ct in manifest.findall(SHARED_STRINGS) if ct.PartName[1:] in names]


def inspect_shared_strings(path: str | Path, limits: Limits) -> None:
    """openpyxl reads the whole shared-string table into memory before the first row,
    however few cells use it: bound its uncompressed size (zip directory) and count its
    ``<si>`` entries in a streaming scan that stops at the limit."""
    with zipfile.ZipFile(path) as archive:
        for name in _shared_strings_parts(archive):
            size = archive.getinfo(name).file_size
            if size > limits.max_xlsx_shared_strings_bytes:
                raise LimitExceeded("xlsx_strings_too_large", size=size, limit=limits.max_xlsx_shared_strings_bytes)
            count = 0
            with archive.open(name) as member:
                for data, cut in _xml_windows(member):
                    count += sum(1 for m in _SHARED_STRING_RE.finditer(data) if m.start() < cut)
                    if count > limits.max_xlsx_shared_strings:
                        raise LimitExceeded("xlsx_too_many_strings", limit=limits.max_xlsx_shared_strings)


_CELL_OR_ROW_RE = re.compile(rb"<(?:\w+:)?(c|row)[\s>/]")


def xlsx_structure(path: str | Path) -> dict:
    """Counts of what the Excel-only rules look for, and of the cells and the widest row
    (for the limits), scanning the sheet XML in chunks before openpyxl parses anything."""
    counts = {"objects": 0, "merged": 0, "hidden": 0, "formulas": 0, "cells": 0, "widest_row": 0}
    patterns = {
        "merged": re.compile(rb"<mergeCell "),
        "hidden": re.compile(rb"<(?:row|col) [^>]*hidden=\"(?:1|true)\""),
        "formulas": re.compile(rb"<f[ >]"),
    }
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        counts["objects"] = sum(1 for n in names if n.startswith(("xl/drawings/", "xl/media/", "xl/charts/"))
                                and n.endswith((".xml", ".png", ".jpeg", ".jpg", ".emf", ".gif")))
        for name in names:
            if not (name.startswith("xl/worksheets/sheet") and name.endswith(".xml")):
                continue
            row_cells = 0
            with archive.open(name) as member:
                for data, cut in _xml_windows(member):
                    for key, pattern in patterns.items():
                        counts[key] += sum(1 for m in pattern.finditer(data) if m.start() < cut)
                    for m in _CELL_OR_ROW_RE.finditer(data):
                        if m.start() >= cut:
                            break
                        if m.group(1) == b"row":
                            row_cells = 0
                        else:
                            row_cells += 1
                            counts["cells"] += 1
                            counts["widest_row"] = max(counts["widest_row"], row_cells)
    return counts


# --- the checker --------------------------------------------------------------------

class Report:
    """Collects issues with capped examples and complete counts."""

    def __init__(self, max_examples: int):
        self.max_examples = max_examples
        self.issues: list[dict] = []
        self.counts: dict[str, int] = {}
        self._per_key: dict[tuple, int] = {}
        self.rules: dict[str, dict] = {}
        self.by_severity: dict[str, int] = {}

    def add(self, code: str, severity: str, *, row=None, column=None, value=None, **params) -> None:
        key = (code, column)
        self.counts[code] = self.counts.get(code, 0) + 1
        self.by_severity[severity] = self.by_severity.get(severity, 0) + 1
        seen = self._per_key.get(key, 0)
        self._per_key[key] = seen + 1
        if seen >= self.max_examples:
            return
        en, ja = message(code, row=row, column=column or "", value=value, **params)
        issue = {"code": code, "severity": severity, "row": row, "column": column,
                 "value": value, "message": en, "message_ja": ja}
        self.issues.append({k: v for k, v in issue.items() if v is not None})

    def evaluated(self, rule_id: str) -> dict:
        return self.rules.setdefault(rule_id, {"failed": 0, "examples": []})

    def fail(self, rule_id: str, *, row=None, column=None, value=None, **params) -> None:
        state = self.evaluated(rule_id)
        state["failed"] += 1
        if len(state["examples"]) < self.max_examples:
            en, ja = message(rule_id, row=row, column=column or "", value=value, **params)
            example = {"row": row, "column": column, "value": value, "message": en, "message_ja": ja}
            state["examples"].append({k: v for k, v in example.items() if v is not None})


class ColumnStats:
    __slots__ = ("values", "blanks", "zeros", "numbers", "junk", "junk_total", "distinct", "other_detail")

    def __init__(self):
        self.values = self.blanks = self.zeros = self.numbers = self.junk_total = 0
        self.junk: list[tuple[int, str]] = []
        self.distinct: dict[str, int] | None = {}
        self.other_detail: list[tuple[int, str]] = []


def match_layout(headers: list[str], std: dict) -> tuple[str | None, dict, dict]:
    """The layout whose column names (or aliases) match most headers.

    Returns (layout name, {header index: column}, {header index: True if via an alias}).
    """
    best, best_key = (None, {}, {}), (0, False)
    for name, layout in std["layouts"].items():
        lookup = {}
        for col in layout["columns"]:
            lookup.setdefault(standards.normalise_header(col["name"]), (col, False))
            for alias in col.get("aliases", ()):
                lookup.setdefault(standards.normalise_header(alias), (col, True))
        matched, via_alias, used = {}, {}, set()
        for index, header in enumerate(headers):
            hit = lookup.get(standards.normalise_header(header))
            if hit and hit[0]["name"] not in used:
                matched[index], via_alias[index] = hit
                used.add(hit[0]["name"])
        # Most matched columns wins; on a tie the exact (verified) layout.
        key = (len(matched), standards.is_enforced(layout))
        if key > best_key:
            best, best_key = (name, matched, via_alias), key
    return best


def check_rows(rows: Iterator[list[str]], std: dict | None, info: dict, *, file_format: str = "csv",
               max_examples: int = MAX_EXAMPLES, limits: Limits | None = None) -> dict:
    """Run every check over the rows of one table; ``info`` is filled by the reader.
    A header wider than ``limits.max_columns`` raises LimitExceeded (the per-column
    statistics are the part of the memory that grows with the width)."""
    limits = limits or Limits()
    settings = load_settings()
    types = settings["types"]
    report = Report(max_examples)
    is_csv = file_format == "csv"

    # Header: the first record, unless it is a title row (rule L3-01).
    buffered: list[list[str]] = []
    for row in rows:
        buffered.append(row)
        if len(buffered) >= 10:
            break
    if not buffered or not any(c.strip() for r in buffered for c in r):
        report.add("empty_file", "error")
        return _finish(report, std, info, None, {}, [], file_format, rows_checked=0)
    header_index = _header_index(buffered, report)
    headers = [h for h in buffered[header_index]]
    width = len(headers)
    if width > limits.max_columns:
        raise LimitExceeded("too_many_columns", limit=limits.max_columns, count=width)

    # Header rules.
    report.evaluated("L1-05")
    report.evaluated("L2-03")
    report.evaluated("L3-09")
    seen_headers: dict[str, int] = {}
    period_headers = []
    for index, header in enumerate(headers):
        key = standards.normalise_header(header)
        if settings["meaningless_header_re"].fullmatch(key):
            report.fail("L1-05", index=index + 1, value=header)
        elif key in seen_headers:
            report.fail("L2-03", column=header)
        seen_headers.setdefault(key, index)
        if header != header.strip() or SPACED_CJK_RE.fullmatch(header.strip()):
            report.fail("L1-06", row=header_index + 1, column=header, value=header)
        if settings["period_header_re"].search(key):
            period_headers.append(header)
    if len(period_headers) >= settings["wide_layout_min_period_headers"]:
        report.fail("L3-09", value=", ".join(period_headers[:5]))

    # Columns against the standard.
    layout_name, matched, via_alias = (None, {}, {})
    if std:
        layout_name, matched, via_alias = match_layout(headers, std)
    typed = [(i, col, col["type"]) for i, col in matched.items() if col["type"] != "string"]
    required = [(i, col["name"]) for i, col in matched.items() if col.get("required")]
    lg_columns = [i for i, col in matched.items() if col["type"] == "lg_code"]

    stats = [ColumnStats() for _ in range(width)]
    for rule_id in ("L1-01", "L1-02", "L1-03", "L1-04", "L1-06", "L1-07", "L1-08", "L2-02", "L3-01", "L3-05"):
        report.evaluated(rule_id)
    if is_csv:
        report.evaluated("L1-14")
        report.evaluated("L1-15")
    context = BatchContext(report, settings, types, headers, width, stats, typed, required,
                           set(lg_columns), is_csv, info, max_examples)

    pending_blank: int | None = None
    rows_checked = 0
    record = header_index + 1  # 1-based record number; the header is record header_index + 1
    batch: list[tuple[int, list[str]]] = []

    def data_rows():
        yield from buffered[header_index + 1:]
        yield from rows

    for row in data_rows():
        record += 1
        if not any(row):
            if pending_blank is None:
                pending_blank = record
            continue
        if pending_blank is not None:
            report.fail("L1-03", where=f"Row {pending_blank}", where_ja=f"{pending_blank}行目")
            if _looks_like_header(row, headers):
                report.fail("L1-02", row=record)
            pending_blank = None
        rows_checked += 1
        if len(row) != width:
            row = context.fix_width(record, row)
        batch.append((record, row))
        if len(batch) >= BATCH_ROWS:
            context.check_batch(batch)
            batch = []
    if batch:
        context.check_batch(batch)

    _column_rules(report, stats, headers, matched, settings, max_examples)
    if lg_columns:
        report.evaluated("L3-06")
    elif any(standards.normalise_header(h) in ("地方公共団体名", "市区町村名", "都道府県名") for h in headers):
        report.evaluated("L3-06")
    return _finish(report, std, info, layout_name, matched, headers, file_format,
                   rows_checked=rows_checked, via_alias=via_alias)


BATCH_ROWS = 512
# A space or tab at a cell's edge (cells are joined by \x1f, rows by \x1e), an
# ideographic space anywhere, or two spaces in a row.
_SPACE_TOKENS = tuple(a + b for a in "\x1e\x1f" for b in " \t") + tuple(b + a for a in "\x1e\x1f" for b in " \t") \
    + ("\u3000", "  ")


def _has_layout_space(text: str) -> bool:
    return text[:1] in (" ", "\t") or text[-1:] in (" ", "\t") or any(t in text for t in _SPACE_TOKENS)


class BatchContext:
    """Checks rows a batch at a time: the whole batch is screened with one regex per
    row-level rule, and each column is counted once (``Counter``) so the per-value checks
    run over distinct values only; rows are looked up only for values that fail."""

    def __init__(self, report, settings, types, headers, width, stats, typed, required, lg_columns,
                 is_csv, info, max_examples):
        self.report, self.settings, self.types = report, settings, types
        self.headers, self.width, self.stats = headers, width, stats
        self.typed, self.required, self.lg_columns = typed, required, lg_columns
        self.is_csv, self.info, self.max_examples = is_csv, info, max_examples
        # Cheap screens over a whole batch, one per row-level rule (substring tests and
        # simple regexes run in C); only the rows a screen hits are looked at cell by
        # cell, and only for that rule.
        platform_re = settings["platform_re"]
        era_names = tuple({era.name for era in eras().values()})
        era_letters = "".join({era.letter for era in eras().values()})
        era_letter_re = re.compile(rf"[{era_letters}][0-9]{{1,2}}[./年]|[{era_letters}] [0-9]")
        self.screens = [
            (lambda text: "\ufffd" in text, self._encoding_rule),
            (lambda text: "\n" in text or "\r" in text, self._line_break_rule),
            (lambda text: platform_re.search(text) is not None, self._platform_rule),
            (_has_layout_space, self._space_rule),
            (lambda text: any(era in text for era in era_names) or era_letter_re.search(text) is not None,
             self._era_rule),
        ]
        self.ditto = settings["ditto"]

    def fix_width(self, record: int, row: list[str]) -> list[str]:
        count = len(row)
        if count > self.width and any(row[self.width:]):
            if self.is_csv:
                self.report.fail("L1-15", row=record, count=count, width=self.width)
            else:  # a cell right of the table in a sheet
                self.report.fail("L1-04", row=record, value=next(c for c in row[self.width:] if c)[:80])
        elif count < self.width and self.is_csv:  # sheets simply end at the last filled cell
            self.report.add("row_too_short", "warning", row=record, count=count, width=self.width)
        return (row + [""] * self.width)[: self.width] if count < self.width else row[: self.width]

    def check_batch(self, batch: list[tuple[int, list[str]]]) -> None:
        report = self.report
        lines = [CELL_SEP.join(row) for _, row in batch]
        text = "\x1e".join(lines)
        for screen, rule in self.screens:
            if screen(text):
                for (record, row), line in zip(batch, lines):
                    if screen(line):
                        rule(record, row)
        note_re = self.settings["note_row_re"]
        for record, row in batch:
            if len(row) - row.count("") == 1 and self.width > 1:
                value = next(c for c in row if c)
                if note_re.match(value.strip()):
                    report.fail("L1-04", row=record, value=value[:80])
        columns = list(zip(*(row for _, row in batch)))
        records = [record for record, _ in batch]
        for j, values in enumerate(columns):
            self._column_batch(j, values, records)
        for j, name in self.required:
            values = columns[j]
            if "" in values or any(v.isspace() for v in set(values)):
                for i, v in enumerate(values):
                    if not v.strip():
                        report.add("required_value_missing", "error", row=records[i], column=name)
        for j, col, kind in self.typed:
            self._typed_batch(j, col, kind, columns[j], records)

    def _encoding_rule(self, record: int, row: list[str]) -> None:
        self.report.add("encoding_error", "error", row=record, encoding=self.info.get("encoding"))

    def _line_break_rule(self, record: int, row: list[str]) -> None:
        for j, cell in enumerate(row):
            if "\n" in cell or "\r" in cell:
                if self.is_csv:
                    self.report.fail("L1-14", row=record, column=_name(self.headers, j))
                else:
                    self.report.fail("L1-06", row=record, column=_name(self.headers, j), value=cell)

    def _platform_rule(self, record: int, row: list[str]) -> None:
        settings = self.settings
        for j, cell in enumerate(row):
            chars = [c for c in settings["platform_re"].findall(cell) if c not in settings["tolerated"]]
            if chars:
                kinds = _char_kinds(chars, settings["ranges"])
                self.report.fail("L1-08", row=record, column=_name(self.headers, j),
                                 chars="".join(dict.fromkeys(chars))[:10],
                                 kinds=", ".join(k[0] for k in kinds), kinds_ja="、".join(k[1] for k in kinds))

    def _space_rule(self, record: int, row: list[str]) -> None:
        for j, cell in enumerate(row):
            if cell and (cell != cell.strip() or SPACED_CJK_RE.fullmatch(cell)):
                self.report.fail("L1-06", row=record, column=_name(self.headers, j), value=cell)

    def _era_rule(self, record: int, row: list[str]) -> None:
        era_re, western_re = self.settings["era_date_re"], self.settings["western_year_re"]
        for j, cell in enumerate(row):
            if era_re.search(cell) and not western_re.search(cell) and parse_date(cell):
                self.report.fail("L3-05", row=record, column=_name(self.headers, j), value=cell)

    def _column_batch(self, j: int, values: tuple, records: list[int]) -> None:
        st = self.stats[j]
        counts = Counter(values)
        blanks = counts.pop("", 0)
        st.blanks += blanks
        st.values += len(values) - blanks
        st.zeros += counts.get("0", 0)
        junk_re = self.settings["number_with_junk_re"]
        for value, n in counts.items():
            if NUMBER_RE.fullmatch(value):
                st.numbers += n
            elif junk_re.fullmatch(value):
                st.junk_total += n
                if len(st.junk) < self.max_examples:
                    st.junk.append((records[values.index(value)], value))
        if st.distinct is not None:
            for value in counts:
                if value in st.distinct:
                    continue
                if len(st.distinct) >= self.settings["choice_max_distinct"]:
                    st.distinct = None
                    break
                st.distinct[value] = records[values.index(value)]
                if self.settings["other_with_detail_re"].match(value):
                    st.other_detail.append((st.distinct[value], value))
        marks = self.ditto.intersection(counts)
        if marks:
            for i, value in enumerate(values):
                if value in marks:
                    self.report.fail("L2-02", row=records[i], column=_name(self.headers, j), value=value)

    def _typed_batch(self, j: int, col: dict, kind: str, values: tuple, records: list[int]) -> None:
        bad = {}
        for value in set(values):
            if value:
                problem = check_value(kind, value, col, self.types)
                if problem:
                    bad[value] = problem
        if not bad:
            return
        report = self.report
        for i, value in enumerate(values):
            if value not in bad:
                continue
            code, extra = bad[value]
            record = records[i]
            severity = "warning" if code.endswith("_format") or code == "outside_japan" else "error"
            report.add(code, severity, row=record, column=col["name"], value=value, **extra)
            if code in ("number", "phone", "date", "time", "uri", "email", "lg_code_format", "postal_code"):
                splitter = MULTI_SPLIT_URL_RE if kind in ("uri", "email") else MULTI_SPLIT_RE
                parts = [p for p in splitter.split(value) if p]
                if len(parts) > 1 and all(check_value(kind, p, col, self.types) is None for p in parts):
                    report.fail("L1-07", row=record, column=col["name"], value=value)
            if j in self.lg_columns:
                report.fail("L3-06", row=record, column=col["name"], value=value)


def _header_index(buffered: list[list[str]], report: Report) -> int:
    """Index of the header row among the first records; fails L3-01 when it is not the first."""
    widths = [sum(1 for c in r if c.strip()) for r in buffered]
    widest = max(widths)
    first = widths[0]
    report.evaluated("L3-01")
    if first == 0:
        reason = ("blank first row", "先頭行が空行")
    elif first == 1 and widest > 2:
        reason = ("title row before the header", "項目名の前に表題行があります")
    elif sum(1 for c in buffered[0] if NUMBER_RE.fullmatch(c.strip())) > first / 2 and widest > 1:
        reason = ("first row holds data, not column names", "先頭行が項目名ではなくデータです")
        report.fail("L3-01", reason=reason[0], reason_ja=reason[1])
        return 0
    else:
        return 0
    report.fail("L3-01", reason=reason[0], reason_ja=reason[1])
    for index, count in enumerate(widths):
        if count >= max(2, widest // 2):
            return index
    return 0


def _looks_like_header(row: list[str], headers: list[str]) -> bool:
    values = [c for c in row if c.strip()]
    if [standards.normalise_header(c) for c in row] == [standards.normalise_header(h) for h in headers]:
        return True
    return len(values) >= 2 and not any(NUMBER_RE.fullmatch(v) for v in values) and len(row) != len(headers)


def _char_kinds(chars: list[str], ranges: list[dict]) -> list[tuple[str, str]]:
    kinds = []
    for ch in dict.fromkeys(chars):
        for r in ranges:
            if r["from"] <= ord(ch) <= r["to"] and (r["label_en"], r["label_ja"]) not in kinds:
                kinds.append((r["label_en"], r["label_ja"]))
    return kinds


def _name(headers: list[str], index: int) -> str:
    return headers[index] if index < len(headers) and headers[index] else f"#{index + 1}"


def _column_rules(report: Report, stats: list[ColumnStats], headers: list[str], matched: dict,
                  settings: dict, max_examples: int) -> None:
    """Rules that need a whole column: L1-09, L2-01, L2-04, L2-05, and blank columns (L1-03)."""
    synonyms = settings["synonyms"]
    for j, st in enumerate(stats):
        name = _name(headers, j)
        if st.values == 0 and not headers[j].strip() and st.blanks:
            report.fail("L1-03", where=f"Column {j + 1}", where_ja=f"{j + 1}列目")
            continue
        declared = matched.get(j, {}).get("type")
        numeric_by_type = declared in ("number", "latitude", "longitude")
        # Numbers written with units or separators still make a numeric column (that is L2-01).
        numeric = numeric_by_type or (declared in (None, "string") and st.values >= MIN_VALUES_FOR_STATS
                                      and st.numbers + st.junk_total >= NUMERIC_SHARE * st.values
                                      and st.numbers >= st.values / 2)
        if numeric:
            report.evaluated("L1-09")
            report.evaluated("L2-01")
            if st.blanks and st.zeros:
                report.fail("L1-09", column=name, blanks=st.blanks, zeros=st.zeros)
            for row, value in st.junk:
                if not NUMBER_RE.fullmatch(value):
                    report.fail("L2-01", row=row, column=name, value=value)
        categorical = (st.distinct is not None and st.values >= 10 and len(st.distinct) < st.values / 2) \
            or declared in ("enum", "flag")
        if categorical and st.distinct is not None:
            report.evaluated("L2-04")
            report.evaluated("L2-05")
            groups: dict[str, list[str]] = {}
            for value in st.distinct:
                key = _fold(value)
                groups.setdefault(synonyms.get(key, key), []).append(value)
            for spellings in groups.values():
                if len(spellings) > 1:
                    report.fail("L2-04", column=name, value=" / ".join(spellings[:5]))
            for row, value in st.other_detail[:max_examples]:
                report.fail("L2-05", row=row, column=name, value=value)


def _finish(report: Report, std: dict | None, info: dict, layout_name: str | None, matched: dict,
            headers: list[str], file_format: str, *, rows_checked: int, via_alias: dict | None = None) -> dict:
    columns = _column_report(report, std, layout_name, matched, headers, via_alias or {})
    rules, levels = score_rules(report.rules, file_format)
    errors = report.by_severity.get("error", 0)
    result = {
        "standard": _standard_summary(std),
        "file": {"format": file_format, **{k: v for k, v in info.items() if k != "codec"},
                 "rows": rows_checked, "columns": len(headers)},
        "layout": layout_name,
        "layout_status": std["layouts"][layout_name]["status"] if std and layout_name else None,
        "enforced": bool(std and layout_name and standards.is_enforced(std["layouts"][layout_name])),
        "columns": columns,
        "issues": report.issues,
        "counts": report.counts,
        "truncated": any(n > report.max_examples for n in report._per_key.values()),
        "rules": rules,
        "levels": levels,
    }
    result["conforms"] = _conforms(result, errors)
    result["summary"] = {"errors": errors,
                         "warnings": report.by_severity.get("warning", 0),
                         "rules_failed": [r["id"] for r in rules if r["passed"] is False]}
    return result


def _conforms(result: dict, errors: int) -> bool | None:
    """True/False for an exact (verified) layout; None when conformance cannot be decided."""
    if not result["standard"] or not result["layout"]:
        return False if result["standard"] and result["standard"]["status"] != "unverified" else None
    if not result["enforced"]:
        return None
    return errors == 0 and not result["columns"]["missing_required"]


def _standard_summary(std: dict | None) -> dict | None:
    if not std:
        return None
    return {key: std[key] for key in ("id", "number", "name_ja", "name_en", "status", "uri")}


def _column_report(report: Report, std, layout_name, matched, headers, via_alias) -> dict:
    out = {"matched": [], "missing_required": [], "missing": [], "unknown": [], "aliases": []}
    if not std:
        return out
    if not std["layouts"]:
        report.add("no_columns_defined", "info", standard=std["id"])
        return out
    if not layout_name or not matched:
        report.add("no_matching_columns", "error", standard=std["id"])
        return out
    layout = std["layouts"][layout_name]
    enforced = standards.is_enforced(layout)
    if not enforced:
        report.add("layout_not_enforced", "info", status=layout["status"],
                   status_ja=STATUS_JA.get(layout["status"], layout["status"]))
    present = {col["name"] for col in matched.values()}
    out["matched"] = [{"header": headers[i], "column": col["name"], "type": col["type"]}
                      for i, col in sorted(matched.items())]
    for i, col in sorted(matched.items()):
        if via_alias.get(i):
            out["aliases"].append({"header": headers[i], "column": col["name"]})
            report.add("alias_column", "warning", header=headers[i], column=col["name"])
    severity_missing = "warning" if enforced else "info"
    for col in layout["columns"]:
        if col["name"] in present:
            continue
        if col.get("required"):
            out["missing_required"].append(col["name"])
            report.add("missing_required_column", "error" if enforced else "warning", column=col["name"])
        else:
            out["missing"].append(col["name"])
            report.add("missing_column", severity_missing, column=col["name"])
    for i, header in enumerate(headers):
        if i not in matched and header.strip():
            out["unknown"].append(header)
            report.add("unknown_column", severity_missing, column=header)
    if enforced:
        expected = [col["name"] for col in layout["columns"] if col["name"] in present]
        actual = [col["name"] for _, col in sorted(matched.items())]
        for want, got in zip(expected, actual):
            if want != got:
                report.add("column_order", "warning", column=got)
                break
    return out


def score_rules(states: dict[str, dict], file_format: str) -> tuple[list[dict], list[dict]]:
    """Per-rule results and per-level scores, as the reference scorer computes them."""
    rules_out = []
    by_level: dict[int, list[dict]] = {1: [], 2: [], 3: []}
    for rule in load_rules():
        evaluated = rule["id"] in states and file_format in rule["auto_check"]
        state = states.get(rule["id"], {"failed": 0, "examples": []})
        entry = {
            "id": rule["id"], "level": rule["level"], "name_ja": rule["short_name_ja"],
            "name_en": rule["short_name_en"], "severity": rule["severity_reference_impl"],
            "deduction": rule["deduction"] if rule["deduction"] is not None else "force_zero",
            "evaluated": evaluated,
            "passed": (state["failed"] == 0) if evaluated else None,
            "count": state["failed"] if evaluated else 0,
            "examples": state["examples"] if evaluated else [],
        }
        rules_out.append(entry)
        if evaluated:
            by_level[rule["level"]].append(entry | {"_deduction": rule["deduction"]})
    levels = []
    for level, entries in by_level.items():
        if not entries:
            levels.append({"level": level, "score": None, "passed": 0, "total": 0,
                           "forced_zero": False, "failed": []})
            continue
        failed = [e for e in entries if not e["passed"]]
        fatal = [e["id"] for e in failed if e["severity"] == "FATAL"]
        score = 0 if fatal else max(0, 100 - sum(e["_deduction"] or 0 for e in failed))
        levels.append({"level": level, "score": score, "passed": len(entries) - len(failed),
                       "total": len(entries), "forced_zero": bool(fatal), "failed": [e["id"] for e in failed]})
    return rules_out, levels


# --- entry points -------------------------------------------------------------------

def check_file(path: str | Path, standard_id: str | None = None, *, max_examples: int = MAX_EXAMPLES,
               file_format: str | None = None, limits: Limits | None = None) -> dict:
    """Check a file on disk (CSV or XLSX, detected from its bytes) against a standard.

    A file beyond ``limits`` is not checked: the result says so (``not_assessed``, no rule
    evaluated, ``conforms`` None) instead of costing unbounded memory or time."""
    limits = limits or Limits()
    std = standards.get_standard(standard_id) if standard_id else None
    path = Path(path)
    info: dict = {"bytes": path.stat().st_size}
    with open(path, "rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
    kind = sniff_format(sample, path)
    if file_format == "xlsx" and kind == "binary":
        kind = "xlsx"
    if kind in UNSUPPORTED_TABLES:
        return _unsupported(std, info, kind)
    try:
        if kind == "xlsx":
            result = _check_xlsx(path, std, info, max_examples, limits)
        elif kind == "csv":
            with open(path, "rb") as raw:
                try:
                    result = check_rows(csv_rows(raw, info, sample, limits), std, info, file_format="csv",
                                        max_examples=max_examples, limits=limits)
                except csv.Error as exc:
                    # e.g. an unterminated quote swallowing the rest of the file: the csv module
                    # stops at its cell-size limit, so memory stays bounded; say where it broke.
                    return _not_tabular(std, info, str(exc))
        else:
            return _not_tabular(std, info, kind)
    except LimitExceeded as exc:
        return _not_checked(std, info, "xlsx" if kind == "xlsx" else "csv", exc)
    if standard_id and not std:
        en, ja = message("unknown_standard", standard=standard_id)
        result["issues"].insert(0, {"code": "unknown_standard", "severity": "error", "message": en, "message_ja": ja})
        result["counts"]["unknown_standard"] = 1
    return result


def _check_xlsx(path: Path, std, info: dict, max_examples: int, limits: Limits) -> dict:
    """A workbook: sized up (zip directory, then the sheets' cell tags), then parsed."""
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        inspect_xlsx(path, limits)
        structure = xlsx_structure(path)
        if structure["cells"] > limits.max_xlsx_cells:
            raise LimitExceeded("xlsx_too_many_cells", limit=limits.max_xlsx_cells)
        if structure["widest_row"] > limits.max_columns:
            raise LimitExceeded("too_many_columns", limit=limits.max_columns, count=structure["widest_row"])
        result = check_rows(xlsx_rows(path, info, limits), std, info, file_format="xlsx",
                            max_examples=max_examples, limits=limits)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError,
            NotImplementedError) as exc:
        return _not_tabular(std, info, str(exc) or type(exc).__name__)
    _excel_rules(result, structure)
    return result


# Machine-readable tables (rule L1-01) that this checker does not read: nothing is scored.
UNSUPPORTED_TABLES = ("ods", "xls")


def _unsupported(std, info, kind: str) -> dict:
    report = Report(MAX_EXAMPLES)
    report.add("unsupported_format", "info", format=kind)
    return _finish(report, std, info, None, {}, [], kind, rows_checked=0)


def _not_checked(std, info, file_format: str, exc: LimitExceeded) -> dict:
    """A file beyond a limit: one error saying which, no rule evaluated (not assessed is
    not failed), conformance undecided."""
    report = Report(MAX_EXAMPLES)
    report.add(exc.code, "error", **exc.params)
    result = _finish(report, std, info, None, {}, [], file_format, rows_checked=0)
    result["conforms"] = None
    en, ja = message(exc.code, **exc.params)
    result["not_assessed"] = {"code": exc.code, "message": en, "message_ja": ja}
    return result


def _not_tabular(std, info, reason: str) -> dict:
    report = Report(MAX_EXAMPLES)
    report.add("not_tabular", "error", reason=reason)
    report.fail("L1-01", reason=reason)
    return _finish(report, std, info, None, {}, [], "csv", rows_checked=0)


def _excel_rules(result: dict, counts: dict) -> None:
    """Add the Excel-only rules (objects, merged cells, hidden rows/columns, formulas) and re-score."""
    states = {r["id"]: {"failed": r["count"], "examples": r["examples"]}
              for r in result["rules"] if r["evaluated"]}
    checks = {"L1-10": ("objects", {}), "L1-12": ("merged", {}), "L1-13": ("hidden", {}), "L2-06": ("formulas", {})}
    for rule_id, (key, _) in checks.items():
        state = states.setdefault(rule_id, {"failed": 0, "examples": []})
        if counts[key]:
            en, ja = message(rule_id, count=counts[key])
            state["failed"] += counts[key]
            state["examples"].append({"message": en, "message_ja": ja})
    result["rules"], result["levels"] = score_rules(states, "xlsx")
    result["summary"]["rules_failed"] = [r["id"] for r in result["rules"] if r["passed"] is False]


def format_text(result: dict, lang: str = "en") -> str:
    """A human-readable report (for the CLI)."""
    key = "message_ja" if lang == "ja" else "message"
    lines = []
    std = result["standard"]
    if std:
        lines.append(f"Standard: {std['id']} {std['name_ja']} / {std['name_en']} ({std['status']})")
    f = result["file"]
    lines.append(f"File: {f.get('format')} encoding={f.get('encoding')} bom={f.get('bom')} "
                 f"delimiter={f.get('delimiter')!r} rows={f.get('rows')} columns={f.get('columns')}")
    lines.append(f"Layout: {result['layout']} ({result['layout_status']}), conforms: {result['conforms']}")
    cols = result["columns"]
    for label, names in (("Missing required", cols["missing_required"]), ("Missing", cols["missing"]),
                         ("Unknown", cols["unknown"])):
        if names:
            lines.append(f"{label} columns: {', '.join(names)}")
    for issue in result["issues"]:
        lines.append(f"  [{issue['severity']}] {issue[key]}")
    if result["truncated"]:
        lines.append("  (examples capped; totals: " + ", ".join(f"{k}={v}" for k, v in result["counts"].items()) + ")")
    lines.append("Machine-readability:")
    for level in result["levels"]:
        lines.append(f"  Level {level['level']}: {level['score']} (failed: {', '.join(level['failed']) or '-'})")
    for rule in result["rules"]:
        if rule["passed"] is False:
            name = rule["name_ja"] if lang == "ja" else rule["name_en"]
            lines.append(f"  {rule['id']} {name} [{rule['severity']}] x{rule['count']}")
            for example in rule["examples"][:3]:
                lines.append(f"      {example[key]}")
    return "\n".join(lines)
