"""The files of the demo's uploads: small CSV, XLSX, PDF, PNG, JSON, XML, GeoJSON and ZIP
files, generated from ``random.Random`` (same seed, same bytes).

Tables come in the exact column layouts of the 自治体標準オープンデータセット
(``schemas/standard-datasets/*.yaml``, through ``conformance.standards``) or a topic's own
columns (``schemas/demo/ward-demo.yaml``), and carry the defects the data shows on real
ward portals (``DEFECTS``): title rows above the header, notes rows below it, units in
numeric cells, 機種依存文字 (①②), blanks for zero, merged-looking repeats left blank.
Which defects and which encoding a file gets is decided by the caller (``demo.py``) from
the dataset's drawn quality; this module only writes bytes.
"""
from __future__ import annotations

import csv
import io
import json
import random
import struct
import zipfile
import zlib
from typing import Any, Optional

# Defects a table can carry (names used in ward-demo.yaml's ``defects`` weights).
DEFECTS = ("title_rows", "notes_rows", "units_in_numbers", "machine_dependent_chars",
           "blank_for_zero", "merged_repeats")
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp932": "Shift_JIS"}
MACHINE_DEPENDENT = "①②③④⑤⑥⑦⑧⑨⑩"

_PLACES = ("中央", "本町", "東", "西", "南", "北", "新町", "旭町", "緑", "桜ヶ丘", "港南", "若葉")
_KINDS = ("公園", "会館", "センター", "広場", "図書館", "学校", "保育園", "集会所")


def table_columns(standard_id: Optional[str], topic_columns: Optional[list[dict[str, Any]]]) -> tuple[list[dict[str, Any]], Optional[str]]:
    """(columns, layout) of a table: the standard's current layout when its column list is
    exact (verified), else its verified legacy layout, else the topic's own columns."""
    if standard_id:
        from ckanext.wards.conformance import standards
        std = standards.get_standard(standard_id) or {}
        for layout in ("current", "legacy"):
            spec = (std.get("layouts") or {}).get(layout)
            if isinstance(spec, dict) and standards.is_enforced(spec) and spec.get("columns"):
                return sorted(spec["columns"], key=lambda c: c.get("order") or 0), layout
    return list(topic_columns or DEFAULT_COLUMNS), None


DEFAULT_COLUMNS = [
    {"name": "年度", "type": "fiscal_year"}, {"name": "地域", "type": "area"},
    {"name": "件数", "type": "number"}, {"name": "前年度比", "type": "number"},
]


def _value(col: dict[str, Any], row: int, rng: random.Random, ward: dict[str, str], year: int) -> str:
    kind = col.get("type") or "string"
    name = col.get("name") or ""
    if kind == "lg_code":
        return ward["lg_code"]
    if kind in ("number", "count"):
        return str(rng.randrange(0, 5000) if "率" not in name and "比" not in name else round(rng.uniform(80, 120), 1))
    if kind == "digits":
        return str(rng.randrange(1, 99999))
    if kind == "latitude":
        return f"{rng.uniform(35.55, 35.80):.6f}"
    if kind == "longitude":
        return f"{rng.uniform(139.60, 139.90):.6f}"
    if kind == "postal_code":
        return f"1{rng.randrange(0, 999999):06d}"
    if kind == "phone":
        return f"03-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"
    if kind == "date":
        return f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    if kind == "time":
        return f"{rng.choice((8, 9, 10))}:00" if "開始" in name or row % 2 else f"{rng.choice((17, 18, 21))}:00"
    if kind == "flag":
        return rng.choice(("有", "無"))
    if kind == "flag_1":
        return rng.choice(("1", ""))
    if kind == "enum":
        return rng.choice(col.get("enum") or ["その他"])
    if kind == "uri":
        return f"https://{ward['slug']}.example.jp/facility/{row + 1}"
    if kind == "email":
        return f"info{row + 1}@{ward['slug']}.example.jp"
    if kind == "fiscal_year":
        return str(year)
    if kind == "area":
        return f"{ward['name_ja']}{rng.choice(_PLACES)}{rng.randrange(1, 6)}丁目"
    if name in ("ID", "NO", "No", "番号"):
        return f"{row + 1:05d}"
    if "カナ" in name:
        return rng.choice(("チュウオウコウエン", "ホンチョウカイカン", "ミナミヒロバ", "キタセンター"))
    if "英" in name:
        return rng.choice(("Chuo Park", "Honcho Hall", "Minami Square", "Kita Center"))
    if "地方公共団体名" in name or name == "市区町村名":
        return ward["prefecture_ja"] + ward["name_ja"]
    if "住所" in name or "所在地" in name:
        return f"{ward['prefecture_ja']}{ward['name_ja']}{rng.choice(_PLACES)}{rng.randrange(1, 6)}-{rng.randrange(1, 30)}-{rng.randrange(1, 20)}"
    if "名称" in name or name.endswith("名"):
        return f"{rng.choice(_PLACES)}{rng.choice(_KINDS)}"
    if col.get("required"):
        return f"{rng.choice(_PLACES)}{rng.choice(_KINDS)}"
    return ""  # an optional text column left empty, as most ward files do


def table(columns: list[dict[str, Any]], rows: int, rng: random.Random, ward: dict[str, str],
          year: int) -> tuple[list[str], list[list[str]]]:
    """(header, data rows) of a clean table."""
    header = [c["name"] for c in columns]
    body = [[_value(c, i, rng, ward, year) for c in columns] for i in range(rows)]
    return header, body


def with_defects(header: list[str], body: list[list[str]], defects: list[str], rng: random.Random,
                 title: str, columns: list[dict[str, Any]]) -> list[list[str]]:
    """The records of a file: header and rows, with the given defects applied."""
    numeric = [j for j, c in enumerate(columns) if c.get("type") in ("number", "count")]
    texty = [j for j, c in enumerate(columns) if (c.get("type") or "string") in ("string", "area")
             and any(r[j] for r in body)]
    body = [list(r) for r in body]
    if "units_in_numbers" in defects and numeric:
        j = rng.choice(numeric)
        unit = rng.choice(("件", "人", "円", "世帯"))
        for r in body:  # some cells, as when a few were typed by hand
            if r[j] and rng.random() < 0.4:
                r[j] = f"{int(float(r[j])):,}{unit}" if rng.random() < 0.7 else f"{r[j]}（休止中）"
    if "blank_for_zero" in defects and numeric:
        j = rng.choice(numeric)
        for k, r in enumerate(body):
            if k % 3 == 1:
                r[j] = ""
            elif k % 3 == 2:
                r[j] = "0"
    if "machine_dependent_chars" in defects and texty:
        j = rng.choice(texty)
        for k, r in enumerate(body):
            if r[j] and k % 2 == 0:
                r[j] = r[j] + MACHINE_DEPENDENT[k % len(MACHINE_DEPENDENT)]
    if "merged_repeats" in defects and texty and len(body) > 3:
        # a column sorted into runs, each value written once as in a merged Excel cell
        j = texty[0]
        runs = [body[0][j] or "区分A", body[len(body) // 2][j] or "区分B"]
        for k, r in enumerate(body):
            run = runs[0] if k < len(body) // 2 else runs[1]
            r[j] = run if k in (0, len(body) // 2) else ""
    records: list[list[str]] = []
    width = len(header)
    if "title_rows" in defects:
        records.append([title] + [""] * (width - 1))
        records.append([f"令和{rng.randrange(2, 8)}年{rng.randrange(1, 13)}月現在"] + [""] * (width - 1))
    records.append(list(header))
    records.extend(body)
    if "notes_rows" in defects:
        records.append([""] * width)
        records.append(["※数値は速報値です。"] + [""] * (width - 1))
        records.append(["（出典）区の業務統計"] + [""] * (width - 1))
    return records


def csv_bytes(records: list[list[str]], encoding: str) -> bytes:
    """CSV with CRLF line ends (as Excel writes it); ``encoding`` is utf-8, utf-8-sig or
    cp932 (Shift_JIS with Microsoft's extensions, which ①② need)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(records)
    return out.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(records: list[list[str]], sheet: str = "Sheet1") -> bytes:
    """A minimal Office Open XML workbook of one sheet, written directly (openpyxl takes
    ~50 ms a workbook, which a full demo's 1,700 would feel; this takes well under 1 ms,
    and the same records give the same bytes). Numbers stay numbers, as a ward's Excel
    file has them; text cells are inline strings, which every reader accepts."""
    from xml.sax.saxutils import escape
    rows = []
    for r, record in enumerate(records, 1):
        cells = []
        for c, value in enumerate(record):
            ref = f"{_column_letters(c)}{r}"
            cell = _cell(value)
            if cell is None:
                continue
            if isinstance(cell, int):
                cells.append(f'<c r="{ref}"><v>{cell}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(cell)}</t></is></c>')
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg_rel = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{pkg_rel}">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{pkg_rel}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{main}">'
            f'<sheetData>{"".join(rows)}</sheetData></worksheet>'),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME), text.encode("utf-8"),
                        compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


FIXED_ZIP_TIME = (2025, 4, 1, 0, 0, 0)  # the same records give the same bytes


def _cell(value: str) -> Any:
    if value and value.lstrip("-").isascii() and value.lstrip("-").isdigit() and not value.startswith("0") and len(value) < 10:
        return int(value)
    return value if value != "" else None


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def pdf_bytes(title: str) -> bytes:
    """A valid one-page PDF (hand-written objects and cross-reference table) that names
    the table in ASCII; what a ward's scanned or printed table would be to a machine."""
    text = title.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes(rng: random.Random, width: int = 48, height: int = 32) -> bytes:
    """A valid RGB PNG of a few coloured blocks (a map image, to a machine)."""
    colours = [bytes(rng.randrange(256) for _ in range(3)) for _ in range(4)]
    raw = b"".join(b"\x00" + b"".join(colours[(x // 12 + y // 8) % 4] for x in range(width))
                   for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def json_bytes(header: list[str], body: list[list[str]]) -> bytes:
    return json.dumps([dict(zip(header, r)) for r in body], ensure_ascii=False, indent=1).encode("utf-8")


def xml_bytes(header: list[str], body: list[list[str]]) -> bytes:
    from xml.sax.saxutils import escape
    rows = "".join("<row>" + "".join(f'<col name="{escape(h, {chr(34): "&quot;"})}">{escape(v)}</col>'
                                     for h, v in zip(header, r)) + "</row>\n" for r in body)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<table>\n{rows}</table>\n'.encode("utf-8")


def geojson_bytes(header: list[str], body: list[list[str]], rng: random.Random) -> bytes:
    features = [{"type": "Feature", "properties": dict(zip(header, r)),
                 "geometry": {"type": "Point", "coordinates": [round(rng.uniform(139.6, 139.9), 6),
                                                               round(rng.uniform(35.55, 35.8), 6)]}}
                for r in body]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def zip_bytes(name: str, content: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME), content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
