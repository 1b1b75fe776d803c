"""Format classification of real-world labels, media types, URLs and file contents."""
from __future__ import annotations

import pytest

from ckanext.wards.formats import classify, sniff

# (declared label as seen on Japanese and other CKAN portals, expected EU file-type code)
LABELS = [
    ("CSV", "CSV"), ("csv", "CSV"), (".csv", "CSV"), ("ＣＳＶ", "CSV"), ("ｃｓｖ", "CSV"),
    ("CSV(UTF-8)", "CSV"), ("CSV（UTF-8）", "CSV"), ("CSV(Shift_JIS)", "CSV"), ("csv（Shift_JIS）", "CSV"),
    ("CSV形式", "CSV"), ("CSVファイル", "CSV"), ("Shift_JIS CSV", "CSV"), ("CSV UTF-8", "CSV"),
    ("text/csv", "CSV"), ("CSV (BOM付き)", "CSV"), ("【CSV】", "CSV"),
    ("TSV", "TSV"), ("タブ区切り", "TSV"),
    ("XLSX", "XLSX"), ("xlsx", "XLSX"), ("xlsx形式", "XLSX"), ("ｘｌｓｘ", "XLSX"), ("Excel(xlsx)", "XLSX"),
    ("エクセル(xlsx)", "XLSX"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    ("XLS", "XLS"), ("xls", "XLS"), ("Excel", "XLS"), ("エクセル", "XLS"), ("EXCEL形式", "XLS"),
    ("Excelファイル", "XLS"), ("application/vnd.ms-excel", "XLS"),
    ("ODS", "ODS"), ("JSON", "JSON"), ("json形式", "JSON"), ("application/json", "JSON"),
    ("GeoJSON", "GEOJSON"), ("JSON-LD", "JSON_LD"), ("XML", "XML"), ("XML形式", "XML"), ("text/xml", "XML"),
    ("RDF", "RDF_XML"), ("RDF/XML", "RDF_XML"), ("Turtle", "RDF_TURTLE"), ("TTL", "RDF_TURTLE"),
    ("KML", "KML"), ("KMZ", "KMZ"), ("Shapefile", "SHP"), ("シェープファイル", "SHP"), ("SHP(zip)", "SHP"),
    ("GML", "GML"), ("GTFS-JP", "GTFS"), ("GTFS", "GTFS"),
    ("API", "REST"), ("Web API", "REST"), ("WebAPI", "REST"), ("ＡＰＩ", "REST"), ("REST API", "REST"),
    ("WMS", "WMS_SRVC"), ("WFS", "WFS_SRVC"), ("WMTS", "WMTS_SRVC"), ("SPARQL", "SPARQLQ"),
    ("PDF", "PDF"), ("pdf", "PDF"), ("PDF形式", "PDF"), ("ＰＤＦ", "PDF"), ("PDFファイル", "PDF"), ("application/pdf", "PDF"),
    ("Word", "DOC"), ("ワード", "DOC"), ("DOCX", "DOCX"), ("PowerPoint", "PPTX"),
    ("HTML", "HTML"), ("ホームページ", "HTML"), ("ウェブサイト", "HTML"), ("リンク", "HTML"),
    ("ZIP", "ZIP"), ("zip形式", "ZIP"), ("TXT", "TXT"), ("テキスト", "TXT"),
    ("PNG", "PNG"), ("JPEG", "JPEG"), ("jpg", "JPEG"), ("画像", "JPEG"), ("TIFF", "TIFF"),
    ("RSS", "RSS"), ("ICS", "ICS"), ("iCalendar", "ICS"),
    ("http://publications.europa.eu/resource/authority/file-type/CSV", "CSV"),
    ("https://www.iana.org/assignments/media-types/text/csv", "CSV"),
]


def test_at_least_sixty_real_world_labels():
    assert len(LABELS) >= 60


@pytest.mark.parametrize("label, code", LABELS)
def test_label_classification(label, code):
    assert classify.code_from_label(label) == code


@pytest.mark.parametrize("label", ["", None, "   ", "その他", "不明"])
def test_unknown_labels_are_none(label):
    assert classify.code_from_label(label) is None


def test_every_listed_file_type_is_in_the_eu_table_and_media_types_are_iana():
    codes = classify.eu_file_type_codes()
    iana = classify.iana_media_types()
    for code, spec in classify.file_types().items():
        assert code in codes, code
        assert spec["stars"] in range(6)
    known = [spec["media_type"] for spec in classify.file_types().values()
             if spec["media_type"] in iana]
    assert "text/csv" in known and "application/vnd.ms-excel" in known
    for key in ("mqa_machine_readable", "mqa_non_proprietary"):
        assert classify.classes()[key] <= codes
    assert len(classify.classes()["mqa_machine_readable"]) == 20
    assert len(classify.classes()["mqa_non_proprietary"]) == 29


@pytest.mark.parametrize("url, code", [
    ("https://example.lg.jp/data/a.CSV", "CSV"),
    ("https://example.lg.jp/data/a.xlsx?download=1", "XLSX"),
    ("https://example.lg.jp/geoserver/ows?service=WMS&request=GetCapabilities", "WMS_SRVC"),
    ("https://example.lg.jp/download.php?id=3", None),
    ("https://example.lg.jp/", None),
])
def test_url_classification(url, code):
    assert classify.code_from_url(url) == code


@pytest.mark.parametrize("head, code", [
    (b"%PDF-1.7\n...", "PDF"),
    (b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml xl/workbook.xml", "XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "XLS"),
    ("\ufeff番号,名称,住所\n1,千代田区役所,千代田区九段南1-2-1\n2,図書館,千代田区\n".encode("utf-8"), "CSV"),
    ("番号,名称\n1,区役所\n2,図書館\n".encode("cp932"), "CSV"),
    (b'{"type": "FeatureCollection", "features": []}', "GEOJSON"),
    (b'[{"a": 1}]', "JSON"),
    (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"></rdf:RDF>', "RDF_XML"),
    (b"<!DOCTYPE html><html><body>", "HTML"),
    (b"@prefix dcat: <http://www.w3.org/ns/dcat#> .", "RDF_TURTLE"),
    (b"just one line of text", None),
])
def test_content_sniffing(head, code):
    assert sniff.sniff_bytes(head) == code


def test_classification_of_a_resource():
    c = classify.classify({"format": "ＣＳＶ", "url": "https://example.lg.jp/a.csv"})
    assert c["code"] == "CSV" and c["file_type_uri"].endswith("/file-type/CSV")
    assert c["media_type"] == "text/csv" and c["media_type_uri"].endswith("/text/csv")
    assert c["machine_readable_strict"] and c["mqa_non_proprietary"] and c["stars"] == 3
    assert not c["format_mismatch"] and not c["is_api"]

    xlsx = classify.classify({"format": "xlsx形式", "url": "https://example.lg.jp/a.xlsx"})
    assert not xlsx["machine_readable_strict"] and xlsx["machine_readable_broad"]
    assert xlsx["mqa_machine_readable"] and not xlsx["mqa_non_proprietary"] and xlsx["stars"] == 2

    pdf = classify.classify({"format": "PDF形式", "url": "https://example.lg.jp/a.pdf"})
    assert not pdf["machine_readable_broad"] and not pdf["mqa_machine_readable"] and pdf["stars"] == 1

    api = classify.classify({"format": "API", "url": "https://example.lg.jp/api/v1/shelters"})
    assert api["is_api"] and api["machine_readable_strict"]

    datastore = classify.classify({"format": "XLSX", "url": "https://x/a.xlsx", "datastore_active": True})
    assert datastore["is_api"] and datastore["machine_readable_strict"]

    lying = classify.classify({"format": "CSV", "url": "https://example.lg.jp/a.pdf"})
    assert lying["format_mismatch"] and lying["declared_code"] == "CSV" and lying["detected_code"] == "PDF"

    sniffed = classify.classify({"format": "CSV", "url": "https://x/a.csv"}, sniffed="XLSX")
    assert sniffed["code"] == "XLSX" and sniffed["format_mismatch"]

    rdf = classify.classify({"format": "RDF", "url": "https://x/a.rdf"})
    assert rdf["stars"] == 4

    nothing = classify.classify({"url": ""})
    assert nothing["code"] is None and nothing["stars"] == 0


@pytest.mark.parametrize("resource, code", [
    ({"format": "エクセル", "url": "https://x.lg.jp/a.xlsx"}, "XLSX"),
    ({"format": "Excel", "url": "https://x.lg.jp/download?id=3",
      "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, "XLSX"),
    ({"format": "エクセル", "url": "https://x.lg.jp/a.xls"}, "XLS"),
    ({"format": "エクセル", "url": "https://x.lg.jp/a"}, "XLS"),
    ({"format": "JSON API", "url": "https://x.lg.jp/api/v1/shelters"}, "REST"),
    ({"format": "JSON", "url": "https://x.lg.jp/a.json"}, "JSON"),
])
def test_version_less_excel_takes_the_urls_version_and_json_api_is_an_api(resource, code):
    classified = classify.classify(resource)
    assert classified["code"] == code
    assert classified["is_api"] == (code == "REST")


# --- one sniffer for the scores and the checker ------------------------------------------

def _zip(entries: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _workbook_without_workbook_xml() -> bytes:
    import io
    import zipfile

    from tests.workbooks import workbook_bytes

    with zipfile.ZipFile(io.BytesIO(workbook_bytes([["a"]]))) as source:
        return _zip({item.filename: source.read(item.filename) for item in source.infolist()
                     if item.filename != "xl/workbook.xml"})


def _sniffed_files() -> list[tuple[str, bytes, str | None, str]]:
    from tests.workbooks import workbook_bytes

    table = "番号,名称\r\n1,区役所\r\n2,図書館\r\n"
    return [  # (what, bytes, the scores' file type, the checker's reader)
        ("xlsx", workbook_bytes([["a"], [1]]), "XLSX", "xlsx"),
        ("xlsx known by its content types only", _workbook_without_workbook_xml(), "XLSX", "xlsx"),
        ("ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
         "ODS", "ods"),
        ("docx", _zip({"word/document.xml": b"<w:document/>"}), "DOCX", "docx"),
        ("zip", _zip({"a.shp": b"\x00\x00\x27\x0a"}), "ZIP", "zip"),
        ("broken zip", b"PK\x03\x04" + b"\x14\x00" * 40, None, "binary"),
        ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "XLS", "xls"),
        ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF", "pdf"),
        ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG", "binary"),
        ("utf-8 csv", table.encode("utf-8"), "CSV", "csv"),
        ("utf-8 csv with BOM", table.encode("utf-8-sig"), "CSV", "csv"),
        ("shift_jis csv", table.encode("cp932"), "CSV", "csv"),
        ("utf-16 csv", table.encode("utf-16"), "CSV", "csv"),
        ("json", b'[{"a": 1}]', "JSON", "csv"),  # text: the checker reads it and its rules fail it
        ("bytes with NULs", b"abc\x00def\x00" * 10, None, "binary"),
    ]


@pytest.mark.parametrize("what, data, code, kind", _sniffed_files(), ids=[f[0] for f in _sniffed_files()])
def test_the_scores_and_the_checker_read_a_file_with_one_sniffer(tmp_path, what, data, code, kind):
    """formats.sniff is the one reader of a file's type: the scores' ``sniffed_code`` (an
    upload sniffed with its file at hand, as the scoring job does) and the checker's choice
    of reader (conformance.reading.file_kind) are the same answer."""
    from ckanext.wards.conformance import reading

    path = tmp_path / "upload-without-suffix"
    path.write_bytes(data)
    head = data[:sniff.SAMPLE_BYTES]
    with open(path, "rb") as f:
        assert sniff.sniff_bytes(f.read(sniff.SAMPLE_BYTES), f) == code
    assert sniff.sniff_bytes(head, path) == code
    assert reading.file_kind(head, path) == kind


def test_without_the_file_a_zip_is_judged_by_the_names_in_its_first_bytes():
    from tests.workbooks import workbook_bytes

    assert sniff.sniff_bytes(workbook_bytes([["a"]])[:4000]) == "XLSX"
    assert sniff.sniff_bytes(b"PK\x03\x04" + b"\x14\x00" * 40) == "ZIP"  # unsure without the directory


@pytest.mark.parametrize("data, codec, bom", [
    ("名称\n".encode("utf-8-sig"), "utf-8-sig", True),
    ("名称\n".encode("utf-16"), "utf-16", True),
    ("名称,区役所".encode("utf-8")[:-1], "utf-8", False),  # a character cut at the end of the sample
    ("名称,区役所".encode("cp932"), "cp932", False),
    (b"\x80\xff\xfe", "cp932", False),                        # neither: Japanese portals' other encoding
])
def test_one_encoding_detection(data, codec, bom):
    assert sniff.detect_encoding(data) == (codec, bom)


def test_the_head_of_a_file_is_decoded_as_detected():
    assert sniff.decode_head("名称,区役所".encode("utf-8")[:-1]) == "名称,区役"
    assert sniff.decode_head("\ufeff名称".encode("utf-8")) == "名称"
    assert sniff.decode_head("名称".encode("utf-16")) == "名称"
    assert sniff.decode_head(b"a\x00b") is None


@pytest.mark.parametrize("value, expected", [
    (True, True), ("true", True), ("はい", True), ("有", True), ("1", True),
    (False, False), ("false", False), ("0", False), ("いいえ", False), (None, False), ("", False),
])
def test_api_and_datastore_flags_are_read_as_metadata_flags(value, expected):
    """lib.flags.truthy: the Japanese words as well (はい, 有), as every other flag of the metadata."""
    resource = {"format": "XLSX", "url": "https://x.lg.jp/a.xlsx"}
    assert classify.classify(dict(resource, is_api=value))["is_api"] is expected
    assert classify.classify(dict(resource, datastore_active=value))["machine_readable_strict"] is expected


@pytest.mark.parametrize("label, code", [("Shift_JIS CSV", "CSV"), ("rdf_xml", "RDF_XML"), ("RDF XML", "RDF_XML"),
                                         (".xlsx", "XLSX"), ("  ＣＳＶ　ファイル ", "CSV"), ("ＸＬＳＸ", "XLSX")])
def test_label_keys_fold_underscores_dots_and_width(label, code):
    """lib.text.fold (width, case, spaces) plus what format names need: _ is a space, no leading dot."""
    assert classify.code_from_label(label) == code


def test_the_file_check_sniffs_a_file_with_the_file_at_hand(tmp_path):
    """A workbook whose parts are named only in [Content_Types].xml is XLSX to the scores'
    file check as it is to the checker (the sniffer gets the open file); a text file's
    encoding is named, a binary one has none."""
    from ckanext.wards.scoring import filechecks

    path = tmp_path / "8f3a0c1e"
    path.write_bytes(_workbook_without_workbook_xml())
    assert filechecks.sniff_file(str(path)) == ("XLSX", None)
    sjis = tmp_path / "sjis"
    sjis.write_bytes("名称,住所\n公園,千代田区\n広場,港区\n".encode("cp932"))
    assert filechecks.sniff_file(str(sjis)) == ("CSV", "Shift_JIS")
