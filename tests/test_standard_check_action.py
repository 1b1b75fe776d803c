"""``wards_standard_check`` and ``ckan wards check-standard`` on the real stack.

Files come from CKAN's upload storage (``ckan.storage_path`` in test.ini) or from a
loopback HTTP server the test starts; the action is called through the action API.
"""
from __future__ import annotations

import csv
import http.server
import io
import json
import threading
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import WARDS_PLUGINS
from tests.loopback import reply

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

FIXTURES = Path(__file__).parent / "fixtures" / "standard"
TOILET_CSV = (FIXTURES / "131016_public_toilet.csv").read_bytes()


def toilet_csv(encoding="utf-8", overrides=None) -> bytes:
    """The conforming fixture, re-encoded, with {data row: {column: value}} changes."""
    rows = list(csv.reader(io.StringIO(TOILET_CSV.decode("utf-8-sig"))))
    header = rows[0]
    for index, changes in (overrides or {}).items():
        for column, value in changes.items():
            rows[index][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def make_dataset(sysadmin, org, *, private=False, conforms_to=("13_public_toilet",), name="toilets"):
    return helpers.call_action(
        "package_create", context={"user": sysadmin["name"]},
        name=name, title="公衆トイレ一覧", owner_org=org["id"], private=private,
        conforms_to=list(conforms_to))


@pytest.fixture
def file_server():
    """A loopback HTTP server serving ``files[path] = bytes``; yields (base URL, files)."""
    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            reply(self, body, "text/csv")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", files
    finally:
        server.shutdown()
        server.server_close()


def api_check(app, resource_id, token=None, **params):
    headers = {"Authorization": token} if token else {}
    response = app.get("/api/3/action/wards_standard_check", query_string={"id": resource_id, **params},
                       headers=headers, status=None)
    return response.status_code, response.json


def test_uploaded_shift_jis_file_checked_through_the_api(app, sysadmin, org, create_with_upload):
    dataset = make_dataset(sysadmin, org)
    data = toilet_csv("cp932", {2: {"緯度": "139.75"}, 3: {"オストメイト設置トイレ有無": "あり"}, 4: {"名称": "①号トイレ"}})
    resource = create_with_upload(data, "131016_public_toilet.csv", package_id=dataset["id"],
                                  context={"user": sysadmin["name"]}, format="CSV")
    assert resource["url_type"] == "upload"

    status, body = api_check(app, resource["id"], sysadmin["token"])
    assert status == 200, body
    result = body["result"]
    assert result["declared_standard"] == "13_public_toilet"  # from the dataset's conforms_to
    assert result["file"]["encoding"] == "Shift_JIS" and result["file"]["rows"] == 5
    assert result["conforms"] is False
    by_code = {issue["code"]: issue for issue in result["issues"]}
    assert by_code["lat_lon_swapped"]["row"] == 3
    assert by_code["flag"]["row"] == 4 and "有" in by_code["flag"]["message_ja"]
    l108 = next(r for r in result["rules"] if r["id"] == "L1-08")
    assert l108["passed"] is False and l108["examples"][0]["row"] == 5
    assert next(lv for lv in result["levels"] if lv["level"] == 1)["score"] == 90


def test_conforming_remote_file_over_http(app, sysadmin, org, file_server):
    base, files = file_server
    files["/131016_public_toilet.csv"] = TOILET_CSV
    dataset = make_dataset(sysadmin, org, conforms_to=())
    resource = helpers.call_action("resource_create", context={"user": sysadmin["name"]},
                                   package_id=dataset["id"], url=base + "/131016_public_toilet.csv",
                                   format="CSV", conforms_to="13_public_toilet")
    result = helpers.call_action("wards_standard_check", context={"user": sysadmin["name"]}, id=resource["id"])
    assert result["declared_standard"] == "13_public_toilet"
    assert result["conforms"] is True
    assert result["file"]["bom"] is True
    assert [lv["score"] for lv in result["levels"]] == [100, 100, 100]
    # another standard given explicitly: the toilet file has none of the AED columns required
    other = helpers.call_action("wards_standard_check", context={"user": sysadmin["name"]},
                                id=resource["id"], standard="08_aed")
    assert other["standard"]["id"] == "08_aed" and other["conforms"] is False


@pytest.mark.ckan_config("ckanext.wards.standard_check.max_bytes", "1000")
def test_remote_file_over_the_size_limit_is_refused(app, sysadmin, org, file_server):
    base, files = file_server
    files["/big.csv"] = TOILET_CSV * 3
    dataset = make_dataset(sysadmin, org)
    resource = helpers.call_action("resource_create", context={"user": sysadmin["name"]},
                                   package_id=dataset["id"], url=base + "/big.csv", format="CSV")
    status, body = api_check(app, resource["id"], sysadmin["token"])
    assert status == 409
    assert "1000" in json.dumps(body["error"])


def test_unreachable_remote_file_is_a_clear_error(app, sysadmin, org, file_server):
    base, _ = file_server
    dataset = make_dataset(sysadmin, org)
    resource = helpers.call_action("resource_create", context={"user": sysadmin["name"]},
                                   package_id=dataset["id"], url=base + "/missing.csv", format="CSV")
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("wards_standard_check", context={"user": sysadmin["name"]}, id=resource["id"])
    assert "HTTPError" in str(error.value.error_dict)


def test_private_dataset_needs_package_show(app, sysadmin, org, create_with_upload):
    dataset = make_dataset(sysadmin, org, private=True)
    resource = create_with_upload(TOILET_CSV, "t.csv", package_id=dataset["id"],
                                  context={"user": sysadmin["name"]})
    status, _ = api_check(app, resource["id"])  # anonymous
    assert status == 403
    stranger = factories.UserWithToken()
    status, _ = api_check(app, resource["id"], stranger["token"])
    assert status == 403
    member = factories.UserWithToken()
    helpers.call_action("organization_member_create", context={"user": sysadmin["name"]},
                        id=org["id"], username=member["name"], role="member")
    status, body = api_check(app, resource["id"], member["token"])
    assert status == 200 and body["result"]["conforms"] is True


def test_public_dataset_open_to_anonymous(app, sysadmin, org, create_with_upload):
    dataset = make_dataset(sysadmin, org)
    resource = create_with_upload(TOILET_CSV, "t.csv", package_id=dataset["id"],
                                  context={"user": sysadmin["name"]})
    status, body = api_check(app, resource["id"])
    assert status == 200 and body["result"]["conforms"] is True
    status, _ = api_check(app, "no-such-resource")
    assert status in (403, 404)


def test_cli_checks_a_resource_and_a_file(cli, sysadmin, org, create_with_upload, tmp_path):
    from ckanext.wards.cli import wards

    dataset = make_dataset(sysadmin, org)
    resource = create_with_upload(toilet_csv("cp932", {1: {"緯度": "95"}}), "t.csv",
                                  package_id=dataset["id"], context={"user": sysadmin["name"]})
    result = cli.invoke(wards, ["check-standard", "--resource", resource["id"], "--format", "json"])
    assert result.exit_code == 1, result.output  # does not conform
    report = json.loads(result.output)
    assert report["counts"]["latitude_range"] == 1

    path = tmp_path / "ok.csv"
    path.write_bytes(TOILET_CSV)
    result = cli.invoke(wards, ["check-standard", "--file", str(path), "--standard", "13", "--lang", "ja"])
    assert result.exit_code == 0, result.output
    assert "Level 1: 100" in result.output and "conforms: True" in result.output

    result = cli.invoke(wards, ["check-standard", "--list"])
    assert "13_public_toilet" in result.output and "unverified" in result.output
