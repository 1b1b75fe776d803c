"""Bad input to our pages and actions is a 400/404/409 with a ja/en message, never a 500.

Issue 11 (Low): ``?desc=maybe``, ``include_private=maybe``, ``q=5``, ``max_examples:
Infinity``, ids given as int/list/dict/NUL/lone surrogate. Action parameters go through
navl schemas (``ckanext/wards/logic/schema.py``); pages answer 400. Real stack.
"""
from __future__ import annotations

import json

import pytest

from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

BAD_FLAGS = ["maybe", "2", "truee"]
PAGES = ["/wards/compare", "/wards/compare?format=csv", "/wards/compare?format=json",
         "/organization/chiyoda/scorecard", "/organization/chiyoda/scorecard.csv",
         "/organization/chiyoda/scorecard.json"]


def _join(url, query):
    return url + ("&" if "?" in url else "?") + query


@pytest.mark.parametrize("url", PAGES)
def test_desc_on_pages(app, org, url):
    for flag in BAD_FLAGS:
        resp = app.get(_join(url, f"desc={flag}"), status=400)
        assert "desc" in resp.get_data(as_text=True)
    for flag in ("", "true", "false", "1", "0"):  # empty = not given
        assert app.get(_join(url, f"desc={flag}")).status_code == 200, flag


def test_desc_message_in_japanese(app, org):
    body = app.get("/ja/organization/chiyoda/scorecard?desc=maybe", status=400).get_data(as_text=True)
    assert "true か false" in body


def _post(app, action, payload, lang=""):
    resp = app.post(f"{lang}/api/3/action/{action}", data=payload if isinstance(payload, str) else json.dumps(payload),
                    headers={"Content-Type": "application/json"})
    return resp.status_code, resp.json


@pytest.mark.parametrize("payload", [
    {"organization": "chiyoda", "include_private": "maybe"}, {"organization": "chiyoda", "q": 5},
    {"organization": "chiyoda", "desc": "sometimes"}, {"organization": "chiyoda", "q": ["a"]},
    {"organization": 5}, {"organization": ["chiyoda"]}, {"organization": {"a": 1}},
    {"organization": "chi\u0000yoda"},
])
def test_scorecard_parameters(app, org, payload):
    status, body = _post(app, "wards_scorecard", payload)
    assert status == 409, body
    assert body["error"]["__type"] == "Validation Error" and len(body["error"]) > 1


def test_lone_surrogate_and_infinity_in_raw_json(app, org):
    """JSON that Python's json module accepts: a lone surrogate escape, Infinity."""
    for action, raw in (("wards_report", '{"organization": "\\ud800"}'),
                        ("wards_scorecard", '{"organization": "\\udfff"}'),
                        ("wards_dataset_score", '{"id": "\\ud800x"}'),
                        ("wards_resource_score", '{"id": "\\ud800"}'),
                        ("wards_standard_check", '{"id": "x", "max_examples": Infinity}'),
                        ("wards_standard_check", '{"id": "x", "max_examples": NaN}'),
                        ("wards_standard_check", '{"id": "x", "max_examples": 1e400}'),
                        ("wards_standard_check", '{"id": "x", "max_examples": "many"}')):
        status, body = _post(app, action, raw)
        assert status == 409, (action, raw, body)


@pytest.mark.parametrize("action, key", [("wards_report", "organization"), ("wards_dataset_score", "id"),
                                         ("wards_resource_score", "id"), ("wards_standard_check", "id"),
                                         ("wards_scorecard", "organization"), ("dcat_dataset_show", "id")])
@pytest.mark.parametrize("value", [5, ["x"], {"a": 1}, "a\u0000b", True])
def test_ids_of_the_wrong_type(app, org, action, key, value):
    status, body = _post(app, action, {key: value, "format": "ttl"} if action.startswith("dcat") else {key: value})
    assert status == 409, (action, value, body)
    assert key in body["error"], body


def test_ids_with_nul_in_the_query_string(app, org):
    for url in ("/api/3/action/wards_dataset_score?id=%00", "/api/3/action/wards_report?organization=a%00b",
                "/api/3/action/wards_resource_score?id=x%00"):
        assert app.get(url).status_code == 409, url


def test_parameter_messages_in_japanese(app, org):
    status, body = _post(app, "wards_scorecard", {"organization": "chiyoda", "include_private": "maybe"}, "/ja")
    assert status == 409 and body["error"]["include_private"] == ["true か false で指定してください"]
    status, body = _post(app, "wards_standard_check", '{"id": "x", "max_examples": Infinity}', "/ja")
    assert status == 409 and "整数" in body["error"]["max_examples"][0]


def test_good_parameters_still_work(app, org):
    status, body = _post(app, "wards_scorecard", {"organization": "chiyoda", "include_private": False,
                                                  "desc": "true", "q": "x"})
    assert status == 200 and body["result"]["rows"] == []
    # an unknown resource is still refused as before, once the parameters passed
    status, body = _post(app, "wards_resource_score", {"id": "no-such-resource"})
    assert status in (403, 404)
