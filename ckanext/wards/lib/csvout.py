"""The one CSV writer of every export (scorecard, report, comparison, オープンデータ一覧).

Every cell goes through ``cell``: a text a spreadsheet would run as a formula (OWASP "CSV
injection": starting with ``=`` ``+`` ``-`` ``@``, tab or carriage return, and the
full-width ``＝`` ``＋`` ``－`` ``＠`` that Japanese spreadsheets also accept) gets a
leading apostrophe, so Excel and LibreOffice show it as text. Numbers stay numbers.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
BOM = "\ufeff"


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
    return "'" + text if text.startswith(FORMULA_START) else text


def write(header: Iterable[Any], rows: Iterable[Iterable[Any]], *, bom: bool = False) -> str:
    """The CSV text (CRLF line ends; a UTF-8 BOM first when ``bom``, for Excel)."""
    buf = io.StringIO()
    if bom:
        buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue()
