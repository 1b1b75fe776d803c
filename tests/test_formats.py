"""Format classification of real-world labels, media types, URLs and file contents."""
from __future__ import annotations

import pytest

from ckanext.wards import formats

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
    assert formats.code_from_label(label) == code


@pytest.mark.parametrize("label", ["", None, "   ", "その他", "不明"])
def test_unknown_labels_are_none(label):
    assert formats.code_from_label(label) is None


def test_every_listed_file_type_is_in_the_eu_table_and_media_types_are_iana():
    codes = formats.eu_file_type_codes()
    iana = formats.iana_media_types()
    for code, spec in formats.file_types().items():
        assert code in codes, code
        assert spec["stars"] in range(6)
    known = [spec["media_type"] for spec in formats.file_types().values()
             if spec["media_type"] in iana]
    assert "text/csv" in known and "application/vnd.ms-excel" in known
    for key in ("mqa_machine_readable", "mqa_non_proprietary"):
        assert formats.classes()[key] <= codes
    assert len(formats.classes()["mqa_machine_readable"]) == 20
    assert len(formats.classes()["mqa_non_proprietary"]) == 29


@pytest.mark.parametrize("url, code", [
    ("https://example.lg.jp/data/a.CSV", "CSV"),
    ("https://example.lg.jp/data/a.xlsx?download=1", "XLSX"),
    ("https://example.lg.jp/geoserver/ows?service=WMS&request=GetCapabilities", "WMS_SRVC"),
    ("https://example.lg.jp/download.php?id=3", None),
    ("https://example.lg.jp/", None),
])
def test_url_classification(url, code):
    assert formats.code_from_url(url) == code


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
    assert formats.sniff_bytes(head) == code


def test_classification_of_a_resource():
    c = formats.classify({"format": "ＣＳＶ", "url": "https://example.lg.jp/a.csv"})
    assert c["code"] == "CSV" and c["file_type_uri"].endswith("/file-type/CSV")
    assert c["media_type"] == "text/csv" and c["media_type_uri"].endswith("/text/csv")
    assert c["machine_readable_strict"] and c["mqa_non_proprietary"] and c["stars"] == 3
    assert not c["format_mismatch"] and not c["is_api"]

    xlsx = formats.classify({"format": "xlsx形式", "url": "https://example.lg.jp/a.xlsx"})
    assert not xlsx["machine_readable_strict"] and xlsx["machine_readable_broad"]
    assert xlsx["mqa_machine_readable"] and not xlsx["mqa_non_proprietary"] and xlsx["stars"] == 2

    pdf = formats.classify({"format": "PDF形式", "url": "https://example.lg.jp/a.pdf"})
    assert not pdf["machine_readable_broad"] and not pdf["mqa_machine_readable"] and pdf["stars"] == 1

    api = formats.classify({"format": "API", "url": "https://example.lg.jp/api/v1/shelters"})
    assert api["is_api"] and api["machine_readable_strict"]

    datastore = formats.classify({"format": "XLSX", "url": "https://x/a.xlsx", "datastore_active": True})
    assert datastore["is_api"] and datastore["machine_readable_strict"]

    lying = formats.classify({"format": "CSV", "url": "https://example.lg.jp/a.pdf"})
    assert lying["format_mismatch"] and lying["declared_code"] == "CSV" and lying["detected_code"] == "PDF"

    sniffed = formats.classify({"format": "CSV", "url": "https://x/a.csv"}, sniffed="XLSX")
    assert sniffed["code"] == "XLSX" and sniffed["format_mismatch"]

    rdf = formats.classify({"format": "RDF", "url": "https://x/a.rdf"})
    assert rdf["stars"] == 4

    nothing = formats.classify({"url": ""})
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
    classified = formats.classify(resource)
    assert classified["code"] == code
    assert classified["is_api"] == (code == "REST")
