"""Pure functions of ckanext.wards.schema: era dates, local government codes, vocabularies."""
from __future__ import annotations

import csv
import pathlib

import pytest

from ckanext.wards import paths, schema
from ckanext.wards.schema import SchemaValueError


@pytest.mark.parametrize("text, iso", [
    ("令和6年4月1日", "2024-04-01"),
    ("R6.4.1", "2024-04-01"),
    ("r06.04.01", "2024-04-01"),
    ("令和６年４月１日", "2024-04-01"),       # full-width digits
    ("Ｒ６．４．１", "2024-04-01"),
    ("平成31年4月30日", "2019-04-30"),       # last day of 平成
    ("令和元年5月1日", "2019-05-01"),         # first day of 令和, 元年 = year 1
    ("H1.1.8", "1989-01-08"),
    ("昭和64年1月7日", "1989-01-07"),
    ("2024-04-01", "2024-04-01"),
    ("2024/4/1", "2024-04-01"),
    ("２０２４年４月１日", "2024-04-01"),
    ("2024-04", "2024-04"),
    ("2024", "2024"),
    ("2024-04-01T09:30:00+09:00", "2024-04-01T09:30:00+09:00"),
])
def test_dates_are_normalised_to_iso(text, iso):
    assert schema.parse_date(text) == iso


@pytest.mark.parametrize("text", [
    "平成31年5月1日",   # 平成 ended on 30 April 2019
    "令和元年4月30日",  # 令和 began on 1 May 2019
    "昭和64年1月8日",
    "令和6年2月30日",
    "2024-13-01",
    "yesterday",
    "R0.1.1",
])
def test_impossible_dates_are_rejected(text):
    with pytest.raises(SchemaValueError):
        schema.parse_date(text)


def test_out_of_era_message_names_the_era():
    with pytest.raises(SchemaValueError) as e:
        schema.parse_date("平成31年5月1日")
    assert "平成" in str(e.value)


def _ward_codes():
    with open(paths.schema_file("wards.csv"), encoding="utf-8") as f:
        return [row["lg_code"] for row in csv.DictReader(f)]


def test_every_ward_code_passes_its_check_digit():
    codes = _ward_codes()
    assert len(codes) == 23
    for code in codes:
        assert schema.normalise_lg_code(code) == code


def test_every_other_check_digit_is_rejected():
    for code in _ward_codes():
        for digit in "0123456789":
            if digit != code[5]:
                with pytest.raises(SchemaValueError):
                    schema.normalise_lg_code(code[:5] + digit)


def test_lg_code_examples():
    assert schema.normalise_lg_code("131016") == "131016"
    assert schema.normalise_lg_code("１３１０１６") == "131016"  # full-width
    with pytest.raises(SchemaValueError) as e:
        schema.normalise_lg_code("131017")
    assert e.value.params["digit"] == 6
    for bad in ("13101", "1310166", "abcdef"):
        with pytest.raises(SchemaValueError):
            schema.normalise_lg_code(bad)


@pytest.mark.parametrize("code", ["١٣١٠١٦", "۱۳۱۰۱۶", "१३१०१६", "１３１０١٦"])
def test_lg_codes_are_ascii_digits_only(code):
    """Duplicate check: ``\\d`` let Arabic-Indic digits through, which start-up then accepted
    while ``organizations.portal_ward_code()`` said None. NFKC folds full-width digits only."""
    with pytest.raises(SchemaValueError):
        schema.normalise_lg_code(code)
    assert not schema.lg_code_ok(code)


def test_one_check_digit_function_for_every_code_check():
    from ckanext.wards.conformance import values as standard_check
    from ckanext.wards.config import checks
    assert standard_check.lg_code_ok is schema.lg_code_ok
    assert schema.lg_code_ok("131016") and not schema.lg_code_ok("131017") and not schema.lg_code_ok(131016)
    with pytest.raises(Exception, match="ckanext.wards.ward_code"):
        checks.check_config({"ckanext.wards.ward_code": "١٣١٠١٦"})


@pytest.mark.parametrize("text", ["99999999999999999999", str(2**63), "-1", "１２３４５６７８９０１２３４５６７８９０"])
def test_byte_sizes_beyond_a_bigint_or_negative_are_refused(text):
    with pytest.raises(SchemaValueError):
        schema.normalise_byte_size(text)
    assert schema.normalise_byte_size(str(2**63 - 1)) == 2**63 - 1


@pytest.mark.parametrize("alias, canonical", [
    ("cc-by", "CC-BY-4.0"),
    ("CC BY 4.0", "CC-BY-4.0"),
    ("ＣＣ　ＢＹ　４．０", "CC-BY-4.0"),       # full-width letters and space
    ("cc-by-40-intl", "CC-BY-4.0"),
    ("PDL1.0", "PDL-1.0"),
    ("公共データ利用規約（第1.0版）", "PDL-1.0"),
    ("政府標準利用規約 2.0", "GOJ-STD-2.0"),
    ("japanese-20", "GOJ-STD-2.0"),
    ("cc-zero", "CC0-1.0"),
    ("notspecified", "NOT-SPECIFIED"),
    ("odc-odbl", "ODbL"),
])
def test_licence_aliases_map_to_canonical_ids(alias, canonical):
    assert schema.normalise_term("licenses", alias) == canonical


CKAN_REGISTER_ONLY = {"ODC-PDDL", "GFDL", "OGL-UK"}


def test_every_reference_licence_id_is_canonical_or_alias():
    reference = pathlib.Path(paths.schemas_dir()).parent.parent / "shared" / "reference" / "licenses.csv"
    if not reference.exists():
        pytest.skip("the shared reference is not next to this checkout")
    with open(reference, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ids = schema.vocabulary_ids("licenses")
    # Our vocabulary is the Japanese reference, in its order, plus the licences of CKAN's
    # own register that the reference lacks (so migrate maps every CKAN licence id).
    assert [i for i in ids if i not in CKAN_REGISTER_ONLY] == [r["canonical_id"] for r in rows]
    assert CKAN_REGISTER_ONLY <= set(ids)
    for row in rows:
        for seen in filter(None, row["ckan_license_ids_seen"].split(";")):
            if not seen.startswith("("):
                assert schema.normalise_term("licenses", seen) in ids


def test_unknown_licence_is_rejected():
    with pytest.raises(SchemaValueError):
        schema.normalise_term("licenses", "my-own-terms")


def test_vocabulary_lists_report_every_unknown_value_at_once():
    assert schema.normalise_terms("themes", "行財政, SOCI") == ["GOVE", "SOCI"]
    assert schema.normalise_terms("frequencies", ["月次"]) == ["monthly"]
    assert schema.normalise_terms("languages", '["jpn", "en"]') == ["ja", "en"]
    with pytest.raises(SchemaValueError) as e:
        schema.normalise_terms("themes", ["GOVE", "nope", "zilch"])
    assert e.value.params["value"] == "nope, zilch"


def test_encodings_and_standards():
    assert schema.normalise_term("encodings", "sjis") == "Shift_JIS"
    assert schema.normalise_term("encodings", "cp932") == "Windows-31J"
    assert schema.normalise_term("encodings", "utf8") == "UTF-8"
    assert schema.normalise_term("standards", "13") == "13_public_toilet"
    with pytest.raises(SchemaValueError):
        schema.normalise_term("standards", "99_nothing")


def test_urls_sizes_media_types_and_flags():
    assert schema.normalise_url("https://www.city.chiyoda.lg.jp/") == "https://www.city.chiyoda.lg.jp/"
    for bad in ("www.city.chiyoda.lg.jp", "ftp://x", "https://", "javascript:alert(1)"):
        with pytest.raises(SchemaValueError):
            schema.normalise_url(bad)
    assert schema.normalise_byte_size("１，２３４") == 1234
    with pytest.raises(SchemaValueError):
        schema.normalise_byte_size("-5")
    assert schema.normalise_media_type("Text/CSV") == "text/csv"
    with pytest.raises(SchemaValueError):
        schema.normalise_media_type("csv")
    assert schema.normalise_bool("有") is True and schema.normalise_bool("false") is False


def test_default_schema_reference_resolves_like_scheming_does():
    """scheming joins the part after the colon to the module's directory."""
    import os

    import ckanext.wards
    from ckanext.wards.paths import default_schema_reference

    module, relative = default_schema_reference().split(":", 1)
    assert module == "ckanext.wards"
    resolved = os.path.join(os.path.dirname(ckanext.wards.__file__), relative)
    assert os.path.samefile(resolved, paths.schema_file("wards_dataset.yaml"))


@pytest.mark.parametrize("spelling", ["UTF-8(BOM付き)", "UTF-8（BOM付き）", "ＵＴＦ－８(BOM付き)", "BOM付きUTF-8"])
def test_utf8_with_bom_spellings_are_utf8(spelling):
    assert schema.normalise_term("encodings", spelling) == "UTF-8"


@pytest.mark.parametrize("label, themes", [
    ("子育て・教育", ["SOCI", "EDUC"]), ("防災・安全", ["JUST"]), ("健康・福祉", ["HEAL", "SOCI"]),
    ("司法・安全・環境", ["JUST"]),  # a whole e-Stat label wins over its parts
])
def test_compound_categories_map_part_by_part(label, themes):
    assert schema.normalise_terms("themes", [label]) == themes


def test_a_compound_with_an_unknown_part_is_unknown():
    with pytest.raises(schema.SchemaValueError):
        schema.normalise_terms("themes", ["子育て・宇宙"])


@pytest.mark.parametrize("text, period", [
    ("令和5年度", ("2023-04-01", "2024-03-31")), ("R元年度", ("2019-04-01", "2020-03-31")),
    ("２０２３年度", ("2023-04-01", "2024-03-31")), ("令和5年", None), ("2023", None),
])
def test_fiscal_years(text, period):
    assert schema.fiscal_year(text) == period
