"""The shared-vocabulary schema on the real stack (PostgreSQL, Solr, the web app)."""
from __future__ import annotations

import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def toilets(org, **overrides):
    """A dataset in the shared schema, written the way a steward types it."""
    data = {
        "name": "public-toilets",
        "title": "公衆トイレ一覧",
        "title_en": "Public toilets",
        "notes": "区内の公衆トイレの所在地とバリアフリー設備。",
        "owner_org": org["id"],
        "tags": [{"name": "トイレ"}, {"name": "バリアフリー"}],
        "theme": ["司法・安全・環境", "HEAL"],          # an e-Stat label and an EU id
        "publisher_code": "１３１０１６",                # full-width digits
        "contact": [{"name": "情報政策課", "email": "opendata@city.chiyoda.lg.jp",
                     "url": "https://www.city.chiyoda.lg.jp/"}],
        "license_id": "CC BY 4.0",
        "issued": "令和6年4月1日",
        "modified": "R7.3.31",
        "frequency": "年1回",
        "spatial_coverage": [{"text": "千代田区", "uri": "https://www.city.chiyoda.lg.jp/"}],
        "temporal_coverage": [{"start": "2024-04-01", "end": "令和7年3月31日"}],
        "language": ["ja", "eng"],
        "conforms_to": ["13"],
        "url": "https://www.city.chiyoda.lg.jp/koho/toilet.html",
        "resources": [{
            "url": "https://www.city.chiyoda.lg.jp/opendata/131016_public_toilet.csv",
            "name": "公衆トイレ一覧（CSV）", "format": "CSV", "mimetype": "text/csv",
            "character_encoding": "sjis", "size": "１２，３４５", "issued": "令和6年4月1日",
            "modified": "2025-03-31", "is_api": "false", "conforms_to": "13_public_toilet",
            "download_url": "https://www.city.chiyoda.lg.jp/opendata/131016_public_toilet.csv",
        }],
    }
    data.update(overrides)
    return data


def test_valid_dataset_is_created_normalised_shown_and_found(app, sysadmin, org):
    created = helpers.call_action("package_create", context={"user": sysadmin["name"]}, **toilets(org))

    shown = helpers.call_action("package_show", id="public-toilets")
    assert shown["id"] == created["id"]
    assert shown["theme"] == ["JUST", "HEAL"]
    assert shown["publisher_code"] == "131016"
    assert shown["license_id"] == "CC-BY-4.0"
    assert (shown["issued"], shown["modified"]) == ("2024-04-01", "2025-03-31")
    assert shown["frequency"] == "annual"
    assert shown["language"] == ["ja", "en"]
    assert shown["conforms_to"] == ["13_public_toilet"]
    assert shown["contact"][0]["email"] == "opendata@city.chiyoda.lg.jp"
    assert shown["temporal_coverage"] == [{"start": "2024-04-01", "end": "2025-03-31"}]
    assert shown["spatial_coverage"][0]["text"] == "千代田区"
    res = shown["resources"][0]
    assert (res["character_encoding"], res["size"], res["issued"]) == ("Shift_JIS", 12345, "2024-04-01")
    assert res["is_api"] is False and res["conforms_to"] == "13_public_toilet"

    found = helpers.call_action("package_search", q="Public toilets")  # title_en, an extra
    assert [d["name"] for d in found["results"]] == ["public-toilets"]
    assert found["results"][0]["publisher_code"] == "131016"
    assert helpers.call_action("package_search", q="tags:トイレ")["count"] == 1
    by_field = helpers.call_action("package_search", fq="publisher_code:131016")
    assert by_field["count"] == 1

    page = app.get("/dataset/public-toilets")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Update frequency" in body and "Annual" in body and "131016" in body
    page_ja = app.get("/ja/dataset/public-toilets")
    body_ja = page_ja.get_data(as_text=True)
    assert "更新頻度" in body_ja and "毎年" in body_ja and "準拠する標準データセット" in body_ja
    assert "131016 (千代田区)" in body_ja and "131016 (Chiyoda City)" in body
    assert "13 公衆トイレ" in body_ja  # the standard's label from the standards loader

    resource_page = app.get(f"/ja/dataset/public-toilets/resource/{res['id']}").get_data(as_text=True)
    assert "<td>Shift_JIS</td>" in resource_page and "いいえ（ファイル）" in resource_page
    assert "<td>13 公衆トイレ一覧</td>" in resource_page


def test_dataset_form_reads_in_japanese(app, sysadmin, org):
    body = app.get("/ja/dataset/new", headers={"Authorization": sysadmin["token"]}).get_data(as_text=True)
    for text in ("公開者（全国地方公共団体コード）", "例：131016", "行財政・公共部門", "更新頻度", "毎月",
                 "公共データ利用規約（第1.0版）", "例：2024-04-01 または 令和6年4月1日", "問い合わせ先"):
        assert text in body, text


def _bad_values(org):
    return toilets(
        org,
        publisher_code="131017",                 # check digit should be 6
        issued="平成31年5月1日",                  # 平成 had ended
        modified="yesterday",
        license_id="my-own-terms",
        theme=["GOVE", "nope"],
        frequency="sometimes",
        language=["klingon"],
        conforms_to=["99_nothing"],
        url="www.city.chiyoda.lg.jp",
        contact=[{"name": "x", "email": "not-an-email", "url": "ftp://x"}],
        temporal_coverage=[{"start": "2025-04-01", "end": "2024-03-31"}],
        resources=[{"url": "https://x.lg.jp/a.csv", "character_encoding": "EBCDIC-9",
                    "size": "big", "mimetype": "csv", "download_url": "nowhere"}],
    )


EXPECTED_ERROR_FIELDS = {"publisher_code", "issued", "modified", "license_id", "theme", "frequency",
                         "language", "conforms_to", "url", "contact", "temporal_coverage", "resources"}


def _assert_nothing_saved():
    assert model.Session.query(model.Package).filter_by(name="public-toilets").first() is None
    assert helpers.call_action("package_search", q="*:*")["count"] == 0


def test_every_bad_value_is_rejected_at_once_in_english_and_nothing_is_saved(sysadmin, org):
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("package_create", context={"user": sysadmin["name"]}, **_bad_values(org))
    errors = e.value.error_dict
    assert EXPECTED_ERROR_FIELDS <= set(errors)
    assert errors["publisher_code"] == [
        "131017 is not a valid local government code: the check digit should be 6"]
    assert errors["issued"] == ["平成31年5月1日 is outside the 平成 era"]
    assert errors["theme"] == ["Unknown theme: nope"]
    assert "Unknown licence: my-own-terms" in errors["license_id"][0]
    assert errors["temporal_coverage"] == [{"end": ["The end date 2024-03-31 is before the start date 2025-04-01"]}]
    res_errors = errors["resources"][0]
    assert {"character_encoding", "size", "mimetype", "download_url"} <= set(res_errors)
    _assert_nothing_saved()


def _post_json(app, url, sysadmin, data):
    return app.post(url, json=data, headers={"Authorization": sysadmin["token"]}, status=409)


def test_api_answers_in_japanese_under_the_ja_prefix(app, sysadmin, org):
    response = _post_json(app, "/ja/api/3/action/package_create", sysadmin, _bad_values(org))
    errors = response.json["error"]
    assert errors["publisher_code"] == [
        "131017 は正しい全国地方公共団体コードではありません。検査数字（6桁目）は 6 になるはずです"]
    assert errors["issued"] == ["平成31年5月1日 は平成の期間にない日付です"]
    assert errors["theme"] == ["分類が不明です：nope"]
    assert errors["temporal_coverage"] == [{"end": ["終了日 2024-03-31 が開始日 2025-04-01 より前です"]}]
    assert errors["license_id"][0].startswith("ライセンスが不明です：my-own-terms")
    assert errors["resources"][0]["character_encoding"][0].startswith("文字コードが不明です：EBCDIC-9")
    assert EXPECTED_ERROR_FIELDS <= set(errors)

    english = _post_json(app, "/api/3/action/package_create", sysadmin, _bad_values(org))
    assert english.json["error"]["theme"] == ["Unknown theme: nope"]
    _assert_nothing_saved()


def test_a_size_beyond_postgresqls_bigint_is_refused_and_the_next_request_works(app, sysadmin, org):
    """S4: 10**20 passed the validator and PostgreSQL answered "bigint out of range": a 500
    and a broken session for the worker's next requests."""
    dataset = helpers.call_action("package_create", context={"user": sysadmin["name"]}, **toilets(org))
    resource = {"package_id": dataset["id"], "url": "https://x.lg.jp/big.csv", "size": "99999999999999999999"}
    with pytest.raises(tk.ValidationError) as e:  # English: the same call without a request
        helpers.call_action("resource_create", context={"user": sysadmin["name"]}, **resource)
    assert e.value.error_dict["size"] == [
        "99999999999999999999 is too large for a size in bytes (at most 9223372036854775807)"]
    japanese = _post_json(app, "/ja/api/3/action/resource_create", sysadmin, resource).json["error"]
    assert japanese["size"] == ["99999999999999999999 はバイト数として大きすぎます（最大 9223372036854775807）"]
    assert "size" in _post_json(app, "/api/3/action/resource_create", sysadmin, dict(resource, size="-1")).json["error"]
    largest = app.post("/api/3/action/resource_create", json=dict(resource, size=str(2**63 - 1)),
                       headers={"Authorization": sysadmin["token"]}, status=200).json["result"]
    assert largest["size"] == 2**63 - 1
    shown = app.get("/api/3/action/package_show", params={"id": dataset["id"]}, status=200).json["result"]
    assert len(shown["resources"]) == len(dataset["resources"]) + 1


@pytest.mark.ckan_config("ckan.locale_default", "ja")
def test_api_answers_in_the_portals_default_locale(app, sysadmin, org):
    response = _post_json(app, "/api/3/action/package_create", sysadmin, _bad_values(org))
    assert response.json["error"]["frequency"] == ["更新頻度が不明です：sometimes"]
    _assert_nothing_saved()


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", False)
def test_form_lists_every_problem_in_japanese_and_saves_nothing(app, sysadmin, org):
    form = {
        "name": "public-toilets", "title": "公衆トイレ一覧", "owner_org": org["id"],
        "publisher_code": "131017", "issued": "令和元年4月30日", "license_id": "my-own-terms",
        "frequency": "sometimes", "url": "www.example", "theme": ["GOVE", "nope"],
        "save": "continue",
    }
    response = app.post("/ja/dataset/new", data=form, headers={"Authorization": sysadmin["token"]})
    body = response.get_data(as_text=True)
    for text in ("検査数字（6桁目）は 6 になるはずです", "令和元年4月30日 は令和の期間にない日付です",
                 "ライセンスが不明です：my-own-terms", "更新頻度が不明です：sometimes",
                 "www.example はウェブアドレスではありません", "分類が不明です：nope"):
        assert text in body, text
    _assert_nothing_saved()


def test_update_with_a_bad_value_keeps_the_stored_dataset(sysadmin, org):
    helpers.call_action("package_create", context={"user": sysadmin["name"]}, **toilets(org))
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                            id="public-toilets", modified="R7.2.30", frequency="毎月")
    assert set(e.value.error_dict) == {"modified"}
    shown = helpers.call_action("package_show", id="public-toilets")
    assert shown["modified"] == "2025-03-31" and shown["frequency"] == "annual"


def test_default_schema_datasets_still_validate(sysadmin, org):
    """Callers that only know CKAN's default fields (other plugins, harvesters) keep working."""
    pkg = helpers.call_action("package_create", context={"user": sysadmin["name"]},
                              name="budget", owner_org=org["id"], license_id="cc-by",
                              maintainer_email="steward@example.lg.jp")
    assert pkg["license_id"] == "CC-BY-4.0" and pkg["title"] == "budget"


@pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.scheming:ckan_dataset.yaml")
def test_an_operators_own_scheming_schema_wins():
    schema_ = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    assert "publisher_code" not in {f["field_name"] for f in schema_["dataset_fields"]}


def test_our_schema_is_served_by_default():
    schema_ = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    assert schema_["about"].startswith("ckanext-wards")


def test_the_served_schema_is_our_schema_with_its_presets_expanded():
    """scheming expands our presets (schemas/wards_presets.yaml) and its own the way
    ``schema.dataset.scheming_schema()`` does, so the form, the validators and every reader
    of the schema as data see the same fields."""
    from ckanext.wards.schema import dataset
    served = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    ours = dataset.scheming_schema()
    for kind in ("dataset_fields", "resource_fields"):
        assert json.loads(json.dumps(served[kind])) == json.loads(json.dumps(ours[kind])), kind
    issued = next(f for f in served["dataset_fields"] if f["field_name"] == "issued")
    assert issued["validators"] == "wards_ignore_blank unicode_safe wards_date"


def test_scheming_presets_stay_available_beside_ours():
    from ckanext.scheming.helpers import scheming_get_preset
    assert scheming_get_preset("wards_date")["validators"] == "wards_ignore_blank unicode_safe wards_date"
    assert scheming_get_preset("date")["form_snippet"] == "date.html"  # scheming's own


@pytest.mark.ckan_config("scheming.presets", "ckanext.scheming:presets.json")
def test_an_operators_presets_option_keeps_ours():
    from ckanext.scheming.helpers import scheming_get_preset
    assert tk.config["scheming.presets"].split()[0] == "ckanext.scheming:presets.json"
    assert scheming_get_preset("wards_select")["form_snippet"] == "wards_select.html"
    assert scheming_get_preset("select")["form_snippet"] == "select.html"
