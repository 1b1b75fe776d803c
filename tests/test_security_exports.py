"""Exports neutralise formula injection, and the peer collector fetches only configured URLs.

CSV: every cell a spreadsheet would evaluate (text starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return; OWASP "CSV injection") is written with a leading
apostrophe, so Excel and LibreOffice show it as text. Checked on the parsed cells of the
scorecard CSV, the comparison CSV, the report CSV and the オープンデータ一覧 CSV, served
by the app, with the hostile text in dataset titles, descriptions and resource names, the
organisation title (the ward's name) and a collected peer report's names.

Collector (SSRF): no action, page or URL parameter makes the server fetch a URL a user
gives; ``collect`` reads only ``ckanext.wards.peers``; a redirect to another host (another
port, or 127.0.0.2 instead of 127.0.0.1) is refused. Real loopback HTTP servers.
"""
from __future__ import annotations

import csv
import http.server
import io
import json

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from tests.conftest import WARDS_PLUGINS
from tests import loopback as loopback_server
from tests.loopback import reply

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

FORMULAS = ['=HYPERLINK("http://evil.example/","click")', "+81-3-1234", "-2+3", "@SUM(1+1)",
            "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0", "＝1+1", "＋81", "－2+3", "＠SUM(1+1)"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
WARD_CODE = "011002"  # Sapporo: not one of the 23 wards, so the org title is the ward name
PEER_CODE = "012025"


def _cells(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"), newline="")))


def _assert_neutral(body: str, expect_texts: list[str]) -> None:
    rows = _cells(body)
    assert len(rows) > 1
    bad = [c for row in rows for c in row if c.startswith(DANGEROUS)]
    assert bad == [], bad
    flat = [c for row in rows for c in row]
    for text in expect_texts:  # the text is kept, only made inert
        assert any(("'" + text) in c for c in flat), text


@pytest.fixture
def hostile():
    from ckanext.wards.compare import snapshots
    from ckanext.wards.report import document
    from ckanext.wards.report import figures as report_figures
    from ckanext.wards.scoring import bulk
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="formula-ward", title=FORMULAS[0],
                                 extras=[{"key": "ward_code", "value": WARD_CODE}])
    ctx = {"user": sysadmin["name"]}
    for i, text in enumerate(FORMULAS):
        helpers.call_action(
            "package_create", context=dict(ctx), name=f"formula-{i}", title=text, notes=text,
            owner_org=org["id"], license_id="cc-by", contact=[{"name": text, "email": "a@example.jp"}],
            resources=[{"url": f"https://example.lg.jp/{i}.csv", "format": "CSV", "name": text,
                        "description": text}])
    bulk.rescore(org_id=org["id"])
    peer = document.build_report(
        {"lg_code": PEER_CODE, "name_ja": FORMULAS[3], "name_en": FORMULAS[1]},
        {k: 0 for k in report_figures.org_figures([org["id"]])[org["id"]]} | {"mqa_points_mean": None,
                                                                                "japan_points_mean": None},
        "https://peer.example.jp")
    assert document.validation_errors(peer) == []
    snapshots.store_snapshot(peer, "https://peer.example.jp/wards/report/x.json")
    return {"org": org, "sysadmin": sysadmin}


def test_scorecard_csv(app, hostile):
    body = app.get("/organization/formula-ward/scorecard.csv").get_data(as_text=True)
    _assert_neutral(body, FORMULAS)


def test_comparison_csv(app, hostile):
    # kind=all: the peer is a city (Hakodate), outside the 23 wards' default view
    body = app.get("/wards/compare?format=csv&kind=all").get_data(as_text=True)
    _assert_neutral(body, [FORMULAS[0], FORMULAS[3], FORMULAS[1]])


def test_report_csv(app, hostile):
    body = app.get("/wards/report/formula-ward.csv").get_data(as_text=True)
    _assert_neutral(body, [FORMULAS[0]])


def test_open_data_list_csv(app, hostile):
    resp = app.get("/wards/report/formula-ward/open-data-list.csv")
    assert resp.status_code == 200
    _assert_neutral(resp.get_data(as_text=True), FORMULAS)


def test_report_csv_ward_code_column_is_neutralised():
    """Issue 11 M3: the ward_code column arrived raw (``=cmd|' /C calc'!A0``)."""
    from ckanext.wards.report import export
    doc = _peer_report()
    doc["ward"].update(code=FORMULAS[6], name_ja="＝1+1")
    rows = _cells(export.to_csv(doc))
    assert {row[0] for row in rows[1:]} == {"'" + FORMULAS[6]}
    assert {row[1] for row in rows[1:]} == {"'＝1+1"}


@pytest.mark.parametrize("name, expected", [
    ('probe-rfd.bat";x=.csv', "probe-rfd_bat_x.csv"), ('probe-rfd.bat";_open_data_list.csv', "probe-rfd_bat__open_data_list.csv"),
    ("ward-report-chiyoda.csv", "ward-report-chiyoda.csv"), ("../../etc/passwd.csv", "etc_passwd.csv"),
    ("a\r\nSet-Cookie: x=1.csv", "a_Set-Cookie_x_1.csv"), ("千代田区_open_data_list.csv", "open_data_list.csv"),
    ("x.bat_open_data_list.csv", "x_bat_open_data_list.csv"), (".csv", "download.csv"),
])
def test_download_file_names_are_sanitised(name, expected):
    """Issue 11 M2: the only extension kept is the last one (chosen by our code)."""
    from ckanext.wards.lib import download
    assert download.safe_filename(name) == expected
    header = download.content_disposition(name)
    assert header.startswith('attachment; filename="' + expected + '"')
    assert "\r" not in header and "\n" not in header and header.count('"') == 2


def test_japanese_file_names_keep_their_letters_in_filename_star():
    from ckanext.wards.lib import download
    header = download.content_disposition("千代田区.csv")
    assert header == "attachment; filename=\"download.csv\"; filename*=UTF-8''%E5%8D%83%E4%BB%A3%E7%94%B0%E5%8C%BA.csv"


def test_hostile_ward_code_cannot_choose_the_download_name(app, hostile):
    """Chromium saved the オープンデータ一覧 as ``probe-rfd.bat`` from a ward_code. The code
    is written straight into the database (as an old row would hold it). Where the
    organisation still counts as a ward, the file name is sanitised; where the code is
    refused (the ward-code validation of issue 11 M1), the answer is a 4xx, not a file."""
    import ckan.model as cm
    group = cm.Group.get("formula-ward")
    group.extras = {**(group.extras or {}), "ward_code": 'probe-rfd.bat";'}
    cm.repo.commit_and_remove()
    resp = app.get("/wards/report/formula-ward/open-data-list.csv")
    if resp.status_code == 200:
        disposition = resp.headers["Content-Disposition"]
        assert ".bat" not in disposition and disposition.count('"') == 2, disposition
        assert disposition.startswith('attachment; filename="probe-rfd_bat_') and disposition.endswith('.csv"')
    else:
        assert resp.status_code in (400, 404, 409)
    # (the .ttl of an organisation with an invalid code is the ward-code validation's: M1)
    for url in ("/wards/report/formula-ward.csv", "/wards/report/formula-ward.json",
                "/organization/formula-ward/scorecard.csv",
                "/organization/formula-ward/scorecard.json", "/wards/compare?format=csv",
                "/wards/compare?format=json"):
        resp = app.get(url)
        if resp.status_code == 200:
            name = resp.headers["Content-Disposition"].split('filename="')[1].split('"')[0]
            assert name.rsplit(".", 1)[1] in ("csv", "json", "ttl") and name.count(".") == 1, (url, name)


# --- the peer collector cannot be pointed at arbitrary hosts --------------------------------

class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records every request; answers a valid report, or redirects (``?to=``)."""

    def do_GET(self):
        self.server.hits.append(self.path)
        if self.server.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.server.redirect_to)
            self.end_headers()
            return
        body = json.dumps(self.server.report).encode("utf-8")
        reply(self, body, "application/json")

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback(allow_fetch):
    """Start recording HTTP servers on loopback addresses, which the safe fetcher may reach
    (so what refuses a fetch below is the collector's own rule); stop them afterwards."""
    servers = []

    def start(host="127.0.0.1", redirect_to=None, doc=None):
        server = loopback_server.start(_Recorder, host)
        server.hits, server.redirect_to, server.report = [], redirect_to, doc
        servers.append(server)
        allow_fetch(loopback_server.url(server))
        return server, loopback_server.url(server)

    yield start
    for server in servers:
        loopback_server.stop(server)


def _peer_report(code=PEER_CODE):
    from ckanext.wards.report import document
    from ckanext.wards.report import figures as report_figures
    empty = {k: 0 for k in ("datasets", "resources", "csv", "api", "machine_readable_strict",
                            "machine_readable_broad", "open_licence", "standard_conformance",
                            "resources_machine_readable_strict", "resources_machine_readable_broad",
                            *[f"star{i}" for i in range(6)],
                            *[f"rating_{b}" for b in report_figures.RATING_BANDS])}
    doc = document.build_report({"lg_code": code, "name_ja": "函館市", "name_en": "Hakodate"},
                                empty | {"mqa_points_mean": None, "japan_points_mean": None},
                                "https://peer.example.jp")
    assert document.validation_errors(doc) == []
    return doc


def test_no_parameter_makes_the_server_fetch_a_url(app, loopback):
    """Every action and page of ours, given the attacker's URL in every parameter the code
    reads and some it does not: the attacker's server sees no request."""
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="chiyoda")
    token = factories.APIToken(user=sysadmin["name"])["token"]
    attacker, url = loopback()
    target = f"{url}/wards/report/x.json"
    # (not ``q``: a URL is a Solr syntax error on CKAN's and ckanext-dcat's searches)
    params = {k: target for k in ("url", "peer", "peers", "source", "urls", "report_url",
                                  "organization", "id", "format", "next", "callback")}
    query = "&".join(f"{k}={v}" for k, v in params.items())
    paths = ["/wards/compare", "/wards/chiyoda", "/wards/report/chiyoda.json", "/wards/report/chiyoda.csv",
             "/wards/report/chiyoda.ttl", "/wards/report/chiyoda/open-data-list.csv",
             "/organization/chiyoda/scorecard", "/organization/chiyoda/scorecard.json",
             "/catalog.ttl"]
    for action in ("wards_compare", "wards_report", "wards_scorecard", "wards_dataset_score",
                   "wards_resource_score", "wards_standard_check"):
        paths.append(f"/api/3/action/{action}")
    for path in paths:
        app.get(f"{path}?{query}", headers={"Authorization": token})
        app.post(path, json=params, headers={"Authorization": token})
    # the URL as a path segment too
    app.get(f"/wards/{target}", headers={"Authorization": token})
    # no action of ours takes a URL to collect: the registry has no such action
    from ckan.logic import get_action
    for name in ("wards_collect", "wards_fetch_report", "wards_peer_add"):
        with pytest.raises(KeyError):
            get_action(name)
    assert attacker.hits == [], attacker.hits
    assert org["name"] == "chiyoda"


def test_collect_fetches_only_configured_peers(loopback, ckan_config, monkeypatch):
    from ckanext.wards.compare import collect
    peer, peer_url = loopback(doc=_peer_report())
    other, other_url = loopback(doc=_peer_report("012041"))
    monkeypatch.setitem(ckan_config, "ckanext.wards.peers", f"{peer_url}/wards/report/hakodate.json")
    outcomes = collect.collect(include_local=False)
    assert [o["status"] for o in outcomes] == ["stored"]
    assert peer.hits == ["/wards/report/hakodate.json"]
    assert other.hits == []


@pytest.mark.parametrize("where", ["another port", "127.0.0.2"])
def test_redirect_to_another_host_is_refused(loopback, ckan_config, monkeypatch, where):
    from ckanext.wards.compare import collect, snapshots
    inner, inner_url = loopback(host="127.0.0.2" if where == "127.0.0.2" else "127.0.0.1",
                                doc=_peer_report())
    peer, peer_url = loopback(redirect_to=f"{inner_url}/internal/report.json")
    monkeypatch.setitem(ckan_config, "ckanext.wards.peers", f"{peer_url}/wards/report/x.json")
    outcomes = collect.collect(include_local=False)
    assert outcomes[0]["status"] == "rejected"
    assert "redirect to another host refused" in outcomes[0]["reason"]
    assert peer.hits == ["/wards/report/x.json"]
    assert inner.hits == []  # never contacted
    assert snapshots.latest_snapshots() == []


def test_redirect_on_the_same_host_is_followed(loopback, ckan_config, monkeypatch):
    """The refusal above is about the host, not about redirects as such."""
    from ckanext.wards.compare import collect
    peer, peer_url = loopback(doc=_peer_report(), redirect_to="/wards/report/final.json")
    monkeypatch.setitem(ckan_config, "ckanext.wards.peers", f"{peer_url}/r")
    original = _Recorder.do_GET

    def redirect_once(self):  # the first request redirects, the next gets the report
        original(self)
        self.server.redirect_to = None
    monkeypatch.setattr(_Recorder, "do_GET", redirect_once)
    outcomes = collect.collect(include_local=False)
    assert [o["status"] for o in outcomes] == ["stored"]
    assert peer.hits == ["/r", "/wards/report/final.json"]


def test_collector_refuses_non_http_schemes():
    from ckanext.wards.compare import collect
    for url in ("file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://127.0.0.1/x",
                "http:///nohost"):
        with pytest.raises(collect.Rejected):
            collect.fetch_report(url, timeout=2, max_bytes=1000)
