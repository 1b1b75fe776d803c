"""Server-side request forgery (issue 11, C1 and M5) on the real stack.

An "internal service" runs on loopback and records every request, standing in for the
portal's own Solr; resources, links and peers point at it in every address form. By
default nothing reaches it; the tests that need a loopback server allow only that one
(``ckanext.wards.fetch.allowed_networks`` / ``allowed_ports``), and the refusal then
still holds for any other internal address, including a redirect hop.
"""
from __future__ import annotations

import http.server
import json
import socket

import pytest

import ckan.lib.jobs as ckan_jobs
import ckan.model as model
import ckan.tests.helpers as helpers

from ckanext.wards.compare import collect
from ckanext.wards.scoring import linkcheck, store
from ckanext.wards import model as wards_model
from ckanext.wards.lib import fetch
from tests.conftest import WARDS_PLUGINS
from tests import loopback
from tests.loopback import reply

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "clean_standard_checks"),
]

SECRET = "private-dataset-title-from-solr"


class _Internal(http.server.BaseHTTPRequestHandler):
    """Answers like Solr, with indented lines (what the L1-06 examples leaked), or redirects
    when the server has a ``redirect_to``."""

    def _answer(self):
        self.server.hits.append((self.command, self.path))
        if self.server.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.server.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = ("id,title\r\n" + "\r\n".join(f"  {i},  {SECRET}" for i in range(5)) + "\r\n").encode()
        reply(self, body if self.command == "GET" else b"", "text/csv")

    do_GET = do_HEAD = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def servers():
    """``start(host)`` → (server, port): recording servers, stopped afterwards."""
    started = []

    def start(host="127.0.0.1", redirect_to=None):
        server = loopback.start(_Internal, host)
        server.hits, server.redirect_to = [], redirect_to
        started.append(server)
        return server, server.server_address[1]

    yield start
    for server in started:
        loopback.stop(server)


def allow_ports_only(ckan_config, monkeypatch, *ports):
    """Ports allowed, no network: what refuses below is the address rule, not the port."""
    monkeypatch.setitem(ckan_config, "ckanext.wards.fetch.allowed_ports", " ".join(map(str, ports)))


def make_resource(sysadmin, org, url, *, private=False, name="internal"):
    dataset = helpers.call_action("package_create", context={"user": sysadmin["name"]}, name=name,
                                  title="t", owner_org=org["id"], private=private,
                                  conforms_to=["13_public_toilet"])
    return helpers.call_action("resource_create", context={"user": sysadmin["name"]},
                               package_id=dataset["id"], url=url, format="CSV")


def api_check(app, resource_id, token=None, locale=""):
    headers = {"Authorization": token} if token else {}
    response = app.get(f"{locale}/api/3/action/wards_standard_check", query_string={"id": resource_id},
                       headers=headers, status=None)
    return response.status_code, response.json


ADDRESS_FORMS = ["127.0.0.1", "2130706433", "0x7f.1", "0x7f000001", "0177.0.0.1", "127.1", "0.0.0.0",
                 "[::1]", "[::ffff:127.0.0.1]", "user@127.0.0.1", "user:pw@127.0.0.1", "localhost"]


@pytest.mark.parametrize("host", ADDRESS_FORMS)
def test_standard_check_refuses_internal_addresses_in_every_form(app, sysadmin, org, servers, ckan_config,
                                                                 monkeypatch, host):
    internal, port = servers()
    allow_ports_only(ckan_config, monkeypatch, port)
    resource = make_resource(sysadmin, org, f"http://{host}:{port}/solr/ckan/select?q=*:*&wt=csv")
    status, body = api_check(app, resource["id"], sysadmin["token"])
    assert status == 409
    assert body["error"]["url"] == [fetch.NEUTRAL_MESSAGE]
    text = json.dumps(body)
    assert SECRET not in text and "Error" not in text.replace("Validation Error", "")
    assert internal.hits == []


def test_the_refusal_reads_the_same_in_japanese(app, sysadmin, org, servers, ckan_config, monkeypatch):
    internal, port = servers()
    allow_ports_only(ckan_config, monkeypatch, port)
    resource = make_resource(sysadmin, org, f"http://2130706433:{port}/")
    status, body = api_check(app, resource["id"], sysadmin["token"], locale="/ja")
    assert status == 409
    assert body["error"]["url"] == ["URL の内容を取得できませんでした（取得するのは公開された http/https のアドレスのみです）。"]
    assert internal.hits == []


def test_with_default_options_not_even_the_port_is_reachable(app, sysadmin, org, servers):
    internal, port = servers()
    resource = make_resource(sysadmin, org, f"http://127.0.0.1:{port}/")
    status, body = api_check(app, resource["id"], sysadmin["token"])
    assert status == 409 and body["error"]["url"] == [fetch.NEUTRAL_MESSAGE]
    assert internal.hits == []


@pytest.mark.parametrize("inner_host", ["127.0.0.2", "localhost"])
def test_a_redirect_from_an_allowed_server_to_an_internal_one_is_refused_at_the_hop(
        app, sysadmin, org, servers, ckan_config, monkeypatch, inner_host):
    inner, inner_port = servers("127.0.0.2" if inner_host == "127.0.0.2" else "127.0.0.1")
    outer, outer_port = servers(redirect_to=f"http://{inner_host}:{inner_port}/solr/ckan/select")
    # the outer server's address and both ports are allowed: the hop's address is what refuses
    monkeypatch.setitem(ckan_config, "ckanext.wards.fetch.allowed_networks", "127.0.0.1/32")
    allow_ports_only(ckan_config, monkeypatch, outer_port, inner_port)
    if inner_host == "localhost":  # localhost is 127.0.0.1 here: allow the outer's port only
        allow_ports_only(ckan_config, monkeypatch, outer_port)
    resource = make_resource(sysadmin, org, f"http://127.0.0.1:{outer_port}/data.csv")
    status, body = api_check(app, resource["id"], sysadmin["token"])
    assert status == 409 and body["error"]["url"] == [fetch.NEUTRAL_MESSAGE]
    assert outer.hits == [("GET", "/data.csv")]
    assert inner.hits == []


def test_anyone_but_an_editor_reads_stored_results_and_never_causes_a_download(
        app, sysadmin, org, servers, allow_fetch):
    internal, port = servers()
    allow_fetch(f"http://127.0.0.1:{port}")
    resource = make_resource(sysadmin, org, f"http://127.0.0.1:{port}/toilets.csv")
    status, body = api_check(app, resource["id"])  # anonymous
    assert status == 200 and body["result"]["state"] == "not_checked"
    assert internal.hits == []


# --- the link checker (M5) --------------------------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "[::ffff:127.0.0.1]", "localhost", "0.0.0.0"])
def test_link_checker_refuses_internal_addresses(servers, ckan_config, monkeypatch, host):
    internal, port = servers()
    allow_ports_only(ckan_config, monkeypatch, port)
    assert linkcheck.head(f"http://{host}:{port}/") == {"status": 1300, "error": "refused_address"}
    assert internal.hits == []


def test_link_checker_statuses_tell_nothing_about_internal_ports(servers, ckan_config, monkeypatch):
    """An open and a closed internal port give the same published status."""
    internal, port = servers()
    allow_ports_only(ckan_config, monkeypatch, port, 9)
    assert linkcheck.head(f"http://127.0.0.1:{port}/") == linkcheck.head("http://127.0.0.1:9/")
    assert internal.hits == []


def test_link_checker_statuses_tell_nothing_about_which_internal_names_exist(servers, ckan_config, monkeypatch):
    """S7: an internal name that resolves (refused) and one that does not (no DNS answer)
    gave 1300 and 1100: an oracle for the portal's internal host names."""
    internal, port = servers()
    allow_ports_only(ckan_config, monkeypatch, port)
    real = socket.getaddrinfo

    def getaddrinfo(host, service, *args, **kwargs):
        if host == "solr.internal.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", service))]
        if host == "nothing.internal.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, service, *args, **kwargs)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    existing = linkcheck.head(f"http://solr.internal.test:{port}/")
    missing = linkcheck.head(f"http://nothing.internal.test:{port}/")
    assert existing["status"] == missing["status"] == 1300
    assert missing["error"] == "dns_failed"  # stored for operators; only the status is published
    assert internal.hits == []


def test_link_checker_checks_every_redirect_hop(servers, ckan_config, monkeypatch):
    inner, inner_port = servers("127.0.0.2")
    outer, outer_port = servers(redirect_to=f"http://127.0.0.2:{inner_port}/")
    monkeypatch.setitem(ckan_config, "ckanext.wards.fetch.allowed_networks", "127.0.0.1/32")
    allow_ports_only(ckan_config, monkeypatch, outer_port, inner_port)
    assert linkcheck.head(f"http://127.0.0.1:{outer_port}/a.csv") == {"status": 1300, "error": "refused_address"}
    assert outer.hits == [("HEAD", "/a.csv")] and inner.hits == []


@pytest.mark.ckan_config("ckanext.wards.linkcheck.enabled", "true")
@pytest.mark.ckan_config("ckanext.wards.linkcheck.host_interval", "0")
@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_link_check_job_stores_a_refusal_not_an_oracle(sysadmin, org, servers, ckan_config, monkeypatch):
    internal, port = servers()
    allow_ports_only(ckan_config, monkeypatch, port)
    url = f"http://127.0.0.1:{port}/solr/admin/cores"
    make_resource(sysadmin, org, url, name="linked")
    ckan_jobs.Worker().work(burst=True)  # CKAN's non-forking test worker, in this process
    assert store.link_statuses([url]) == {url: 1300}
    check = model.Session.query(wards_model.LinkCheck).get(url)
    assert check.error == "refused_address"
    assert internal.hits == []


@pytest.mark.parametrize("value", [0, 0.0])
def test_a_host_interval_of_zero_is_honoured(ckan_config, monkeypatch, value):
    """A numeric 0 (as an IConfigurer or a test sets it) used to become 1.0."""
    from ckan.lib.redis import connect_to_redis

    monkeypatch.setitem(ckan_config, "ckanext.wards.linkcheck.host_interval", value)
    key = "ckanext-wards:linkcheck:interval-zero.example.test"
    connect_to_redis().delete(key)
    linkcheck.wait_for_host("interval-zero.example.test")
    assert connect_to_redis().get(key) is None  # no pause was booked


@pytest.mark.parametrize("value", ["-1", "soon", "inf"])
def test_a_bad_host_interval_is_rejected_with_its_name(ckan_config, monkeypatch, value):
    monkeypatch.setitem(ckan_config, "ckanext.wards.linkcheck.host_interval", value)
    with pytest.raises(ValueError, match="ckanext.wards.linkcheck.host_interval"):
        linkcheck.check_links("no-such-dataset", ["http://127.0.0.1:9/a.csv"])


# --- the peer collector -------------------------------------------------------------------

def test_collector_refuses_a_peer_on_an_internal_address_unless_allowed(servers, ckan_config, monkeypatch,
                                                                        allow_fetch):
    internal, port = servers()
    allow_ports_only(ckan_config, monkeypatch, port)
    url = f"http://2130706433:{port}/wards/report/x.json"
    (outcome,) = collect.collect([url], timeout=2, max_bytes=10_000, include_local=False)
    assert outcome["status"] == "rejected" and outcome["reason"].startswith("address refused")
    assert internal.hits == []
    allow_fetch(f"http://127.0.0.1:{port}")  # the operator allows this one server
    (outcome,) = collect.collect([url], timeout=2, max_bytes=10_000, include_local=False)
    assert outcome["reason"] == "not JSON (UTF-8)" or outcome["reason"].startswith("invalid report")
    assert internal.hits == [("GET", "/wards/report/x.json")]
