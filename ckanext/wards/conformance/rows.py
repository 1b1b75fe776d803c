"""The data rows of a table, checked a batch at a time: the row-level rules (encoding,
line breaks, platform-dependent characters, layout spaces, era dates, ditto marks, notes),
the typed cells of the standard's columns, required values, and the per-column statistics
(``ColumnStats``) that the whole-column rules read at the end."""
from __future__ import annotations

import re
from collections import Counter

from ckanext.wards.conformance.values import (MULTI_SPLIT_RE, MULTI_SPLIT_URL_RE, NUMBER_RE, SPACED_CJK_RE,
                                              check_value, parse_date)
from ckanext.wards.lib.dates import eras

CELL_SEP = "\x1f"          # joins a row's cells so one regex can screen the whole row
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
                    self.report.fail("L1-14", row=record, column=column_name(self.headers, j))
                else:
                    self.report.fail("L1-06", row=record, column=column_name(self.headers, j), value=cell)

    def _platform_rule(self, record: int, row: list[str]) -> None:
        settings = self.settings
        for j, cell in enumerate(row):
            chars = [c for c in settings["platform_re"].findall(cell) if c not in settings["tolerated"]]
            if chars:
                kinds = _char_kinds(chars, settings["ranges"])
                self.report.fail("L1-08", row=record, column=column_name(self.headers, j),
                                 chars="".join(dict.fromkeys(chars))[:10],
                                 kinds=", ".join(k[0] for k in kinds), kinds_ja="、".join(k[1] for k in kinds))

    def _space_rule(self, record: int, row: list[str]) -> None:
        for j, cell in enumerate(row):
            if cell and (cell != cell.strip() or SPACED_CJK_RE.fullmatch(cell)):
                self.report.fail("L1-06", row=record, column=column_name(self.headers, j), value=cell)

    def _era_rule(self, record: int, row: list[str]) -> None:
        era_re, western_re = self.settings["era_date_re"], self.settings["western_year_re"]
        for j, cell in enumerate(row):
            if era_re.search(cell) and not western_re.search(cell) and parse_date(cell):
                self.report.fail("L3-05", row=record, column=column_name(self.headers, j), value=cell)

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
                    self.report.fail("L2-02", row=records[i], column=column_name(self.headers, j), value=value)

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


class ColumnStats:
    """What the whole-column rules need of one column, counted as the batches go by."""

    __slots__ = ("values", "blanks", "zeros", "numbers", "junk", "junk_total", "distinct", "other_detail")

    def __init__(self):
        self.values = self.blanks = self.zeros = self.numbers = self.junk_total = 0
        self.junk: list[tuple[int, str]] = []
        self.distinct: dict[str, int] | None = {}
        self.other_detail: list[tuple[int, str]] = []


def _char_kinds(chars: list[str], ranges: list[dict]) -> list[tuple[str, str]]:
    kinds = []
    for ch in dict.fromkeys(chars):
        for r in ranges:
            if r["from"] <= ord(ch) <= r["to"] and (r["label_en"], r["label_ja"]) not in kinds:
                kinds.append((r["label_en"], r["label_ja"]))
    return kinds


def column_name(headers: list[str], index: int) -> str:
    """A column as messages name it: its header, or ``#3`` when it has none."""
    return headers[index] if index < len(headers) and headers[index] else f"#{index + 1}"
