"""Cell values: is this text a valid value of a column type of the standard datasets
(``schemas/standard-datasets/_types.yaml``: numbers, coordinates, 全国地方公共団体コード,
postal codes, dates, times, 有/無 flags, choices, phone numbers, URLs, e-mail addresses)?"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ckanext.wards.lib.dates import read_full_date
from ckanext.wards.lib.text import nfkc
from ckanext.wards.vocab.wards import lg_code_ok

NUMBER_RE = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
SPACED_CJK_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff](?:[ \u3000]+[\u3040-\u30ff\u4e00-\u9fff]){1,5}")
MULTI_SPLIT_RE = re.compile(r"\s*[、,，;；/／]\s*|\s+")
MULTI_SPLIT_URL_RE = re.compile(r"\s*[、,，;；]\s*|\s+")


def parse_date(value: str) -> dt.date | None:
    """ISO or Japanese-written dates (2024/4/1, 2024年4月1日, 令和6年4月1日, R6.4.1); ``None``
    for anything else, a day that does not exist or one outside its era.

    ``lib.dates.read_full_date`` read leniently; not ``lib.dates.read_date``, which also
    takes ISO date-times (``2024-04-01T10:00``), and a cell of a date column holding a
    time is not a date."""
    try:
        return read_full_date(nfkc(value))
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

