"""Conformance of a CSV/XLSX file to a national standard dataset, and the 2026
government machine-readability rules that can be checked automatically on the file.

The file is read once, row by row (memory does not grow with the file, ``reading``): the
header row is found (not a title or metadata row above it), matched by name against the
standard's layouts (``standards``), each cell of a typed column is checked (``values``, a
batch at a time in ``rows``), and per-column statistics feed the rules that need the whole
column (blank vs zero, numbers with units or notes, choice spellings, units in headers,
blanks for repeats, ways of writing dates). A workbook's formatting (L1-11) is read in a
second streamed pass. Rules no single file settles (L3-02, L3-03, L3-07, L3-08) are not
assessed, each with its reason; ``rules.format_consistency`` compares a dataset's years. The rules are scored by ``rules``; the result (a plain
JSON-serialisable dict, every message in English and Japanese) is made by ``result``.

Entry points: ``check_file(path, standard_id)`` and ``check_rows(rows, std, info)``;
``fingerprint(standard_id)`` names the checker and the data it reads, for stored results.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import itertools
import json
import zipfile
from pathlib import Path
from typing import Iterator

from ckanext.wards.conformance import standards
from ckanext.wards.conformance.messages import message
from ckanext.wards.conformance.reading import (LimitExceeded, Limits, csv_rows, file_kind, inspect_xlsx,
                                               xlsx_formatting, xlsx_rows, xlsx_structure)
from ckanext.wards.conformance.result import MAX_EXAMPLES, Report, finish
from ckanext.wards.conformance.rules import RULE_FILES, choice_key, excel_rules, load_rules, load_settings
from ckanext.wards.conformance.rows import BATCH_ROWS, BatchContext, ColumnStats, column_name
from ckanext.wards.conformance.values import NUMBER_RE, SPACED_CJK_RE
from ckanext.wards.formats.sniff import SAMPLE_BYTES
from ckanext.wards.paths import schema_file

# Bumped when a change of this package changes results: stored results of older versions
# are not reused (the data files under schemas/ are part of the fingerprint anyway).
CHECKER_VERSION = "3"
NUMERIC_SHARE = 0.8        # a column is numeric when this share of its values are numbers
MIN_VALUES_FOR_STATS = 5
MAX_HEADERS_KEPT = 200     # header names kept in a result (``file.headers``)
# Machine-readable tables (rule L1-01) that this checker does not read: nothing is scored.
UNSUPPORTED_TABLES = ("ods", "xls")


def load_data() -> None:
    """Read (and cache) every data file a check reads: the rules, the settings and value
    types, the standard datasets (benchmarks and memory tests take their baseline after)."""
    load_rules()
    load_settings()
    standards.standard_ids()


def fingerprint(standard_id: str | None) -> str:
    """Checker version + the data it reads (rules, settings, types, the standard), so a
    result stored under it is reused only while all of them are unchanged."""
    return _fingerprint(standard_id or "")


@functools.lru_cache(maxsize=None)
def _fingerprint(standard_id: str) -> str:
    digest = hashlib.sha256(CHECKER_VERSION.encode())
    for name in RULE_FILES:
        digest.update(Path(schema_file(name)).read_bytes())
    digest.update(Path(schema_file("standard-datasets", "_types.yaml")).read_bytes())
    std = standards.get_standard(standard_id) if standard_id else None
    digest.update(json.dumps(std, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()[:16]


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
        return finish(report, std, info, None, {}, [], file_format, rows_checked=0)
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
        if settings["memo_cell_re"].match(header):
            report.fail("L1-04", row=header_index + 1, value=header[:80])
        if settings["era_year_re"].search(header) and not settings["western_year_re"].search(header):
            report.fail("L3-05", value=header, msg="L3-05_header")
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
    for rule_id in ("L1-01", "L1-02", "L1-03", "L1-04", "L1-06", "L1-07", "L1-08", "L2-02", "L3-01", "L3-04",
                    "L3-05"):
        report.evaluated(rule_id)
    if is_csv:
        report.evaluated("L1-14")
        report.evaluated("L1-15")
    context = BatchContext(report, settings, types, headers, width, stats, typed, required,
                           set(lg_columns), is_csv, info, max_examples)

    pending_blank: int | None = None
    second_table: tuple[int, int] | None = None  # (record, width) of a padded header-like row
    rows_checked = 0
    record = header_index + 1  # 1-based record number; the header is record header_index + 1
    info["header_row"] = header_index + 1
    # The header as read (rule L3-07 compares a dataset's years by it: rules.format_consistency).
    info["headers"] = [h.strip()[:200] for h in headers[:MAX_HEADERS_KEPT]]
    batch: list[tuple[int, list[str]]] = []

    start = header_index + 1
    if _second_header_row(buffered[start:]):
        # 「2行目からデータを入力すること」: the row under the header names the columns too (a
        # header over two rows); it is not read as data.
        report.fail("L3-01", reason="a second header row under the first", reason_ja="項目名が2行目にも続いています")
        start += 1
        record += 1
    data = itertools.chain(buffered[start:], rows)
    while chunk := list(itertools.islice(data, BATCH_ROWS)):
        if pending_blank is None and second_table is None and all(map(any, chunk)):
            # No blank row in the chunk and nothing pending: every row is a data row
            # (the common case, taken without a Python step per row).
            first = record + 1
            record += len(chunk)
            rows_checked += len(chunk)
            if set(map(len, chunk)) != {width}:
                for i in [i for i, row in enumerate(chunk) if len(row) != width]:
                    chunk[i] = context.fix_width(first + i, chunk[i])
            if not batch and len(chunk) == BATCH_ROWS:  # a whole batch: no pairs to build
                context.check_rows(range(first, record + 1), chunk)
                continue
            batch.extend(zip(range(first, record + 1), chunk))
            if len(batch) >= BATCH_ROWS:
                context.check_batch(batch)
                batch = []
            continue
        for row in chunk:
            record += 1
            if not any(row):
                if pending_blank is None:
                    pending_blank = record
                continue
            if second_table is not None:
                if _filled_width(row) <= second_table[1]:
                    report.fail("L1-02", row=second_table[0])
                second_table = None
            if pending_blank is not None:
                report.fail("L1-03", where=f"Row {pending_blank}", where_ja=f"{pending_blank}行目")
                if batch:  # the column statistics so far tell a header from data
                    context.check_batch(batch)
                    batch = []
                verdict = _looks_like_header(row, headers, stats)
                if verdict:
                    report.fail("L1-02", row=record)
                elif verdict is None:
                    second_table = (record, _filled_width(row))
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

    numeric = _column_rules(report, stats, headers, matched, settings, max_examples)
    _units_rule(report, stats, headers, [j for j in numeric if j not in matched], settings)
    for j, st in enumerate(stats):
        if len(st.date_kinds) > 1:  # L3-05: one column, several ways of writing dates
            report.fail("L3-05", column=column_name(headers, j), value=" / ".join(st.date_kinds.values()),
                        msg="L3-05_mixed")
    _stub_blanks_rule(report, context, stats, headers, numeric)
    if lg_columns or context.region_columns:
        report.evaluated("L3-06")
    return finish(report, std, info, layout_name, matched, headers, file_format,
                   rows_checked=rows_checked, via_alias=via_alias)


def _header_index(buffered: list[list[str]], report: Report) -> int:
    """Index of the header row among the first records. The header is the first row about
    as wide as the table (rule L1-05 names its cells, so a title or a "作成日,2024-04-01"
    row above it must not be taken for it); rows above it fail L3-01 (the file does not
    start with the header) and L1-04 (information outside the data)."""
    widths = [sum(1 for c in r if c.strip()) for r in buffered]
    numbers = [sum(1 for c in r if NUMBER_RE.fullmatch(c.strip())) for r in buffered]
    widest = max(widths)
    first = widths[0]
    report.evaluated("L3-01")
    if first and numbers[0] > first / 2 and widest > 1:
        report.fail("L3-01", reason="first row holds data, not column names", reason_ja="先頭行が項目名ではなくデータです")
        return 0
    if first and widest <= 2:  # too narrow to tell a title from a header
        return 0
    wide = max(2, -(-widest * 6 // 10))
    index = next((i for i, w in enumerate(widths) if w >= wide and numbers[i] <= w / 2), 0)
    if index == 0 and first:
        return 0
    if first == 0:
        reason = ("blank first row", "先頭行が空行")
    else:
        reason = ("title row before the header", "項目名の前に表題行があります")
    report.fail("L3-01", reason=reason[0], reason_ja=reason[1])
    for i in range(index):
        if widths[i]:
            value = " ".join(c.strip() for c in buffered[i] if c.strip())[:80]
            report.fail("L1-04", row=i + 1, value=value, msg="L1-04_above")
        else:  # a blank row added above the table (表頭…欄外の不必要な空白行)
            report.fail("L1-03", where=f"Row {i + 1}", where_ja=f"{i + 1}行目")
    return index


def _looks_like_header(row: list[str], headers: list[str], stats: list[ColumnStats]) -> bool | None:
    """After a blank row: does this row start a second table (rule L1-02)? True when it
    repeats the header, or is all text where the table holds numbers, or has another
    width; None when it is all text and ends before the table's last column (a narrower
    table padded to the same width: confirmed by the next row); False otherwise."""
    values = [c for c in row if c.strip()]
    if [standards.normalise_header(c) for c in row] == [standards.normalise_header(h) for h in headers]:
        return True
    if len(values) < 2 or any(NUMBER_RE.fullmatch(v.strip()) for v in values):
        return False
    if len(row) != len(headers):
        return True
    numeric = [j for j, st in enumerate(stats) if st.values >= 2 and st.numbers * 2 > st.values]
    if any(row[j].strip() for j in numeric if j < len(row)):
        return True
    # Narrower than the columns the table usually fills (a 備考 column left blank does not count).
    usual = max((j + 1 for j, st in enumerate(stats) if st.values * 2 > st.values + st.blanks), default=len(headers))
    return None if _filled_width(row) < usual else False


def _filled_width(row: list[str]) -> int:
    return max((j + 1 for j, c in enumerate(row) if c.strip()), default=0)


def _column_rules(report: Report, stats: list[ColumnStats], headers: list[str], matched: dict,
                  settings: dict, max_examples: int) -> list[int]:
    """Rules that need a whole column: L1-09, L2-01, L2-04, L2-05, and blank columns (L1-03).
    Returns the indexes of the numeric columns."""
    synonyms = settings["synonyms"]
    numeric_columns: list[int] = []
    for j, st in enumerate(stats):
        name = column_name(headers, j)
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
            numeric_columns.append(j)
            report.evaluated("L1-09")
            report.evaluated("L2-01")
            if st.blanks and st.zeros:
                report.fail("L1-09", column=name, blanks=st.blanks, zeros=st.zeros)
            for row, value in st.junk + st.other:
                if not NUMBER_RE.fullmatch(value):
                    report.fail("L2-01", row=row, column=name, value=value)
        categorical = (st.distinct is not None and st.values >= 10 and len(st.distinct) < st.values / 2) \
            or declared in ("enum", "flag")
        if categorical and st.distinct is not None:
            report.evaluated("L2-04")
            report.evaluated("L2-05")
            groups: dict[str, list[str]] = {}
            for value in st.distinct:
                key = choice_key(value)
                groups.setdefault(synonyms.get(key, key), []).append(value)
            for spellings in groups.values():
                if len(spellings) > 1:
                    report.fail("L2-04", column=name, value=" / ".join(spellings[:5]))
            for row, value in st.other_detail[:max_examples]:
                report.fail("L2-05", row=row, column=name, value=value)
    return numeric_columns


def _second_header_row(below: list[list[str]]) -> bool:
    """Is the first row under the header a second header row? It holds text (not numbers)
    in most of the columns that hold numbers in the rows after it (at least two)."""
    if len(below) < 3:
        return False
    first, rest = below[0], below[1:]
    numeric = []
    for j in range(len(first)):
        cells = [r[j].strip() for r in rest if j < len(r) and r[j].strip()]
        if len(cells) >= 2 and sum(1 for c in cells if NUMBER_RE.fullmatch(c)) >= 0.6 * len(cells):
            numeric.append(j)
    texts = sum(1 for j in numeric if first[j].strip() and not NUMBER_RE.fullmatch(first[j].strip()))
    return len(numeric) >= 2 and texts * 2 > len(numeric)


def _units_rule(report: Report, stats: list[ColumnStats], headers: list[str], numeric: list[int],
                settings: dict) -> None:
    """Rule L3-04: each numeric column says its unit in its header, unless it is not a
    quantity (an identifier, a code, a flag, a calendar part, a coordinate). The caller
    leaves out the columns of a declared standard dataset: its definition states their
    units (高度の値 in metres), so the data's units are 明確に記載 there."""
    for j in numeric:
        header = headers[j].strip()
        st = stats[j]
        if not header:
            continue  # L1-05 already
        if settings["unit_in_header_re"].search(header) or settings["unit_implied_header_re"].search(header):
            continue
        if settings["unitless_header_re"].search(header):
            continue
        if st.distinct is not None and set(st.distinct) <= {"0", "1", "0.0", "1.0"}:
            continue  # a 0/1 flag
        report.fail("L3-04", column=column_name(headers, j))


def _stub_blanks_rule(report: Report, context: BatchContext, stats: list[ColumnStats], headers: list[str],
                      numeric: list[int]) -> None:
    """Rule L2-02: blanks for the value above in the row labels (表側): the first column when
    it holds text, or the second when the first is a numeric ID (No, #property) and the second
    holds text; the rows were noted as the batches went by."""
    stub = next((j for j in context.stub_columns if j not in numeric), None)
    if stub is None or stub >= len(headers) or (stub == 1 and 0 not in numeric) or not headers[stub].strip():
        return
    for row in context.stub_blanks[stub]:
        report.fail("L2-02", row=row, column=column_name(headers, stub), msg="L2-02_blank")
    extra = context.stub_blank_count[stub] - len(context.stub_blanks[stub])
    if extra > 0:
        report.evaluated("L2-02")["failed"] += extra


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
    kind = file_kind(sample, path)
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
    formatting = None
    if result["file"].get("header_row"):
        try:
            formatting = xlsx_formatting(path, result["file"]["header_row"], load_settings())
        except (KeyError, ValueError, TypeError, AttributeError):
            formatting = None  # styles openpyxl cannot read: L1-11 not assessed, not failed
    excel_rules(result, structure, formatting, max_examples)
    return result


def _unsupported(std, info, kind: str) -> dict:
    report = Report(MAX_EXAMPLES)
    report.add("unsupported_format", "info", format=kind)
    return finish(report, std, info, None, {}, [], kind, rows_checked=0)


def _not_checked(std, info, file_format: str, exc: LimitExceeded) -> dict:
    """A file beyond a limit: one error saying which, no rule evaluated (not assessed is
    not failed), conformance undecided."""
    report = Report(MAX_EXAMPLES)
    report.add(exc.code, "error", **exc.params)
    result = finish(report, std, info, None, {}, [], file_format, rows_checked=0)
    result["conforms"] = None
    en, ja = message(exc.code, **exc.params)
    result["not_assessed"] = {"code": exc.code, "message": en, "message_ja": ja}
    return result


def _not_tabular(std, info, reason: str) -> dict:
    report = Report(MAX_EXAMPLES)
    report.add("not_tabular", "error", reason=reason)
    report.fail("L1-01", reason=reason)
    return finish(report, std, info, None, {}, [], "csv", rows_checked=0)
