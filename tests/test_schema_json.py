"""schemas/dataset.schema.json and schemas/wards_dataset.yaml describe the same dataset,
and bulk imports are validated against the JSON Schema before anything is written."""
from __future__ import annotations

import json

import jsonschema
import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from tests.lazy import factories

from ckanext.wards import schema
from ckanext.wards.schema import importer
from ckanext.wards.vocab import loader
from tests.conftest import WARDS_PLUGINS


def _walk(fields, properties, required, where):
    """Field by field: same names, required flags, choices, list-ness, recommended flags."""
    assert {f["field_name"] for f in fields} == {
        name for name, p in properties.items() if not p.get("x-wards-core")}, where
    assert {f["field_name"] for f in fields if f.get("required")} == set(required), where
    for field in fields:
        prop = properties[field["field_name"]]
        here = f"{where}.{field['field_name']}"
        assert bool(field.get("wards_recommended")) == bool(prop.get("x-wards-recommended")), here
        if "repeating_subfields" in field:
            assert prop["type"] == "array", here
            _walk(field["repeating_subfields"], prop["items"]["properties"],
                  prop["items"].get("required", []), here)
            continue
        vocab = field.get("wards_vocabulary")
        assert prop.get("x-wards-vocabulary") == vocab, here
        if vocab:
            enum = prop["items"]["enum"] if field.get("wards_multiple") else prop["enum"]
            assert prop["type"] == ("array" if field.get("wards_multiple") else "string"), here
            assert enum == loader.vocabulary_ids(vocab), here
        elif "choices" in field:
            assert prop["type"] == "boolean" and {c["value"] for c in field["choices"]} == {"true", "false"}, here
        validators = field.get("validators", "")
        if "wards_date" in validators:
            assert "pattern" in prop, here
        if "wards_url" in validators:
            assert prop.get("format") == "uri", here
        if "wards_byte_size" in validators:
            assert prop["type"] == "integer", here


def test_json_schema_is_valid_2020_12():
    jsonschema.Draft202012Validator.check_schema(schema.json_schema())


def test_json_schema_and_scheming_schema_agree():
    js = schema.json_schema()
    sch = schema.scheming_schema()
    _walk(sch["dataset_fields"], js["properties"], js["required"], "dataset")
    res = js["$defs"]["resource"]
    resource_fields = sch["resource_fields"]
    _walk(resource_fields, res["properties"], [], "resource")  # url is required by the import only
    assert res["required"] == ["url"]


def test_json_schema_lists_the_current_standard_datasets():
    from ckanext.wards.conformance import standards
    assert schema.json_schema()["properties"]["conforms_to"]["items"]["enum"] == standards.standard_ids()


def test_normalisation_then_json_schema_accepts_form_inputs_and_lists_every_problem():
    record = importer.normalise_record({
        "name": "aed", "license_id": "PDL1.0", "issued": "令和6年4月1日", "theme": "行財政",
        "publisher_code": "１３１０１６", "resources": [{"url": "https://x.lg.jp/a.csv", "character_encoding": "cp932"}]})
    assert record["license_id"] == "PDL-1.0" and record["issued"] == "2024-04-01"
    assert record["theme"] == ["GOVE"] and record["resources"][0]["character_encoding"] == "Windows-31J"
    assert importer.json_schema_errors(record) == []

    bad = importer.normalise_record({"name": "AED!", "license_id": "mine", "issued": "someday",
                                          "colour": "red", "resources": [{"size": -1}]})
    paths = [e["path"] for e in importer.json_schema_errors(bad)]
    assert paths == ["(record)", "issued", "license_id", "name", "resources/0/url", "resources/0/size"]


def test_the_import_reads_access_rights_and_rights_as_the_form_does():
    record = importer.normalise_record({
        "name": "shelters", "access_rights": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        "resources": [{"url": "https://x.lg.jp/a.csv", "rights": "出典：千代田区", "rights_en": "Source: Chiyoda City"}]})
    assert record["access_rights"] == "PUBLIC"
    assert importer.json_schema_errors(record) == []
    assert importer.normalise_record({"name": "a", "access_rights": "非公開"})["access_rights"] == "NON_PUBLIC"
    bad = importer.normalise_record({"name": "shelters", "access_rights": "nonsense",
                                     "resources": [{"url": "https://x.lg.jp/a.csv", "rights": 5}]})
    assert [e["path"] for e in importer.json_schema_errors(bad)] == ["access_rights", "resources/0/rights"]


def _records(org):
    return [
        {"name": "aed", "title": "AED設置箇所一覧", "owner_org": org["name"], "license_id": "CC BY 4.0",
         "publisher_code": "131016", "conforms_to": ["08_aed"], "issued": "R6.4.1",
         "resources": [{"url": "https://x.lg.jp/aed.csv", "format": "CSV", "character_encoding": "UTF-8"}]},
        {"name": "toilets", "title": "公衆トイレ一覧", "owner_org": org["name"], "frequency": "月次",
         "resources": [{"url": "https://x.lg.jp/t.csv", "format": "CSV"}]},
    ]


@pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS)
@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_import_writes_a_valid_batch(tmp_path):
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="chiyoda")
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in _records(org)), encoding="utf-8")
    records = importer.read_records(str(path))

    dry = helpers.call_action("wards_import", context={"user": sysadmin["name"]}, datasets=records, dry_run=True)
    assert dry["valid"] and dry["written"] == [] and model.Package.get("aed") is None

    report = helpers.call_action("wards_import", context={"user": sysadmin["name"]}, datasets=records)
    assert [w["name"] for w in report["written"]] == ["aed", "toilets"]
    aed = helpers.call_action("package_show", id="aed")
    assert aed["license_id"] == "CC-BY-4.0" and aed["issued"] == "2024-04-01"
    assert helpers.call_action("package_show", id="toilets")["frequency"] == "monthly"
    assert helpers.call_action("package_search", q="*:*")["count"] == 2


@pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS)
@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_import_with_one_bad_record_writes_nothing_and_reports_every_problem():
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="chiyoda")
    records = _records(org)
    records[1]["publisher_code"] = "131017"        # passes the JSON Schema, fails the check digit
    records.append({"name": "aed", "title": "dup", "license_id": "mine", "issued": "someday"})

    report = helpers.call_action("wards_validate_import", context={"user": sysadmin["name"]}, datasets=records)
    assert not report["valid"] and report["invalid"] == 2
    first, second, third = report["records"]
    assert first["errors"] == []
    assert second["errors"] == [{"path": "publisher_code", "message":
                                 "131017 is not a valid local government code: the check digit should be 6"}]
    assert {e["path"] for e in third["errors"]} == {"issued", "license_id", "name"}

    with pytest.raises(tk.ValidationError):
        helpers.call_action("wards_import", context={"user": sysadmin["name"]}, datasets=records)
    assert model.Session.query(model.Package).count() == 0
    assert helpers.call_action("package_search", q="*:*")["count"] == 0


@pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS)
@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_import_report_in_japanese_over_the_api(app):
    sysadmin = factories.SysadminWithToken()
    response = app.post("/ja/api/3/action/wards_validate_import", headers={"Authorization": sysadmin["token"]},
                        json={"datasets": [{"name": "x1", "license_id": "mine"}]})
    errors = response.json["result"]["records"][0]["errors"]
    # the validators' message (package_create's own) where both passes speak of one field
    assert errors == [{"path": "license_id", "message":
                       "ライセンスが不明です：mine。一覧にあるライセンス（例：CC-BY-4.0、PDL-1.0）を指定してください"}]


@pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS)
@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_cli_import_validates_first_then_writes(tmp_path):
    from click.testing import CliRunner
    from ckanext.wards import cli

    org = factories.Organization(name="chiyoda")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"datasets": _records(org)}, ensure_ascii=False), encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(r, ensure_ascii=False)
                             for r in _records(org) + [{"name": "x", "issued": "someday"}]), encoding="utf-8")

    result = CliRunner().invoke(cli.wards, ["import", str(bad)])
    assert result.exit_code != 0
    # the validators' message where both passes speak of one field
    assert ("record 3 (x): issued: someday is not a date: use YYYY-MM-DD (e.g. 2024-04-01) or a "
            "Japanese era date (e.g. 令和6年4月1日)") in result.output
    assert "Nothing was imported: 1 of 3 records are invalid" in result.output
    assert model.Session.query(model.Package).count() == 0

    result = CliRunner().invoke(cli.wards, ["import", "--dry-run", str(good)])
    assert result.exit_code == 0 and "2 records valid, nothing written (dry run)" in result.output
    assert model.Session.query(model.Package).count() == 0

    result = CliRunner().invoke(cli.wards, ["import", str(good)])
    assert result.exit_code == 0 and "imported 2 datasets" in result.output
    assert helpers.call_action("package_show", id="aed")["conforms_to"] == ["08_aed"]
