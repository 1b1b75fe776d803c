"""Pure functions of ckanext.wards.schema and ckanext.wards.vocab: era dates, local government
codes, vocabularies."""
from __future__ import annotations

import csv
import datetime as dt
import pathlib

import pytest

from ckanext.wards import paths, schema
from ckanext.wards.lib import dates
from ckanext.wards.schema import SchemaValueError
from ckanext.wards.vocab import loader, wards


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
        assert wards.normalise_lg_code(code) == code


def test_every_other_check_digit_is_rejected():
    for code in _ward_codes():
        for digit in "0123456789":
            if digit != code[5]:
                with pytest.raises(SchemaValueError):
                    wards.normalise_lg_code(code[:5] + digit)


def test_lg_code_examples():
    assert wards.normalise_lg_code("131016") == "131016"
    assert wards.normalise_lg_code("１３１０１６") == "131016"  # full-width
    with pytest.raises(SchemaValueError) as e:
        wards.normalise_lg_code("131017")
    assert e.value.params["digit"] == 6
    for bad in ("13101", "1310166", "abcdef"):
        with pytest.raises(SchemaValueError):
            wards.normalise_lg_code(bad)


@pytest.mark.parametrize("code", ["١٣١٠١٦", "۱۳۱۰۱۶", "१३१०१६", "１３１０١٦"])
def test_lg_codes_are_ascii_digits_only(code):
    """Duplicate check: ``\\d`` let Arabic-Indic digits through, which start-up then accepted
    while ``organizations.portal_ward_code()`` said None. NFKC folds full-width digits only."""
    with pytest.raises(SchemaValueError):
        wards.normalise_lg_code(code)
    assert not wards.lg_code_ok(code)


def test_one_check_digit_function_for_every_code_check():
    from ckanext.wards.conformance import values as standard_check
    from ckanext.wards.config import checks
    from ckanext.wards.report import document
    from ckanext.wards.vocab import organizations
    assert standard_check.lg_code_ok is wards.lg_code_ok
    assert document.lg_code_ok is wards.lg_code_ok
    assert organizations.lg_code_ok is wards.lg_code_ok and organizations.normalise_lg_code is wards.normalise_lg_code
    assert wards.lg_code_ok("131016") and not wards.lg_code_ok("131017") and not wards.lg_code_ok(131016)
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
    assert loader.normalise_term("licenses", alias) == canonical


CKAN_REGISTER_ONLY = {"ODC-PDDL", "GFDL", "OGL-UK"}


def test_every_reference_licence_id_is_canonical_or_alias():
    reference = pathlib.Path(paths.schemas_dir()).parent.parent / "shared" / "reference" / "licenses.csv"
    if not reference.exists():
        pytest.skip("the shared reference is not next to this checkout")
    with open(reference, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ids = loader.vocabulary_ids("licenses")
    # Our vocabulary is the Japanese reference, in its order, plus the licences of CKAN's
    # own register that the reference lacks (so migrate maps every CKAN licence id).
    assert [i for i in ids if i not in CKAN_REGISTER_ONLY] == [r["canonical_id"] for r in rows]
    assert CKAN_REGISTER_ONLY <= set(ids)
    for row in rows:
        for seen in filter(None, row["ckan_license_ids_seen"].split(";")):
            if not seen.startswith("("):
                assert loader.normalise_term("licenses", seen) in ids


def test_unknown_licence_is_rejected():
    with pytest.raises(SchemaValueError):
        loader.normalise_term("licenses", "my-own-terms")


def test_vocabulary_lists_report_every_unknown_value_at_once():
    assert loader.normalise_terms("themes", "行財政, SOCI") == ["GOVE", "SOCI"]
    assert loader.normalise_terms("frequencies", ["月次"]) == ["monthly"]
    assert loader.normalise_terms("languages", '["jpn", "en"]') == ["ja", "en"]
    with pytest.raises(SchemaValueError) as e:
        loader.normalise_terms("themes", ["GOVE", "nope", "zilch"])
    assert e.value.params["value"] == "nope, zilch"


def test_encodings_and_standards():
    assert loader.normalise_term("encodings", "sjis") == "Shift_JIS"
    assert loader.normalise_term("encodings", "cp932") == "Windows-31J"
    assert loader.normalise_term("encodings", "utf8") == "UTF-8"
    assert loader.normalise_term("standards", "13") == "13_public_toilet"
    with pytest.raises(SchemaValueError):
        loader.normalise_term("standards", "99_nothing")


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
    assert loader.normalise_term("encodings", spelling) == "UTF-8"


@pytest.mark.parametrize("label, themes", [
    ("子育て・教育", ["SOCI", "EDUC"]), ("防災・安全", ["JUST"]), ("健康・福祉", ["HEAL", "SOCI"]),
    ("司法・安全・環境", ["JUST"]),  # a whole e-Stat label wins over its parts
])
def test_compound_categories_map_part_by_part(label, themes):
    assert loader.normalise_terms("themes", [label]) == themes


def test_a_compound_with_an_unknown_part_is_unknown():
    with pytest.raises(schema.SchemaValueError):
        loader.normalise_terms("themes", ["子育て・宇宙"])


@pytest.mark.parametrize("text, period", [
    ("令和5年度", ("2023-04-01", "2024-03-31")), ("R元年度", ("2019-04-01", "2020-03-31")),
    ("２０２３年度", ("2023-04-01", "2024-03-31")), ("令和5年", None), ("2023", None),
])
def test_fiscal_years(text, period):
    assert dates.fiscal_year(text) == (tuple(map(dt.date.fromisoformat, period)) if period else None)


# --- the readers the schema shares with lib/ and vocab/ (issue 15) -------------------------

def test_presets_reference_resolves_like_scheming_does():
    import os

    import ckanext.wards
    from ckanext.wards.schema import dataset

    module, relative = dataset.presets_reference().split(":", 1)
    assert module == "ckanext.wards"
    resolved = os.path.join(os.path.dirname(ckanext.wards.__file__), relative)
    assert os.path.samefile(resolved, paths.schema_file("wards_presets.yaml"))


def test_our_presets_are_added_to_schemings_and_to_an_operators_list():
    from ckanext.wards.schema import dataset
    ours = dataset.presets_reference()
    assert dataset.presets_option(None).split() == ["ckanext.scheming:presets.json", ours]
    assert dataset.presets_option("").split() == ["ckanext.scheming:presets.json", ours]
    assert dataset.presets_option("ckanext.x:p.json").split() == ["ckanext.x:p.json", ours]
    assert dataset.presets_option(f"{ours} ckanext.x:p.json").split() == [ours, "ckanext.x:p.json"]


def _all_fields(kind):
    for field in schema.iter_fields(kind):
        yield field
        yield from field.get("repeating_subfields") or ()


def test_the_schema_as_data_has_its_presets_expanded():
    """``schema.scheming_schema()`` is the schema scheming serves: the six dates, the URLs
    and the vocabulary selects take their validators and snippets from our presets."""
    dated = [(kind, f["field_name"]) for kind in ("dataset", "resource") for f in _all_fields(kind)
             if f.get("preset") == "wards_date"]
    assert dated == [("dataset", "issued"), ("dataset", "modified"), ("dataset", "start"), ("dataset", "end"),
                     ("resource", "issued"), ("resource", "modified")]
    for kind in ("dataset", "resource"):
        for field in _all_fields(kind):
            if field.get("preset") == "wards_date":
                assert field["validators"] == "wards_ignore_blank unicode_safe wards_date"
            if field.get("preset") == "wards_url":
                assert field["validators"] == "wards_ignore_blank unicode_safe wards_url"
            if field.get("preset") == "wards_select":
                assert (field["form_snippet"], field["display_snippet"], field["choices_helper"]) == (
                    "wards_select.html", "select.html", "wards_choices")
                # access_rights starts on its default (PUBLIC) instead of a blank choice
                blank = field["field_name"] != "access_rights"
                assert field["form_include_blank_choice"] is blank and field["wards_vocabulary"]
                assert field["validators"].endswith("wards_license" if field["wards_vocabulary"] == "licenses"
                                                    else "wards_ignore_blank unicode_safe wards_vocabulary")
    title = next(f for f in schema.iter_fields() if f["field_name"] == "title")
    assert title["form_snippet"] == "large_text.html"  # scheming's own preset, expanded too


def test_a_null_or_empty_item_of_a_list_is_an_unknown_term_as_before():
    """vocab.loader reads lists with lib.lists.as_texts, but a null item is still reported,
    not dropped (the validator's answer is unchanged); blank text items are dropped."""
    with pytest.raises(SchemaValueError) as e:
        loader.normalise_terms("themes", ["GOVE", None, []])
    assert e.value.params["value"] == "None, []"
    assert loader.normalise_terms("themes", ["GOVE", "", "  "]) == ["GOVE"]
    assert loader.normalise_terms("standards", [13]) == ["13_public_toilet"]  # numbers as text
    assert loader.normalise_terms("themes", "GOVE、HEAL") == ["GOVE", "HEAL"]  # split on 、
    assert loader.term_items('["GOVE", " HEAL "]') == ["GOVE", "HEAL"]
    assert loader.term_items("https://example.jp/a,b") == ["https://example.jp/a,b"]  # a URL is one value


def test_yes_no_reads_the_metadata_words_of_lib_flags():
    from ckanext.wards.lib import flags
    for word in flags.METADATA_TRUE:
        assert schema.normalise_bool(word) is True and schema.normalise_bool(word.upper()) is True
    for word in flags.METADATA_FALSE:
        assert schema.normalise_bool(word) is False
    assert schema.normalise_bool("ＹＥＳ") is True and schema.normalise_bool(1) is True
    assert schema.normalise_bool(True) is True and schema.normalise_bool(0) is False
    for bad in ("maybe", 2, 1.0, ["yes"]):
        with pytest.raises(SchemaValueError):
            schema.normalise_bool(bad)


def test_is_empty_is_lib_blank_or_an_empty_json_list():
    for empty in (None, "", "  ", "\u3000", [], {}, {"name": ""}, "[]"):
        assert schema.is_empty(empty), empty
    for value in ("x", [""], [{}], 0, False, '["a"]'):
        assert not schema.is_empty(value), value


def test_migrate_keeps_a_blank_extra_as_an_extra():
    """A whitespace-only 更新頻度 extra is no value to map (lib.lists.is_blank): it stays an
    extra instead of being mapped to frequency and then dropped by the validators."""
    from ckanext.wards.schema import migrate
    new = {"extras": [{"key": "更新頻度", "value": "  "}, {"key": "言語", "value": "日本語"}]}
    mapped: list = []
    migrate._extras_to_fields(new, mapped)
    assert new["extras"] == [{"key": "更新頻度", "value": "  "}]
    assert mapped == [{"field": "language", "source": "extras.言語", "value": "日本語"}]
    assert "frequency" not in new


def test_a_fiscal_year_period_reads_through_lib_dates():
    from ckanext.wards.schema import migrate
    assert migrate._period("令和5年度") == {"start": "2023-04-01", "end": "2024-03-31"}
    assert migrate._period("令和5年度～令和6年度") == {"start": "2023-04-01", "end": "2025-03-31"}
    assert migrate._period("2024-04-01〜R7.3.31") == {"start": "2024-04-01", "end": "2025-03-31"}
    assert migrate._period("いつか") is None


def test_one_wards_table():
    from ckanext.wards.vocab import organizations
    assert organizations.wards is wards.wards and len(wards.wards()) == 23
    assert wards.ward_for("千代田区")["lg_code"] == "131016" and wards.ward_for(None) is None


def test_every_wards_validator_the_schema_names_is_registered():
    from ckanext.wards.logic import validators
    registered = validators.validators()
    assert set(schema.validators()) == set(registered)
    named = {name for kind in ("dataset", "resource") for field in _all_fields(kind)
             for name in (field.get("validators") or "").split() if name.startswith("wards_")}
    named |= set(schema.scheming_schema()["after_validators"].split())
    assert named and named <= set(registered), named - set(registered)
