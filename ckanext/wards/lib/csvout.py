"""The one CSV writer of every export (scorecard, report, comparison, オープンデータ一覧).

Every cell goes through ``cell``: a text a spreadsheet would run as a formula (OWASP "CSV
injection": starting with ``=`` ``+`` ``-`` ``@``, tab or carriage return, and every
form NFKC folds to those signs: full-width ``＝`` ``＋`` ``－`` ``＠`` that Japanese
spreadsheets also accept, small ``﹦`` ``﹢`` ``﹣`` ``﹫``, even after leading spaces,
ideographic spaces, line breaks, BOMs or zero-width characters, which spreadsheets skip)
gets a leading apostrophe, so Excel and LibreOffice show it as text. Numbers stay numbers.
Every file starts with a UTF-8 BOM: there is no way to write one without.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any, Iterable

CONTROL_START = ("\t", "\r")
FORMULA_SIGNS = ("=", "+", "-", "@")  # after NFKC, which folds ＝＋－＠ and ﹦﹢﹣﹫ to these
BOM = "\ufeff"


def _skipped(ch: str) -> bool:
    """Leading characters a spreadsheet passes over: white space (U+3000 included) and
    invisible format characters (BOM, zero-width space)."""
    return ch.isspace() or unicodedata.category(ch) == "Cf"


def is_formula(text: str) -> bool:
    if text.startswith(CONTROL_START):
        return True
    folded = unicodedata.normalize("NFKC", text)
    start = next((ch for ch in folded if not _skipped(ch)), "")
    return start in FORMULA_SIGNS


def cell(value: Any) -> str:
    """The text of one CSV cell, made inert: None is empty, booleans are true/false, lists
    are joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = "; ".join("" if v is None else str(v) for v in value)
    text = str(value)
    return "'" + text if is_formula(text) else text


def write(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """The CSV text: a BOM first, always (Japanese Excel reads a CSV without one as
    Shift_JIS and garbles 千代田区), CRLF line ends. Encode it as UTF-8."""
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue()
