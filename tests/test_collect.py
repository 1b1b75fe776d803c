"""Collection of peers' reports from report servers this test runs on loopback."""
from __future__ import annotations

import http.server
import json
import time

import pytest

import ckan.tests.helpers as helpers

from ckanext.wards.compare import collect, snapshots
from ckanext.wards.report import document
from ckanext.wards.report import figures as report_figures
from ckanext.wards.vocab import organizations
from tests import loopback
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def peer_report(code="131075", computed_at="2026-04-01T09:00:00+09:00", csv_numerator=40) -> dict:
    figures = {"datasets": 200, "resources": 420, "mqa_points_mean": 150.0, "japan_points_mean": 30.0,
               **{k: 90 for k in report_figures.DATASET_SHARES}, **{k: 150 for k in report_figures.RESOURCE_SHARES},
               "star0": 0, "star1": 100, "star2": 20, "star3": 70, "star4": 10, "star5": 0,
               "rating_bad": 50, "rating_sufficient": 100, "rating_good": 45, "rating_excellent": 5,
               "rating_unscored": 0}
    figures["csv"] = csv_numerator
    return document.build_report(organizations.ward_by_code(code), figures, "https://opendata.example.jp",
                                 computed_at=computed_at, org_name="peer")


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves whatever the test puts in ``routes`` (path → callable(handler))."""
    routes: dict = {}

    def do_GET(self):  # noqa: N802
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the collector hung up, as it should on a bad response

    def log_message(self, *args):
        pass


def send_json(doc, extra_headers=None):
    def route(h):
        body = json.dumps(doc).encode("utf-8")
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        for k, v in (extra_headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)
    return route


def send_endless(h):
    """No Content-Length, bytes until the client stops reading (size limit by streaming)."""
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.end_headers()
    h.wfile.write(b'{"padding": "')
    for _ in range(2000):
        h.wfile.write(b"x" * 1024)
        h.wfile.flush()


def send_declared_huge(h):
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(50_000_000))
    h.end_headers()
    h.wfile.write(b"{")


def send_slowly(h):
    """Answers at once, then trickles the body slower than the timeout allows in total."""
    body = json.dumps(peer_report("131083")).encode()
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    for i in range(0, len(body), 200):
        h.wfile.write(body[i:i + 200])
        h.wfile.flush()
        time.sleep(0.3)


def redirect_to(location):
    def route(h):
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()
    return route


@pytest.fixture
def servers(allow_fetch):
    """Two loopback servers (two hosts as far as the collector is concerned), which the
    safe fetcher may reach (and nothing else on loopback)."""
    started = []
    for _ in range(2):
        handler = type("RouteHandler", (Handler,), {"routes": {}})
        started.append(loopback.start(handler))
    allow_fetch(*(loopback.url(s) for s in started))
    yield [(s, loopback.url(s), s.RequestHandlerClass.routes) for s in started]
    for s in started:
        loopback.stop(s)


def outcome(outcomes, url):
    return next(o for o in outcomes if o["source"] == url)


def test_collect_keeps_good_reports_and_rejects_bad_ones_with_a_reason(servers, ckan_config, monkeypatch):
    (_s, base, routes), (_s2, other, other_routes) = servers
    bad = peer_report("131091")
    bad["shares"]["csv"]["numerator"] = 999  # above its denominator
    routes.update({
        "/good.json": send_json(peer_report("131075")),
        "/same-host-redirect.json": redirect_to("/moved.json"),
        "/moved.json": send_json(peer_report("131105")),
        "/invalid.json": send_json(bad),
        "/not-json.json": send_json("<html>"),
        "/endless.json": send_endless,
        "/huge.json": send_declared_huge,
        "/slow.json": send_slowly,
        "/elsewhere.json": redirect_to(f"{other}/good.json"),
        "/missing.json": lambda h: h.send_error(404),
    })
    other_routes["/good.json"] = send_json(peer_report("131113"))
    urls = [base + p for p in ("/good.json", "/same-host-redirect.json", "/invalid.json", "/not-json.json",
                               "/endless.json", "/huge.json", "/slow.json", "/elsewhere.json", "/missing.json")]
    monkeypatch.setitem(ckan_config, "ckanext.wards.peers", " ".join(urls))
    monkeypatch.setitem(ckan_config, "ckanext.wards.collect.timeout", 1)
    monkeypatch.setitem(ckan_config, "ckanext.wards.collect.max_bytes", 100_000)

    outcomes = collect.collect(include_local=False)

    assert outcome(outcomes, base + "/good.json")["status"] == "stored"
    assert outcome(outcomes, base + "/same-host-redirect.json")["status"] == "stored"
    reasons = {url.rsplit("/", 1)[1]: o["reason"] for url in urls
               for o in [outcome(outcomes, url)] if o["status"] == "rejected"}
    assert set(reasons) == {"invalid.json", "not-json.json", "endless.json", "huge.json", "slow.json",
                            "elsewhere.json", "missing.json"}
    assert "numerator 999 exceeds denominator" in reasons["invalid.json"]
    assert reasons["not-json.json"].startswith("invalid report")  # JSON, but a string
    assert reasons["endless.json"] == "too large: more than 100000 bytes"
    assert reasons["huge.json"].startswith("too large: 50000000 bytes declared")
    assert reasons["slow.json"].startswith("timed out")
    assert reasons["elsewhere.json"].startswith("redirect to another host refused")
    assert reasons["missing.json"] == "HTTP status 404"

    # only the good ones are kept: as snapshots, and as rows of the comparison
    kept = {s["report"]["ward"]["code"] for s in snapshots.latest_snapshots()}
    assert kept == {"131075", "131105"}
    rows = helpers.call_action("wards_compare")["rows"]
    assert {(r["code"], r["kind"]) for r in rows} == {("131075", "collected"), ("131105", "collected")}


def test_a_bad_response_keeps_the_last_good_snapshot(servers, caplog, monkeypatch):
    # CKAN's logging set-up (fileConfig) disables loggers created before it; re-enable ours
    monkeypatch.setattr(collect.log, "disabled", False)
    (_s, base, routes), _ = servers
    url = base + "/sumida.json"
    routes["/sumida.json"] = send_json(peer_report("131075", "2026-03-01T00:00:00Z", csv_numerator=40))
    assert collect.collect([url], timeout=2, max_bytes=100_000, include_local=False)[0]["status"] == "stored"

    # the peer breaks: invalid, then too slow; each is rejected, logged, and changes nothing
    broken = peer_report("131075", "2026-04-01T00:00:00Z")
    del broken["counts"]
    routes["/sumida.json"] = send_json(broken)
    assert collect.collect([url], timeout=2, max_bytes=100_000, include_local=False)[0]["status"] == "rejected"
    routes["/sumida.json"] = send_slowly
    with caplog.at_level("WARNING", logger="ckanext.wards.compare"):
        assert collect.collect([url], timeout=1, max_bytes=100_000, include_local=False)[0]["status"] == "rejected"
    assert any("rejected" in r.message and "timed out" in r.message and url in r.message for r in caplog.records)
    (latest,) = snapshots.latest_snapshots()
    assert latest["report"]["computed_at"] == "2026-03-01T00:00:00Z"
    row = helpers.call_action("wards_compare")["rows"][0]
    assert row["code"] == "131075" and row["csv"] == 20.0  # 40 / 200

    # the same report again is not stored twice; a newer one is, and becomes the latest
    routes["/sumida.json"] = send_json(peer_report("131075", "2026-03-01T00:00:00Z", csv_numerator=40))
    assert collect.collect([url], timeout=2, max_bytes=100_000, include_local=False)[0]["status"] == "unchanged"
    routes["/sumida.json"] = send_json(peer_report("131075", "2026-05-01T00:00:00Z", csv_numerator=60))
    assert collect.collect([url], timeout=2, max_bytes=100_000, include_local=False)[0]["status"] == "stored"
    assert helpers.call_action("wards_compare")["rows"][0]["csv"] == 30.0
    points = snapshots.trends("131075")["131075"]
    assert [p["date"] for p in points] == ["2026-03-01", "2026-05-01"]
    assert [p["csv"] for p in points] == [20.0, 30.0]


def test_only_configured_http_urls_are_fetched():
    with pytest.raises(collect.Rejected, match="not an http"):
        collect.fetch_report("file:///etc/passwd", 1, 1000)
    with pytest.raises(collect.Rejected, match="not an http"):
        collect.fetch_report("gopher://127.0.0.1/", 1, 1000)


def test_collect_command_prints_outcomes_and_fails_on_rejections(servers, cli, ckan_config, monkeypatch):
    from ckan.cli.cli import ckan
    (_s, base, routes), _ = servers
    routes["/good.json"] = send_json(peer_report("131075"))
    monkeypatch.setitem(ckan_config, "ckanext.wards.peers", f"{base}/good.json {base}/gone.json")
    result = cli.invoke(ckan, ["wards", "collect", "--no-local"])
    assert result.exit_code == 1, result.output
    assert f"stored    {base}/good.json" in result.output
    assert f"rejected  {base}/gone.json HTTP status 404" in result.output


def test_collect_snapshots_local_wards_and_local_figures_win_over_a_peer_of_the_same_ward():
    import ckan.tests.factories as factories
    org = factories.Organization(name="edogawa", title="江戸川区")
    snapshots.store_snapshot(peer_report("131237", "2026-01-01T00:00:00Z"), "https://peer.example.jp/edogawa.json")
    snapshots.store_snapshot(peer_report("131075", "2026-01-01T00:00:00Z"), "https://peer.example.jp/sumida.json")

    outcomes = collect.collect(urls=[], include_local=True)
    assert outcomes == [{"source": "local", "status": "stored", "reason": "1 local ward reports", "ward_code": None}]
    (local,) = [s for s in snapshots.latest_snapshots(local=True) if s["source"].startswith("local:")]
    assert local["source"] == "local:" + org["id"] and local["report"]["ward"]["organization"] == "edogawa"

    rows = {r["code"]: r for r in helpers.call_action("wards_compare")["rows"]}
    assert rows["131237"]["kind"] == "local" and rows["131237"]["datasets"] == 0
    assert rows["131075"]["kind"] == "collected" and rows["131075"]["datasets"] == 200
