"""The demo's generated files and mixes, without the stack: valid files, the defects the
checker finds in them, encodings, and mixes that follow the study's spread."""
from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import random
import re
import struct
import zlib

import pytest

from ckanext.wards import demo, demo_files
from ckanext.wards.conformance.checker import check_file
from ckanext.wards.formats import classify
from ckanext.wards.vocab import wards as ward_list

NOW = dt.datetime(2026, 4, 1)
WARD = ward_list.wards()[0]


def _failed(result) -> set[str]:
    """Ids of the government rules the checker evaluated and found failing."""
    return {r["id"] for r in result["rules"] if r["evaluated"] and r["passed"] is False}


def _table(standard=None, rows=12, seed=1):
    rng = random.Random(seed)
    columns, layout = demo_files.table_columns(standard, None)
    header, body = demo_files.table(columns, rows, rng, WARD, 2024)
    return columns, header, body, rng


def test_a_standard_layout_is_exact_and_a_clean_file_conforms(tmp_path):
    columns, header, body, rng = _table("13_public_toilet")
    from ckanext.wards.conformance import standards
    assert header == [c["name"] for c in standards.columns("13_public_toilet", "current")]
    path = tmp_path / "toilets.csv"
    path.write_bytes(demo_files.csv_bytes(demo_files.with_defects(header, body, [], rng, "t", columns), "utf-8"))
    result = check_file(path, "13_public_toilet")
    assert result["conforms"] is True, result["issues"][:5]
    assert not _failed(result)


@pytest.mark.parametrize("defect, rule", [
    ("title_rows", "L3-01"), ("units_in_numbers", "L2-01"), ("blank_for_zero", "L1-09"),
])
def test_each_defect_is_one_the_checker_finds(tmp_path, defect, rule):
    columns = [{"name": "地域", "type": "area"}, {"name": "件数", "type": "number"},
               {"name": "世帯数", "type": "number"}]
    rng = random.Random(2)
    header, body = demo_files.table(columns, 20, rng, WARD, 2024)
    clean, defective = tmp_path / "clean.csv", tmp_path / "defective.csv"
    clean.write_bytes(demo_files.csv_bytes(demo_files.with_defects(header, body, [], random.Random(3), "表題", columns), "utf-8"))
    defective.write_bytes(demo_files.csv_bytes(
        demo_files.with_defects(header, body, [defect], random.Random(3), "表題", columns), "utf-8"))
    assert rule not in _failed(check_file(clean))
    assert rule in _failed(check_file(defective))


def test_encodings_bom_and_machine_dependent_characters():
    columns, header, body, rng = _table()
    columns = [{"name": "地域", "type": "area"}, {"name": "件数", "type": "number"}]
    header, body = demo_files.table(columns, 12, rng, WARD, 2024)
    records = demo_files.with_defects(header, body, ["machine_dependent_chars", "notes_rows"], rng, "表題", columns)
    utf8 = demo_files.csv_bytes(records, "utf-8")
    bom = demo_files.csv_bytes(records, "utf-8-sig")
    sjis = demo_files.csv_bytes(records, "cp932")
    assert bom.startswith(codecs.BOM_UTF8) and not utf8.startswith(codecs.BOM_UTF8)
    assert bom[3:] == utf8
    with pytest.raises(UnicodeDecodeError):
        sjis.decode("utf-8")
    assert sjis.decode("cp932") == utf8.decode("utf-8")  # nothing lost, ①② included
    assert "※" in utf8.decode() and re.search("[①-⑩]", utf8.decode())


def test_merged_repeats_leave_the_repeated_values_blank():
    columns = [{"name": "区分", "type": "area"}, {"name": "件数", "type": "number"}]
    header, body = demo_files.table(columns, 10, random.Random(4), WARD, 2024)
    records = demo_files.with_defects(header, body, ["merged_repeats"], random.Random(4), "t", columns)
    first = [r[0] for r in records[1:]]
    assert first[0] and first[5] and not any(first[1:5]) and not any(first[6:])


def test_pdf_png_xlsx_zip_json_are_valid_files():
    pdf = demo_files.pdf_bytes("Public toilets 2024 (Chiyoda)")
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref:xref + 4] == b"xref"
    offsets = [int(line[:10]) for line in pdf[xref:].split(b"\n")[3:8]]
    assert [pdf[o:o + 7] for o in offsets] == [b"%d 0 obj" % n for n in range(1, 6)]

    png = demo_files.png_bytes(random.Random(5), 48, 32)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        tag, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(tag + data)
        chunks[tag] = data
        pos += 12 + length
    assert len(zlib.decompress(chunks[b"IDAT"])) == 32 * (1 + 3 * 48)

    from openpyxl import load_workbook
    columns, header, body, rng = _table()
    wb = load_workbook(io.BytesIO(demo_files.xlsx_bytes([header] + body)))
    assert [c.value for c in next(wb.active.iter_rows(max_row=1))] == header

    import zipfile
    z = zipfile.ZipFile(io.BytesIO(demo_files.zip_bytes("a.csv", b"x,y\r\n")))
    assert z.read("a.csv") == b"x,y\r\n"
    assert json.loads(demo_files.json_bytes(header, body))[0] == dict(zip(header, body[0]))
    geo = json.loads(demo_files.geojson_bytes(header, body, rng))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == len(body)


def _strict_share(packages, resources) -> float:
    strict = {r["package_id"] for r in resources
              if classify.classify(dict(r, **json.loads(r["extras"])))["machine_readable_strict"]}
    return sum(p["id"] in strict for p in packages) / len(packages)


def test_a_wards_mix_follows_its_drawn_diligence():
    """A sloppier ward has more dead links, defects and wrong labels, fewer machine-readable
    datasets and less metadata: all from the one drawn number."""
    low = demo.make_datasets(WARD, "org", 150, random.Random(6), 0.1, None, NOW)
    high = demo.make_datasets(WARD, "org", 150, random.Random(6), 0.9, None, NOW)

    def dead(resources):
        return sum("/opendata/" in r["url"] for r in resources) / len(resources)

    def filled(packages, key):
        return sum(key in p["extras"] for p in packages) / len(packages)
    assert dead(low[1]) > dead(high[1]) + 0.3
    assert _strict_share(low[0], low[1]) + 0.2 < _strict_share(high[0], high[1])
    for key in ("theme", "contact", "access_rights"):
        assert filled(low[0], key) + 0.4 < filled(high[0], key)
    sjis = [r for r in low[1] if json.loads(r["extras"]).get("character_encoding")]
    assert sjis  # text files say which encoding they are in (rightly or not)


def test_demo_sizes_and_machine_readable_share_follow_the_study():
    """23 wards with seed 2026 (dev/serve's): 98-567 datasets, mean about 286; the
    machine-readable (strict) share averaged over wards about 48.7 %, not more; files of
    a few KB, the whole storage far under 300 MB."""
    rng = random.Random(2026)
    wards = ward_list.wards()
    sizes = demo.ward_sizes(len(wards), rng)
    assert min(sizes) == 98 and max(sizes) == 567 and 276 <= sum(sizes) / len(sizes) <= 296
    shares, diligences, total_bytes, total_datasets = [], [], 0, 0
    for ward, size in zip(wards, sizes):
        ward_rng = random.Random(f"2026:{ward['lg_code']}")
        d = demo.draw_diligence(ward_rng)
        diligences.append(d)
        n = max(30, size // 6)  # a sixth of each ward keeps the test fast; the mix is per dataset
        packages, resources, _tags, files = demo.make_datasets(ward, "org", n, ward_rng, d, None, NOW)
        shares.append(_strict_share(packages, resources))
        total_bytes += sum(len(b) for b in files.values())
        total_datasets += n
    assert 0.44 <= sum(shares) / len(shares) <= 0.50
    assert max(diligences) - min(diligences) > 0.5  # wards really differ
    assert max(shares) - min(shares) > 0.25
    per_dataset = total_bytes / total_datasets
    assert per_dataset * sum(sizes) < 300e6 / 4
