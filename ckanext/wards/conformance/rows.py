"""The data rows of a table, checked a batch at a time: the row-level rules (encoding,
line breaks, platform-dependent characters, layout spaces and line breaks, several data in
one cell, era dates, ditto marks and blanks for repeats, notes, official area names),
the typed cells of the standard's columns, required values, and the per-column statistics
(``ColumnStats``) that the whole-column rules read at the end."""
from __future__ import annotations

import itertools
import re
from collections import Counter

from ckanext.wards.conformance.values import (MULTI_SPLIT_RE, MULTI_SPLIT_URL_RE, NUMBER_RE, SPACED_CJK_RE,
                                              check_value)
from ckanext.wards.lib.dates import eras
from ckanext.wards.vocab.wards import wards

CELL_SEP = "\x1f"          # joins a row's cells so one regex can screen the whole row
BATCH_ROWS = 512
# A space or tab at a cell's edge (cells, and rows, are joined by \x1f), or two spaces
# in a row (an ideographic space or a line break anywhere is tested on its own).
_EDGE_OR_RUN_RE = re.compile("\x1f[ \t]|[ \t]\x1f|  ")
_SPACE_RUN_RE = re.compile(r"[ \u3000]{2,}")
# A line break in a cell of prose (whitespace under this share of the text) is the text's
# own; in a short value it lays the value out (rule L1-06).
LAYOUT_BREAK_WHITESPACE_SHARE = 0.10
# What a number, or a number with junk (L2-01), can start with (NUMBER_RE and
# number_with_junk_pattern in schemas/machine-readability-checks.yaml).
_NUMERIC_START = frozenset("0123456789-+.▲△０１２３４５６７８９")
_DOUBLE_DOT_RE = re.compile(r"\.[0-9]*\.")
_DIGIT_RE = re.compile("[0-9０-９]")
_MEMO_MARKS = "←→⇐⇒☜☞"  # what memo_cell_pattern starts with (one-character screen)
_HIRAGANA_RE = re.compile("[\u3041-\u309f]")
PROSE_HIRAGANA_SHARE = 0.3  # at least this share of hiragana: a sentence, not a list (L1-07)
# A column whose every filled cell is ASCII with a - / or : after its first character
# (dates, times, ranges, phone numbers) and no * or brackets holds neither numbers nor
# numbers with junk (the quick reject of _count_numbers, for a whole column at once).
_ASCII_FIELD = "[\x01-\x27\x2b-\x7f]"
_DATE_FIELD = f"(?:{_ASCII_FIELD}{_ASCII_FIELD}*?[-/:]{_ASCII_FIELD}*)?"
_DATES_AND_TIMES_RE = re.compile(f"(?:\x00{_DATE_FIELD})*")  # over the cells, each after a NUL
# The Western ways of writing a date (rule L3-05 asks for one way per column: 「時間軸の表記が統一されていない場合」).
# Each with a character it needs (a one-character test first: the regex runs only if present);
# the regexes start with the field separator, a literal the regex engine looks for quickly.
_DATE_KINDS = tuple((kind, mark, re.compile(f"\x00{body}(?=\x00|$|[T ])")) for kind, mark, body in (
    ("YYYY-MM-DD", "-", r"[12][0-9]{3}-[0-9]{1,2}-[0-9]{1,2}"),
    ("YYYY/M/D", "/", r"[12][0-9]{3}/[0-9]{1,2}/[0-9]{1,2}"),
    ("YYYY年M月D日", "年", r"[12][0-9]{3}年[0-9]{1,2}月[0-9]{1,2}日"),
    ("M/D/YYYY", "/", r"[0-9]{1,2}/[0-9]{1,2}/[12][0-9]{3}"),
))
_NUMERIC_START_RE = re.compile("\x00[" + re.escape("".join(sorted(_NUMERIC_START))) + "]")


def _plain_decimals(values: tuple) -> bool:
    """Cells already known to hold only ASCII digits and dots: is each filled one a number
    (NUMBER_RE: at most one dot, at least one digit)? Cells are joined by a space, which
    no cell holds, so a run ``.digits.`` is two dots in one cell."""
    text = " ".join(values)
    return not _DOUBLE_DOT_RE.search(text) and " . " not in f" {text} "
# Characters whose presence makes a cell worth the L1-07 test (several data in one cell).
_MULTI_TOKENS = ("、", "・", ",", "，", "／", "（", "(", "\n")


def _has_layout_space(text: str) -> bool:
    if "\u3000" in text or "\n" in text or "\r" in text:
        return True
    if " " not in text and "\t" not in text:
        return False
    return text[:1] in (" ", "\t") or text[-1:] in (" ", "\t") or _EDGE_OR_RUN_RE.search(text) is not None


def layout_space_problem(cell: str, name_column: bool) -> str | None:
    """Why a cell's spaces or line breaks lay it out (rule L1-06): "edge", "run", "ideographic",
    "break"; None when they do not. In a column of proper names or addresses one
    ideographic space separates parts of the name (山田　太郎) and is kept."""
    if cell != cell.strip(" \t\u3000\r\n"):
        return "edge"
    if SPACED_CJK_RE.fullmatch(cell):
        return "run"
    if _SPACE_RUN_RE.search(cell):
        return "run"
    if "\n" in cell or "\r" in cell:
        spaces = sum(1 for c in cell if c.isspace())
        if spaces > LAYOUT_BREAK_WHITESPACE_SHARE * len(cell):
            return "break"
    if "\u3000" in cell and not name_column:
        return "ideographic"
    return None


def several_data(cell: str, settings: dict, name_column: bool) -> bool:
    """Does one cell hold several data (rule L1-07)? A "lat,lon" pair, "19（3）", two
    quantities joined by ／, a comma list (not a thousands-separated number), a list of
    three or more joined by 、 or ・ (・ is part of many proper names: not in those
    columns), or two or more non-blank lines."""
    value = cell.strip()
    if not value:
        return False
    if "\n" in value and sum(1 for line in value.splitlines() if line.strip()) >= 2:
        return True
    if settings["lat_lon_pair_re"].fullmatch(value) or settings["two_numbers_re"].fullmatch(value):
        return True
    if settings["slash_joined_re"].search(value):
        return True
    if ("," in value or "，" in value) and not settings["thousands_number_re"].fullmatch(value):
        return True
    if "。" in value or _HIRAGANA_RE.subn("", value)[1] >= PROSE_HIRAGANA_SHARE * len(value):
        return False  # a sentence (a note, a question): its 、 and ・ do not list data
    for sep, minimum in settings["list_separator_min"].items():
        if sep == "・" and name_column:
            continue
        if value.count(sep) >= minimum:
            return True
    return False


class BatchContext:
    """Checks rows a batch at a time: the whole batch is screened with one regex per
    row-level rule, and each column is counted in one regex pass (``_column_batch``) so the per-value checks
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
        era_last_chars = "".join({name[-1] for name in era_names})
        era_letters = "".join({era.letter for era in eras().values()})
        era_letter_re = re.compile(rf"[{era_letters}][0-9]{{1,2}}[./年]|[{era_letters}] [0-9]")

        # One-character tests are far cheaper than two-character ones on a batch's text
        # (str.__contains__ finds one character with memchr): test those first.
        def has_era(text: str) -> bool:
            if any(c in text for c in era_last_chars) and any(era in text for era in era_names):
                return True
            return any(c in text for c in era_letters) and era_letter_re.search(text) is not None

        self.screens = [
            (lambda text: any(c in text for c in _MEMO_MARKS), self._memo_rule),
            (lambda text: "\ufffd" in text, self._encoding_rule),
            (lambda text: "\n" in text or "\r" in text, self._line_break_rule),
            (lambda text: platform_re.search(text) is not None, self._platform_rule),
            (_has_layout_space, self._space_rule),
            (has_era, self._era_rule),
        ]
        self.ditto = settings["ditto"]
        self.ditto_chars = {mark[0] for mark in self.ditto}
        proper_re, region_re = settings["proper_name_header_re"], settings["region_header_re"]
        self.name_columns = {j for j, h in enumerate(headers) if proper_re.search(h)}
        self.region_columns = [j for j, h in enumerate(headers)
                               if region_re.search(h) and "コード" not in h and "code" not in h.lower()
                               and j not in lg_columns]
        self.ward_short = {w["name_ja"][:-1]: w["name_ja"] for w in wards()}
        # Rule L2-02: blanks in the first column standing for the value above.
        # (the first column, or the second after a numeric ID column: decided at the end)
        self.stub_columns = [0, 1] if width > 2 else [0]
        self.stub_seen = dict.fromkeys(self.stub_columns, False)
        self.stub_blanks: dict[int, list[int]] = {j: [] for j in self.stub_columns}
        self.stub_blank_count = dict.fromkeys(self.stub_columns, 0)
        self.screens.append((lambda text: any(t in text for t in _MULTI_TOKENS), self._multi_rule))

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
        """Check ``(record number, row)`` pairs."""
        records, rows = zip(*batch)
        self.check_rows(records, rows)

    def check_rows(self, records, rows) -> None:
        """Check ``rows`` (each as wide as the header), numbered ``records``."""
        report = self.report
        text = CELL_SEP.join(itertools.chain.from_iterable(rows))  # every cell of the batch, in one join
        self.marks_in_batch = any(c in text for c in self.ditto_chars)
        lines = None
        for screen, rule in self.screens:
            if screen(text):
                if lines is None:  # the rows' own texts, once a screen hits
                    lines = [CELL_SEP.join(row) for row in rows]
                for record, row, line in zip(records, rows, lines):
                    if screen(line):
                        rule(record, row)
        columns = list(zip(*rows))
        blanks = [values.count("") for values in columns]
        # A note row (L1-04) has one filled cell: none when two columns are filled throughout.
        if self.width > 1 and blanks.count(0) < 2:
            note_re = self.settings["note_row_re"]
            for record, row in zip(records, rows):
                if len(row) - row.count("") == 1:
                    value = next(c for c in row if c)
                    if note_re.match(value.strip()):
                        report.fail("L1-04", row=record, value=value[:80])
        if columns:
            for j in self.stub_columns:
                self._stub_batch(records, rows, j, columns[j])
        for j in self.region_columns:
            self._region_batch(j, columns[j], records)
        for j, values in enumerate(columns):
            self._column_batch(j, values, records, blanks[j])
        for j, name in self.required:
            values = columns[j]
            if "" in values or any(v.isspace() for v in set(values)):
                for i, v in enumerate(values):
                    if not v.strip():
                        report.add("required_value_missing", "error", row=records[i], column=name)
        for j, col, kind in self.typed:
            self._typed_batch(j, col, kind, columns[j], records)

    def _stub_batch(self, records, rows, j: int, cells: tuple) -> None:
        minimum = self.settings["stub_min_other_values"]
        if self.width < 2:
            return
        if "" not in cells:
            self.stub_seen[j] = True
            return
        for record, row in zip(records, rows):
            if row[j].strip():
                self.stub_seen[j] = True
            elif self.stub_seen[j] and len(row) - row.count("") >= minimum:
                self.stub_blank_count[j] += 1
                if len(self.stub_blanks[j]) < self.max_examples:
                    self.stub_blanks[j].append(record)

    def _region_batch(self, j: int, values: tuple, records: list[int]) -> None:
        """Rule L3-06: an area named without its 都/府/県 or 区 is not its official name."""
        short = self.settings["prefecture_short"]
        for value in set(values):
            name = value.strip()
            official = short.get(name) or self.ward_short.get(name)
            if official and name not in self.settings["prefecture_set"]:
                for i, v in enumerate(values):
                    if v == value:
                        self.report.fail("L3-06", row=records[i], column=column_name(self.headers, j), value=value,
                                         official=official, msg="L3-06_name")

    def _multi_rule(self, record: int, row: list[str]) -> None:
        settings = self.settings
        for j, cell in enumerate(row):
            if any(t in cell for t in _MULTI_TOKENS) and several_data(cell, settings, j in self.name_columns):
                self.report.fail("L1-07", row=record, column=column_name(self.headers, j), value=cell[:80])

    def _memo_rule(self, record: int, row: list[str]) -> None:
        memo_re = self.settings["memo_cell_re"]
        for cell in row:
            if memo_re.match(cell):
                self.report.fail("L1-04", row=record, value=cell[:80])

    def _encoding_rule(self, record: int, row: list[str]) -> None:
        self.report.add("encoding_error", "error", row=record, encoding=self.info.get("encoding"))

    def _line_break_rule(self, record: int, row: list[str]) -> None:
        # In a sheet a line break is a layout matter (L1-06, in _space_rule); in a CSV it
        # also breaks the one-record-per-line rule (L1-14).
        if self.is_csv:
            for j, cell in enumerate(row):
                if "\n" in cell or "\r" in cell:
                    self.report.fail("L1-14", row=record, column=column_name(self.headers, j))

    def _platform_rule(self, record: int, row: list[str]) -> None:
        settings = self.settings
        names_re = settings["proper_name_chars_re"]
        for j, cell in enumerate(row):
            chars = [c for c in settings["platform_re"].findall(cell) if c not in settings["tolerated"]]
            if j in self.name_columns:  # the rule's proviso for proper names (﨑 and its kin)
                chars = [c for c in chars if not names_re.match(c)]
            if chars:
                kinds = _char_kinds(chars, settings["ranges"])
                self.report.fail("L1-08", row=record, column=column_name(self.headers, j),
                                 chars="".join(dict.fromkeys(chars))[:10],
                                 kinds=", ".join(k[0] for k in kinds), kinds_ja="、".join(k[1] for k in kinds))

    def _space_rule(self, record: int, row: list[str]) -> None:
        for j, cell in enumerate(row):
            problem = cell and layout_space_problem(cell, j in self.name_columns)
            if problem:
                self.report.fail("L1-06", row=record, column=column_name(self.headers, j), value=cell[:80],
                                 msg="L1-06_break" if problem == "break" else None)

    def _era_rule(self, record: int, row: list[str]) -> None:
        value_re, western_re = self.settings["era_value_re"], self.settings["western_year_re"]
        for j, cell in enumerate(row):
            # 令和6年4月1日 and R6.4.1 (dates), 令和2年度 (a fiscal year), without the Western year.
            if value_re.match(cell) and not western_re.search(cell):
                self.report.fail("L3-05", row=record, column=column_name(self.headers, j), value=cell)

    def _column_batch(self, j: int, values: tuple, records: list[int], blanks: int) -> None:
        """Per-column counts of one batch. A column of plain integers or decimals is counted
        in C (``str.isdigit`` over the joined cells); otherwise each distinct value is
        looked at once, words skipped on their first character, and the number and
        number-with-junk patterns decide the rest."""
        st = self.stats[j]
        filled = len(values) - blanks
        st.blanks += blanks
        st.values += filled
        if st.wordy:
            # No cell so far started like a number (names, addresses): one join and one
            # search settle the batch, and "0" (L1-09) starts like a number too.
            fields = "\x00".join(("",) + values)  # each cell after a NUL
            if _NUMERIC_START_RE.search(fields):
                st.wordy = False
                self._numbers_of(st, values, records, filled, fields)
        else:
            self._numbers_of(st, values, records, filled, None)
        self._choices_and_marks(st, j, values, records)

    def _numbers_of(self, st: "ColumnStats", values: tuple, records: list[int], filled: int,
                    fields: str | None) -> None:
        st.zeros += values.count("0")
        joined = "".join(values)
        if joined.isascii():
            if joined.isdigit():
                st.numbers += filled  # every filled cell is an unsigned integer
                return
            if "." in joined and joined.replace(".", "").isdigit() and _plain_decimals(values):
                st.numbers += filled
                return
        fields = fields if fields is not None else "\x00".join(("",) + values)
        if _NUMERIC_START_RE.search(fields):
            # Rule L3-05: how the column writes its dates (one regex search per way).
            for kind, mark, pattern in _DATE_KINDS:
                if kind not in st.date_kinds and mark in fields and pattern.search(fields):
                    st.date_kinds[kind] = next(v for v in values if pattern.search("\x00" + v))
            if not _DATES_AND_TIMES_RE.fullmatch(fields):
                self._count_numbers(st, values, records)

    def _choices_and_marks(self, st: "ColumnStats", j: int, values: tuple, records: list[int]) -> None:
        counts = None
        if st.distinct is not None:
            counts = dict.fromkeys(values)
            counts.pop("", None)
            for value in counts:
                if value in st.distinct:
                    continue
                if len(st.distinct) >= self.settings["choice_max_distinct"]:
                    st.distinct = None
                    break
                st.distinct[value] = records[values.index(value)]
                if self.settings["other_with_detail_re"].match(value):
                    st.other_detail.append((st.distinct[value], value))
        if not self.marks_in_batch:
            return
        counts = counts if counts is not None else dict.fromkeys(values)
        marks = self.ditto.intersection(counts)
        if marks:
            for i, value in enumerate(values):
                if value in marks:
                    self.report.fail("L2-02", row=records[i], column=column_name(self.headers, j), value=value)

    def _count_numbers(self, st: ColumnStats, values: tuple, records: list[int]) -> None:
        junk_re = self.settings["number_with_junk_re"]
        for value, n in Counter(values).items():
            if not value:
                continue
            if value[0] not in _NUMERIC_START:
                if len(st.other) < self.max_examples and _DIGIT_RE.search(value):
                    st.other.append((records[values.index(value)], value))  # 小　40: text with a number
                continue
            if value.isascii() and "*" not in value and "(" not in value \
                    and ("-" in value[1:] or "/" in value or ":" in value):
                continue  # a date, a time, a range or a phone number: neither a number nor one with junk
            if (value.isascii() and value.isdigit()) or NUMBER_RE.fullmatch(value):
                st.numbers += n
            elif junk_re.fullmatch(value):
                st.junk_total += n
                if len(st.junk) < self.max_examples:
                    st.junk.append((records[values.index(value)], value))

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

    __slots__ = ("values", "blanks", "zeros", "numbers", "junk", "junk_total", "distinct", "other_detail", "wordy",
                 "date_kinds", "other")

    def __init__(self):
        self.values = self.blanks = self.zeros = self.numbers = self.junk_total = 0
        self.wordy = True  # no cell seen yet starts like a number
        self.date_kinds: dict[str, str] = {}  # way of writing dates -> an example
        self.other: list[tuple[int, str]] = []  # text holding a number (小　40), for L2-01
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
