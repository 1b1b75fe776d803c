"""Reading a file as rows, in bounded memory: CSV (encoding from the shared sniffer,
delimiter from the header line, records bounded in length) and XLSX (the first sheet,
streamed by openpyxl after the workbook has been sized up from its zip directory, its
shared strings and its sheets' cell tags). ``Limits`` says what one file may cost; a file
beyond them raises ``LimitExceeded`` and is reported as not checked."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import re
import zipfile
from pathlib import Path
from typing import IO, Iterator

from ckanext.wards.formats import sniff

DELIMITERS = (",", "\t", ";", "|")


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
    """The file is beyond a limit: it is reported as not checked (``code`` in ``messages.MESSAGES``)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


_RATIO_FLOOR = 1024 * 1024


def detect_delimiter(first_line: str) -> str:
    """The candidate delimiter that occurs most often (outside quotes) in the header line."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


# What the checker does with a file, by the file type the shared sniffer reads.
_TABLE_KINDS = {"XLSX": "xlsx", "ODS": "ods", "XLS": "xls", "DOCX": "docx", "PDF": "pdf", "ZIP": "zip"}


def file_kind(sample: bytes, path: str | Path | IO[bytes] | None = None) -> str:
    """csv, xlsx, ods, xls, docx, pdf, zip or binary, from the file's first bytes (and, for
    a zip, its directory: ``path``). Any text is read as CSV (the rules then say whether it
    is a table); a zip that cannot be opened, or bytes with NULs, are binary."""
    code = sniff.sniff_bytes(sample, path)
    if code in _TABLE_KINDS:
        return _TABLE_KINDS[code]
    if sample.startswith(sniff.ZIP_MAGIC) or sniff.is_binary(sample):
        return "binary"
    return "csv"


def csv_rows(stream: IO[bytes], info: dict, sample: bytes, limits: Limits | None = None) -> Iterator[list[str]]:
    """Rows of a CSV byte stream, decoding as detected from ``sample`` (its first bytes);
    fills ``info`` (encoding, BOM, delimiter). A record longer than
    ``limits.max_record_chars`` raises LimitExceeded before it is held in memory."""
    limit = (limits or Limits()).max_record_chars
    encoding, bom = sniff.detect_encoding(sample)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    number, chars = 1, 0  # the record being read, and its characters so far (closure cells: cheap)

    def lines() -> Iterator[str]:
        nonlocal chars
        readline, size = text.readline, limit + 1
        while line := readline(size):
            chars += len(line)
            if chars > limit:  # one line, or a quoted value over many lines
                raise LimitExceeded("record_too_long", row=number, limit=limit)
            yield line

    physical = lines()
    first_line = next(physical, "")
    delimiter = detect_delimiter(first_line)
    info.update(encoding=sniff.ENCODING_LABELS.get(encoding, encoding), codec=encoding, bom=bom,
                delimiter=delimiter)
    reader = csv.reader(itertools.chain((first_line,), physical), delimiter=delimiter)
    try:
        for row in reader:
            number += 1
            chars = 0
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


def _colour(colour) -> str | None:
    """An openpyxl colour as one comparable string: ``FF0000FF`` (RGB), ``theme:1``, ``indexed:64``."""
    if colour is None:
        return None
    kind = getattr(colour, "type", None)
    if kind == "rgb":
        return colour.rgb if isinstance(colour.rgb, str) else None
    if kind == "theme":
        return f"theme:{colour.theme}"
    if kind == "indexed":
        return f"indexed:{colour.indexed}"
    return None


def xlsx_formatting(path: str | Path, header_row: int, settings: dict) -> list[dict]:
    """Rule L1-11 (formatting that tells data apart), per data column of the first sheet
    below ``header_row`` (1-based): font colours, fills, bold and italic of the filled
    cells. A second streamed pass (openpyxl read-only cells carry their style), only for
    workbooks, which the limits have sized up already."""
    import openpyxl

    default_fonts = set(settings["default_font_colors"])
    default_fills = set(settings["default_fill_colors"])
    columns: dict[int, dict] = {}
    headers: list[str] = []
    with open(path, "rb") as raw:
        workbook = openpyxl.load_workbook(raw, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()
            for number, row in enumerate(sheet.iter_rows(min_row=header_row), start=header_row):
                if number == header_row:
                    headers = [_xlsx_value(getattr(c, "value", None)) for c in row]
                    continue
                for j, cell in enumerate(row[:len(headers)]):
                    value = getattr(cell, "value", None)
                    if value is None or str(value).strip() == "":
                        continue
                    col = columns.setdefault(j, {"cells": 0, "fonts": set(), "fills": set(), "bold": 0, "italic": 0})
                    col["cells"] += 1
                    font, fill = cell.font, cell.fill
                    col["fonts"].add(_colour(font.color) if font is not None else None)
                    col["fills"].add(_colour(fill.fgColor) if fill is not None and fill.fill_type else None)
                    col["bold"] += bool(font is not None and font.b)
                    col["italic"] += bool(font is not None and font.i)
        finally:
            workbook.close()
    findings = []
    for j, col in sorted(columns.items()):
        if col["cells"] < 2:
            continue
        name = headers[j] if j < len(headers) and headers[j] else f"#{j + 1}"
        if col["fonts"] - default_fonts and len(col["fonts"]) >= 2:
            findings.append({"column": name, "what": "font colours", "what_ja": "文字色"})
        if len(col["fills"] - default_fills) >= 2 or (col["fills"] - default_fills and len(col["fills"]) >= 2):
            findings.append({"column": name, "what": "cell fills", "what_ja": "セルの色・網掛け"})
        if 0 < col["bold"] < col["cells"]:
            findings.append({"column": name, "what": "bold on some cells", "what_ja": "一部のセルのみ太字"})
        if 0 < col["italic"] < col["cells"]:
            findings.append({"column": name, "what": "italic on some cells", "what_ja": "一部のセルのみ斜体"})
    return findings
