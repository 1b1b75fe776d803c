"""Workbooks for tests: real XLSX bytes from rows, and zip bombs built from a real one."""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

TOILET_CSV = Path(__file__).parent / "fixtures" / "standard" / "131016_public_toilet.csv"


def toilet_rows() -> list[list[str]]:
    """The conforming 公衆トイレ一覧 fixture as rows (header first)."""
    with open(TOILET_CSV, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def workbook_bytes(rows: list[list]) -> bytes:
    """An XLSX workbook whose first sheet holds ``rows`` (as openpyxl writes it)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bomb(path: Path, expanded_bytes: int, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """A valid workbook whose ``part`` expands to about ``expanded_bytes`` of XML rows while
    the file stays small (a few hundred kB per 100 MB). Written in a stream: the test
    itself never holds the expanded XML."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([["名称", "件数"], ["a", 1]])))
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c></row>' * 1000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            if item.filename != part:
                bomb.writestr(item, source.read(item.filename))
        info = zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with bomb.open(info, "w", force_zip64=True) as out:
            out.write(head)
            written = len(head)
            while written < expanded_bytes:
                out.write(row)
                written += len(row)
            out.write(b"</sheetData></worksheet>")
    return path


def shared_strings_workbook(path: Path, count: int) -> Path:
    """A valid workbook of one cell with a shared-string table of ``count`` unique
    8-character strings (about 24 bytes of XML each; the part compresses about 10 times), declared in
    ``[Content_Types].xml`` as Excel does: under every size, ratio and cell limit, yet
    openpyxl loads every string. Written in a stream."""
    part = "xl/sharedStrings.xml"
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([["名称"]])))
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as workbook:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override)
            workbook.writestr(item, data)
        info = zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with workbook.open(info, "w", force_zip64=True) as out:
            out.write(head)
            for start in range(0, count, 10_000):
                out.write(b"".join(b"<si><t>%08x</t></si>" % i for i in range(start, min(start + 10_000, count))))
            out.write(b"</sst>")
    return path
