"""The safe fetcher (``ckanext.wards.lib.fetch``) on its own, against loopback servers.

The policy is given explicitly (``fetch.Policy``), except in the tests of the options.
A refusal must happen before any connection: the servers record every request.
"""
from __future__ import annotations

import io
import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ckanext.wards.lib import fetch
from tests import loopback


class _Handler(BaseHTTPRequestHandler):
    """Routes: /file (ETag + Last-Modified, conditional GET), /redirect?to=URL, /loop,
    /trickle (a byte every 0.2 s), /endless (no length), /huge (declares 50 MB),
    /slow-slot (holds the connection a moment, counting concurrent requests), /host."""

    def _route(self, send_body: bool):
        server = self.server
        server.hits.append((self.command, self.path, dict(self.headers)))
        path, _, query = self.path.partition("?")
        if path == "/file":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
                return
            body = b"a,b\r\n1,2\r\n"
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Last-Modified", "Tue, 01 Dec 2026 00:00:00 GMT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", query.removeprefix("to="))
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/loop":
            self.send_response(301)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "50")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        elif path == "/endless":
            self.send_response(200)
            self.end_headers()
            for _ in range(1000):
                self.wfile.write(b"x" * 1024)
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
            self.wfile.write(b"x")
        elif path == "/slow-slot":
            with server.lock:
                server.in_flight += 1
                server.peak = max(server.peak, server.in_flight)
            time.sleep(0.3)
            with server.lock:
                server.in_flight -= 1
            self._send(b"ok")
        elif path == "/host":
            self._send(self.headers.get("Host", "").encode())
        else:
            self._send(b"not found", 404)

    def _send(self, body: bytes, status: int = 200):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        try:
            self._route(send_body=True)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher hung up, as it should

    def do_HEAD(self):  # noqa: N802
        self._route(send_body=False)

    def log_message(self, *args):
        pass


def _start(host: str = "127.0.0.1") -> ThreadingHTTPServer:
    server = loopback.start(_Handler, host)
    server.hits, server.lock, server.in_flight, server.peak = [], threading.Lock(), 0, 0
    return server


@pytest.fixture
def server():
    s = _start()
    yield s
    loopback.stop(s)


@pytest.fixture
def other_server():
    """A second server, on 127.0.0.2: not allowed by the policies below."""
    s = _start("127.0.0.2")
    yield s
    loopback.stop(s)


def base(s) -> str:
    return f"http://{s.server_address[0]}:{s.server_address[1]}"


def allowing(*servers, **limits) -> fetch.Policy:
    """A policy that allows these servers (address /32 and port) and nothing else private."""
    return fetch.Policy(allowed_networks=tuple(ipaddress.ip_network(f"{s.server_address[0]}/32") for s in servers),
                        allowed_ports=frozenset(s.server_address[1] for s in servers), **limits)


def ports_only(*servers) -> fetch.Policy:
    """The servers' ports allowed but no network: what refuses is the address rule."""
    return fetch.Policy(allowed_ports=frozenset(s.server_address[1] for s in servers))


# --- addresses ------------------------------------------------------------------------

LOOPBACK_FORMS = [
    "127.0.0.1", "2130706433", "0x7f000001", "0x7f.1", "0x7f.0.0.1", "0177.0.0.1", "017700000001",
    "127.1", "127.0.1", "127.000.000.001", "127.0.0.1.", "0.0.0.0", "0", "[::1]", "[::]",
    "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]",
    "user@127.0.0.1", "user:secret@127.0.0.1", "localhost", "LOCALHOST", "localhost.",
]


@pytest.mark.parametrize("host", LOOPBACK_FORMS)
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_form_of_a_loopback_address_is_refused_before_connecting(server, host, scheme):
    port = server.server_address[1]
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f"{scheme}://{host}:{port}/file", policy=ports_only(server))
    assert error.value.reason == "refused_address", error.value
    assert server.hits == []


@pytest.mark.parametrize("address", [
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "192.0.0.8",
    "198.18.0.1", "224.0.0.251", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "[fe80::1]", "[fc00::1]", "[fd12:3456::1]", "[ff02::1]", "[fec0::1]", "[2001:db8::1]",
    "[::ffff:10.0.0.1]", "[::ffff:8.8.8.8]", "[64:ff9b::7f00:1]", "[2002:7f00:1::1]", "[2002:a00:1::1]",
])
def test_private_link_local_multicast_reserved_and_mapped_addresses_are_refused(address):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f"http://{address}/", policy=fetch.Policy())
    assert error.value.reason == "refused_address"


def test_numeric_hosts_are_read_as_the_c_library_reads_them():
    assert fetch.legacy_ipv4("2130706433") == ipaddress.IPv4Address("127.0.0.1")
    assert fetch.legacy_ipv4("0x7f.1") == ipaddress.IPv4Address("127.0.0.1")
    assert fetch.legacy_ipv4("0177.0.0.01") == ipaddress.IPv4Address("127.0.0.1")
    assert fetch.legacy_ipv4("10.1") == ipaddress.IPv4Address("10.0.0.1")
    assert fetch.legacy_ipv4("1.2.3.4.5") is None and fetch.legacy_ipv4("256.1.1.1") is None
    assert fetch.legacy_ipv4("08.0.0.1") is None  # not octal: and not a host name either
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch("http://08.0.0.1/", policy=fetch.Policy())
    assert error.value.reason == "bad_url"


def test_public_addresses_pass_the_address_rule():
    for address in ("8.8.8.8", "133.242.0.1", "2001:4860:4860::8888"):
        assert fetch.refusal(ipaddress.ip_address(address)) is None


@pytest.fixture
def fake_dns(monkeypatch):
    """``fake_dns(name, [answer, ...])``: the next lookups of ``name`` get these answers in
    turn (the last one repeats); every other name is looked up for real. Returns the
    number of lookups of each faked name."""
    real = socket.getaddrinfo
    answers: dict[str, list[str]] = {}
    lookups: dict[str, int] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            lookups[host] = lookups.get(host, 0) + 1
            queue = answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def add(name: str, addresses: list[str]) -> dict[str, int]:
        answers[name] = list(addresses)
        return lookups
    return add


def test_a_name_resolving_to_loopback_is_refused(server, fake_dns):
    fake_dns("files.example.test", ["127.0.0.1"])
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f"http://files.example.test:{server.server_address[1]}/file", policy=ports_only(server))
    assert error.value.reason == "refused_address"
    assert server.hits == []


def test_the_fetcher_connects_to_the_address_it_checked(server, fake_dns):
    """DNS rebinding: the name answers an allowed address to the check and an internal one
    afterwards; the fetcher must not ask again, and keeps the name in the Host header."""
    lookups = fake_dns("rebind.example.test", ["127.0.0.1", "10.9.9.9"])
    port = server.server_address[1]
    response = fetch.fetch(f"http://rebind.example.test:{port}/host", policy=allowing(server))
    assert response.body == f"rebind.example.test:{port}".encode()
    assert lookups["rebind.example.test"] == 1


def test_an_allowed_network_is_reachable_and_only_it(server, other_server):
    response = fetch.fetch(base(server) + "/file", policy=allowing(server))
    assert response.status == 200 and response.body == b"a,b\r\n1,2\r\n"
    policy = fetch.Policy(allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),),
                          allowed_ports=frozenset({server.server_address[1], other_server.server_address[1]}))
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(base(other_server) + "/file", policy=policy)  # 127.0.0.2
    assert error.value.reason == "refused_address" and other_server.hits == []


def test_an_allowed_host_name_is_reachable(server, fake_dns):
    fake_dns("intranet.example.test", ["127.0.0.1"])
    policy = fetch.Policy(allowed_hosts=frozenset({"intranet.example.test"}),
                          allowed_ports=frozenset({server.server_address[1]}))
    response = fetch.fetch(f"http://intranet.example.test:{server.server_address[1]}/file", policy=policy)
    assert response.status == 200


def test_a_name_with_one_private_answer_among_public_ones_is_refused(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch("http://mixed.example.test/", policy=fetch.Policy())
    assert error.value.reason == "refused_address"


# --- schemes, ports, URLs -----------------------------------------------------------------

@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO",
                                 "javascript:alert(1)", "data:text/plain,hi", "dict://127.0.0.1:11211/"])
def test_only_http_and_https(url):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(url, policy=fetch.Policy())
    assert error.value.reason == "bad_scheme"


@pytest.mark.parametrize("url", ["http:///nohost", "http://[::1/", "http://a b/", "http://x:99999/",
                                 "http://example.test/\r\nX-Injected: 1"])
def test_malformed_urls(url):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(url, policy=fetch.Policy())
    assert error.value.reason == "bad_url"


@pytest.mark.parametrize("url", ["http://[2600::1%25eth0]/", "http://[2600::1%eth0]/", "http://[fe80::1%251]:80/",
                                 "https://[::ffff:203.0.113.10%25x]/"])
def test_an_ipv6_zone_id_is_a_bad_url(url):
    """S8: a zone id names an interface of this machine, and ended up in the Host header."""
    with pytest.raises(fetch.FetchError) as error:
        fetch.parse_target(url, fetch.Policy())
    assert error.value.reason == "bad_url"


def test_a_name_without_an_address_is_a_dns_failure_not_a_connection_failure(monkeypatch):
    """S7: the link checker must tell a missing name from a refused connection apart to
    publish both as 1300; users still get the one neutral message."""
    def getaddrinfo(host, port, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch("http://nowhere.example.test/", policy=fetch.Policy())
    assert error.value.reason == "dns_failed"


@pytest.mark.parametrize("port", [22, 25, 6379, 8983, 5432])
def test_ports_other_than_80_and_443_need_allowing(port):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f"http://203.0.113.10:{port}/", policy=fetch.Policy())
    assert error.value.reason == "bad_port"


# --- redirects ----------------------------------------------------------------------------

@pytest.mark.parametrize("location", [
    "http://127.0.0.2:{other}/file", "http://2130706434:{other}/file", "http://localhost:{other}/file",
    "http://[::ffff:127.0.0.2]:{other}/file", "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0:{other}/file", "http://user@127.0.0.2:{other}/file",
])
def test_a_redirect_to_a_refused_address_is_refused_at_the_hop(server, other_server, location):
    """The first server is allowed; the hop to anything internal is checked and refused."""
    other = other_server.server_address[1]
    policy = fetch.Policy(allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),),
                          allowed_ports=frozenset({server.server_address[1], other}))
    target = location.format(other=other)
    if target.startswith("http://localhost"):  # localhost is 127.0.0.1, which is allowed here
        policy = allowing(server)
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f"{base(server)}/redirect?to={target}", policy=policy)
    assert error.value.reason in ("refused_address", "bad_port"), error.value
    assert [hit[1] for hit in server.hits] == [f"/redirect?to={target}"]
    assert other_server.hits == []


def test_redirects_are_followed_when_allowed_and_bounded(server):
    response = fetch.fetch(f"{base(server)}/redirect?to=/file", policy=allowing(server))
    assert response.status == 200 and response.redirects == [f"{base(server)}/redirect?to=/file"]
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f"{base(server)}/loop", policy=allowing(server, max_redirects=2))
    assert error.value.reason == "too_many_redirects"
    assert len([h for h in server.hits if h[1] == "/loop"]) == 3


def test_a_redirect_to_another_scheme_is_refused(server):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f"{base(server)}/redirect?to=file:///etc/passwd", policy=allowing(server))
    assert error.value.reason == "bad_scheme"


def test_a_caller_rule_can_keep_redirects_on_the_same_origin(server):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f"{base(server)}/redirect?to=http://127.0.0.1:1/", policy=allowing(server),
                    redirect_rule=fetch.same_origin_only)
    assert error.value.reason == "redirect_refused"


# --- limits -------------------------------------------------------------------------------

@pytest.mark.slow  # waits out real deadlines: dev/test, not dev/unit
def test_the_deadline_is_for_the_whole_fetch_not_per_read(server):
    """Each byte comes well within the deadline; the whole body does not."""
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(base(server) + "/trickle", policy=allowing(server), timeout=1)
    assert error.value.reason == "timeout"


def test_the_byte_limit_holds_declared_or_streamed(server):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(base(server) + "/huge", policy=allowing(server), max_bytes=1000)
    assert (error.value.reason, error.value.limit) == ("too_large", 1000)
    assert "declared" in error.value.detail
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(base(server) + "/endless", policy=allowing(server), max_bytes=100_000, out=io.BytesIO())
    assert error.value.reason == "too_large" and "more than 100000" in error.value.detail


@pytest.mark.slow  # waits out real deadlines: dev/test, not dev/unit
def test_concurrent_requests_to_one_host_are_limited(server):
    policy = allowing(server, per_host_concurrency=2)
    results = []

    def one():
        results.append(fetch.fetch(base(server) + "/slow-slot", policy=policy).status)

    threads = [threading.Thread(target=one) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 5
    assert server.peak == 2


def test_http_errors_carry_the_status_or_are_returned(server):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(base(server) + "/missing", policy=allowing(server))
    assert (error.value.reason, error.value.status) == ("http_status", 404)
    assert fetch.fetch(base(server) + "/missing", policy=allowing(server), raise_for_status=False).status == 404


def test_refused_and_closed_internal_ports_fail_alike(server):
    """No port-scan oracle: an internal port that is open and one that is closed give the
    same error; only an allowed address shows the difference."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    policy = fetch.Policy(allowed_ports=frozenset({server.server_address[1], closed_port}))
    reasons = set()
    for port in (server.server_address[1], closed_port):
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(f"http://127.0.0.1:{port}/", policy=policy)
        reasons.add(error.value.reason)
    assert reasons == {"refused_address"}


# --- conditional GET, HEAD, streaming ----------------------------------------------------------

def test_conditional_get_passes_validators_and_returns_them(server):
    first = fetch.fetch(base(server) + "/file", policy=allowing(server))
    assert first.etag == '"v1"' and first.last_modified == "Tue, 01 Dec 2026 00:00:00 GMT"
    again = fetch.fetch(base(server) + "/file", policy=allowing(server),
                        headers=fetch.conditional_headers(first.etag, first.last_modified))
    assert again.not_modified and again.body is None
    sent = server.hits[-1][2]
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == first.last_modified


def test_head_reads_no_body(server):
    response = fetch.fetch(base(server) + "/file", method="HEAD", policy=allowing(server))
    assert response.status == 200 and response.body is None and response.header("Content-Length") == "10"
    assert server.hits[-1][0] == "HEAD"


def test_streaming_into_a_file_object(server):
    out = io.BytesIO()
    response = fetch.fetch(base(server) + "/file", out=out, policy=allowing(server))
    assert out.getvalue() == b"a,b\r\n1,2\r\n" and response.body is None and response.size == 10


# --- options ------------------------------------------------------------------------------

def test_the_default_configuration_refuses_loopback(server):
    """No option set: a loopback server, on its port or on 80, is never contacted."""
    for url in (base(server) + "/file", "http://127.0.0.1/", "http://localhost/"):
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(url)
        assert error.value.reason in ("refused_address", "bad_port")
    assert server.hits == []


@pytest.mark.ckan_config("ckanext.wards.fetch.allowed_networks", "127.0.0.1/32 10.1.0.0/16 Files.Intra.Example.")
@pytest.mark.ckan_config("ckanext.wards.fetch.allowed_ports", "8080 8443")
@pytest.mark.ckan_config("ckanext.wards.fetch.timeout", "7")
@pytest.mark.ckan_config("ckanext.wards.fetch.max_redirects", "0")
def test_options_are_read_into_the_policy():
    policy = fetch.Policy.from_config()
    assert policy.allowed_networks == (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.1.0.0/16"))
    assert policy.allowed_hosts == {"files.intra.example"}
    assert policy.allowed_ports == {8080, 8443}
    assert (policy.timeout, policy.max_redirects) == (7.0, 0)


@pytest.mark.parametrize("option, value", [
    ("allowed_networks", "not a network!"), ("allowed_networks", "2130706433"), ("allowed_ports", "http"),
    ("timeout", "-1"), ("max_bytes", "lots"), ("per_host_concurrency", "0"),
])
def test_bad_options_are_clear_errors(ckan_config, monkeypatch, option, value):
    monkeypatch.setitem(ckan_config, f"ckanext.wards.fetch.{option}", value)
    with pytest.raises(ValueError, match=f"ckanext.wards.fetch.{option}"):
        fetch.Policy.from_config()


def test_users_get_one_neutral_message(app):
    with app.flask_app.test_request_context():
        messages = {fetch.user_message(fetch.FetchError(reason)) for reason in fetch.REASONS if reason != "too_large"}
        assert messages == {fetch.NEUTRAL_MESSAGE}
        assert "1000" in fetch.user_message(fetch.FetchError("too_large", limit=1000))
