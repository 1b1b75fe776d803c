"""``wards_standard_check`` and ``ckan wards check-standard`` on the real stack.

Files come from CKAN's upload storage (``ckan.storage_path`` in test.ini) or from a
loopback HTTP server the test starts; the action is called through the action API.
"""
from __future__ import annotations

import csv
import hashlib
import http.server
import io
import json
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.wards.lib import fetch
from tests.conftest import WARDS_PLUGINS
from tests import loopback
from tests.loopback import reply

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "clean_standard_checks"),
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
def file_server(allow_fetch):
    """A loopback HTTP server serving ``files[path] = bytes``, which the safe fetcher may
    reach; yields (base URL, files)."""
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

    server = loopback.start(Handler)
    allow_fetch(loopback.url(server))
    try:
        yield loopback.url(server), files
    finally:
        loopback.stop(server)


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
    # one neutral message, whatever failed: no exception names, no status (not a port scanner)
    assert error.value.error_dict == {"url": [fetch.NEUTRAL_MESSAGE]}


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
    assert status == 200 and body["result"]["state"] == "not_checked"  # a member reads, never runs
    api_check(app, resource["id"], sysadmin["token"])
    status, body = api_check(app, resource["id"], member["token"])
    assert status == 200 and body["result"]["conforms"] is True and body["result"]["check"]["reused"] is True


def test_public_dataset_open_to_anonymous(app, sysadmin, org, create_with_upload):
    dataset = make_dataset(sysadmin, org)
    resource = create_with_upload(TOILET_CSV, "t.csv", package_id=dataset["id"],
                                  context={"user": sysadmin["name"]})
    status, body = api_check(app, resource["id"])
    assert status == 200 and body["result"]["state"] == "not_checked"
    api_check(app, resource["id"], sysadmin["token"])
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


# --- who runs checks, stored results, bounds (issue 11: H2, M6) ---------------------------

def org_user(sysadmin, org, role):
    user = factories.UserWithToken()
    helpers.call_action("organization_member_create", context={"user": sysadmin["name"]},
                        id=org["id"], username=user["name"], role=role)
    return user


@pytest.fixture
def validating_server(allow_fetch):
    """A loopback file server with ETags that answers a matching If-None-Match with 304;
    records (method, path, status) of every request. Yields (base URL, files, hits)."""
    files: dict[str, bytes] = {}
    hits: list[tuple[str, str, int]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path)
            if body is None:
                hits.append(("GET", self.path, 404))
                self.send_error(404)
                return
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                hits.append(("GET", self.path, 304))
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            hits.append(("GET", self.path, 200))
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = loopback.start(Handler)
    base = loopback.url(server)
    allow_fetch(base)
    try:
        yield base, files, hits
    finally:
        loopback.stop(server)


def test_an_uploaded_xlsx_without_suffix_is_checked_from_its_content(app, sysadmin, org, create_with_upload):
    from tests.workbooks import toilet_rows, workbook_bytes

    dataset = make_dataset(sysadmin, org)
    resource = create_with_upload(workbook_bytes(toilet_rows()), "toilets", package_id=dataset["id"],
                                  context={"user": sysadmin["name"]})
    status, body = api_check(app, resource["id"], sysadmin["token"])
    assert status == 200, body
    result = body["result"]
    assert result["file"]["format"] == "xlsx" and result["file"]["rows"] == 5
    assert result["conforms"] is True, result["issues"]
    assert [lv["score"] for lv in result["levels"]] == [100, 100, 100]


def test_a_remote_file_is_fetched_once_and_readers_never_fetch(app, sysadmin, org, validating_server):
    base, files, hits = validating_server
    files["/toilets.csv"] = TOILET_CSV
    dataset = make_dataset(sysadmin, org)
    resource = helpers.call_action("resource_create", context={"user": sysadmin["name"]},
                                   package_id=dataset["id"], url=base + "/toilets.csv", format="CSV")
    editor, member = org_user(sysadmin, org, "editor"), org_user(sysadmin, org, "member")

    status, first = api_check(app, resource["id"], editor["token"])
    assert status == 200 and first["result"]["conforms"] is True and first["result"]["check"]["reused"] is False
    status, second = api_check(app, resource["id"], editor["token"])
    assert status == 200 and second["result"]["check"]["reused"] is True
    assert hits == [("GET", "/toilets.csv", 200), ("GET", "/toilets.csv", 304)]  # the body came once
    assert second["result"]["check"]["sha256"] == hashlib.sha256(TOILET_CSV).hexdigest()

    for token in (member["token"], None):  # a member and an anonymous user read the stored result
        status, read = api_check(app, resource["id"], token)
        assert status == 200 and read["result"]["conforms"] is True
        assert read["result"]["issues"] == first["result"]["issues"]
    assert len(hits) == 2


def test_the_same_bytes_are_parsed_once(app, sysadmin, org, create_with_upload):
    dataset = make_dataset(sysadmin, org)
    first, second = (create_with_upload(TOILET_CSV, name, package_id=dataset["id"],
                                        context={"user": sysadmin["name"]}) for name in ("a.csv", "b.csv"))
    _, one = api_check(app, first["id"], sysadmin["token"])
    _, two = api_check(app, second["id"], sysadmin["token"])
    assert one["result"]["check"]["reused"] is False and two["result"]["check"]["reused"] is True
    assert one["result"]["check"]["sha256"] == two["result"]["check"]["sha256"]
    assert one["result"]["levels"] == two["result"]["levels"]


@pytest.mark.ckan_config("ckanext.wards.standard_check.rate_limit", "2")
def test_on_demand_checks_are_rate_limited_per_user(app, sysadmin, org, create_with_upload):
    dataset = make_dataset(sysadmin, org)
    resource = create_with_upload(TOILET_CSV, "t.csv", package_id=dataset["id"], context={"user": sysadmin["name"]})
    editor, other_editor = org_user(sysadmin, org, "editor"), org_user(sysadmin, org, "editor")
    assert [api_check(app, resource["id"], editor["token"])[0] for _ in range(2)] == [200, 200]
    status, body = api_check(app, resource["id"], editor["token"])
    assert status == 409
    assert body["error"]["rate_limit"][0].startswith("Too many file checks: at most 2 per hour.")
    response = app.get("/ja/api/3/action/wards_standard_check", query_string={"id": resource["id"]},
                       headers={"Authorization": editor["token"]}, status=409)
    assert response.json["error"]["rate_limit"][0].startswith("ファイルの確認が多すぎます（1時間に 2 回まで）")
    assert api_check(app, resource["id"], other_editor["token"])[0] == 200  # per user
    assert [api_check(app, resource["id"], sysadmin["token"])[0] for _ in range(3)] == [200] * 3


def test_readers_get_no_result_of_another_file(app, sysadmin, org, validating_server):
    base, files, hits = validating_server
    files["/a.csv"] = files["/b.csv"] = TOILET_CSV
    dataset = make_dataset(sysadmin, org)
    resource = helpers.call_action("resource_create", context={"user": sysadmin["name"]},
                                   package_id=dataset["id"], url=base + "/a.csv", format="CSV")
    api_check(app, resource["id"], sysadmin["token"])
    assert api_check(app, resource["id"])[1]["result"]["state"] == "checked"
    helpers.call_action("resource_patch", context={"user": sysadmin["name"]}, id=resource["id"], url=base + "/b.csv")
    assert api_check(app, resource["id"])[1]["result"]["state"] == "not_checked"
    assert [h[1] for h in hits] == ["/a.csv"]


def test_an_uploaded_zip_bomb_is_reported_as_not_checked(app, sysadmin, org, create_with_upload, tmp_path):
    from tests.workbooks import zip_bomb

    dataset = make_dataset(sysadmin, org)
    bomb = zip_bomb(tmp_path / "bomb", 300 * 1024 * 1024).read_bytes()
    resource = create_with_upload(bomb, "toilets", package_id=dataset["id"], context={"user": sysadmin["name"]})
    status, body = api_check(app, resource["id"], sysadmin["token"])
    assert status == 200, body
    result = body["result"]
    assert result["not_assessed"]["code"] == "xlsx_too_large"
    assert "ブックの展開後のサイズ" in result["not_assessed"]["message_ja"]
    assert result["conforms"] is None and all(lv["score"] is None for lv in result["levels"])


def test_an_uploaded_one_line_csv_is_reported_as_not_checked(app, sysadmin, org, create_with_upload):
    dataset = make_dataset(sysadmin, org)
    resource = create_with_upload(b"x," * (5 * 1024 * 1024), "one-line.csv", package_id=dataset["id"],
                                  context={"user": sysadmin["name"]})
    status, body = api_check(app, resource["id"], sysadmin["token"])
    assert status == 200 and body["result"]["not_assessed"]["code"] == "record_too_long"
