"""The one safe fetcher: every outbound request of ckanext-wards goes through ``fetch``
(resource files for the standard checker, link checks, peers' reports).

URLs come from users (a resource's URL), so a plain HTTP client is a server-side request
forgery: it reaches the portal's own Solr, Redis or cloud metadata service. ``fetch``
therefore:

- allows only ``http``/``https`` and ports 80/443 plus ``ckanext.wards.fetch.allowed_ports``;
- resolves the host itself and refuses loopback, private, link-local, multicast,
  unspecified, reserved and other non-global addresses, IPv4-mapped/compatible IPv6
  addresses, and numeric host forms such as ``2130706433`` or ``0x7f.1`` by their value,
  unless ``ckanext.wards.fetch.allowed_networks`` names the network or host;
- connects to the very address it checked (no second DNS lookup, so no DNS rebinding),
  keeping the Host header and TLS SNI and certificate checks for the host name;
- follows redirects by hand, checking every hop by the same rule, at most
  ``max_redirects``;
- enforces a total deadline (a watchdog closes the socket when it passes, however
  slowly the server trickles), a byte limit while streaming, and a limit of concurrent
  requests per host in this process.

Errors are ``FetchError`` with a machine-readable ``reason``; users see one neutral
message (``user_message``), never an exception name, so the fetcher is no port scanner.
"""
from __future__ import annotations

import functools
import http.client
import ipaddress
import math
import re
import socket
import ssl
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterable, Mapping, Optional, Union
from urllib.parse import quote, urljoin, urlsplit

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

STANDARD_PORTS = frozenset({80, 443})
SCHEME_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024
USER_AGENT = "ckanext-wards"

# Machine-readable reasons of FetchError.
REASONS = (
    "bad_url",             # not a URL we can send (no host, bad port, control characters)
    "bad_scheme",          # not http or https
    "bad_port",            # a port neither 80/443 nor allowed
    "refused_address",     # the host is (or resolves to) an address that is not public
    "dns_failed",          # the name has no address (users see the neutral message, as for every reason)
    "unreachable",         # connection refused, TLS failure, a read that failed
    "bad_response",        # not HTTP, or broken HTTP
    "timeout",             # the total deadline passed
    "too_large",           # more than max_bytes (declared or streamed)
    "http_status",         # a status the caller does not accept
    "too_many_redirects",
    "redirect_refused",    # the caller's redirect rule refused a hop
)

# IPv6 ranges that embed an IPv4 address or are otherwise unsafe to reach.
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
# Special-purpose IPv4 blocks that Python 3.11's is_global still calls global.
_IPV4_SPECIAL = (ipaddress.IPv4Network("192.0.0.0/24"), ipaddress.IPv4Network("192.88.99.0/24"))

NEUTRAL_MESSAGE = "The address could not be fetched (only public http and https addresses are fetched)."


class FetchError(Exception):
    """A refused or failed fetch. ``reason`` is one of REASONS; ``detail`` is for logs and
    operators (it may name addresses), never for users: they get ``user_message``."""

    def __init__(self, reason: str, detail: str = "", *, url: str = "", status: Optional[int] = None,
                 limit: Optional[int] = None):
        assert reason in REASONS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.url = url
        self.status = status
        self.limit = limit


def user_message(error: FetchError) -> str:
    """The one neutral message for users (translated); a size limit says the limit."""
    import ckan.plugins.toolkit as tk

    if error.reason == "too_large" and error.limit is not None:
        return tk._("The file is larger than the limit of {limit} bytes").format(limit=error.limit)
    return tk._(NEUTRAL_MESSAGE)


# --- policy -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Policy:
    """What may be fetched and within which limits (``Policy.from_config()`` reads the
    ``ckanext.wards.fetch.*`` options)."""

    allowed_networks: tuple[IPNetwork, ...] = ()
    allowed_hosts: frozenset[str] = frozenset()
    allowed_ports: frozenset[int] = frozenset()
    timeout: float = 30.0
    max_bytes: int = 100 * 1024 * 1024
    max_redirects: int = 5
    per_host_concurrency: int = 4

    @classmethod
    def from_config(cls, config: Optional[Mapping[str, Any]] = None) -> "Policy":
        """The policy of ``config`` (CKAN's by default); ValueError naming a bad option
        (start-up calls this too, so a bad value stops CKAN rather than the first fetch)."""
        if config is None:
            import ckan.plugins.toolkit as tk
            config = tk.config

        def raw(name: str) -> Any:
            return config.get(f"ckanext.wards.fetch.{name}")

        return _policy_from_values(_as_tuple(raw("allowed_networks")), _as_tuple(raw("allowed_ports")),
                                   raw("timeout"), raw("max_bytes"), raw("max_redirects"),
                                   raw("per_host_concurrency"))

    def allows_port(self, port: int) -> bool:
        return port in STANDARD_PORTS or port in self.allowed_ports

    def allows_host(self, host: str) -> bool:
        return host in self.allowed_hosts

    def allows_address(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.allowed_networks)


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = re.split(r"[\s,]+", value)
    return tuple(str(v).strip() for v in value if str(v).strip())


@functools.lru_cache(maxsize=32)
def _policy_from_values(networks: tuple[str, ...], ports: tuple[str, ...], timeout, max_bytes,
                        max_redirects, concurrency) -> Policy:
    """Parse the options once per distinct value; a bad value is a clear operator error."""
    nets, hosts = [], set()
    for entry in networks:
        try:
            nets.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            host = _normalise_host(entry)
            if host is None or _numeric_host(host):
                raise ValueError(f"ckanext.wards.fetch.allowed_networks: {entry!r} is neither a network "
                                 "(CIDR such as 10.0.0.0/8) nor a host name")
            hosts.add(host)
    allowed_ports = set()
    for entry in ports:
        if not entry.isdigit() or not 0 < int(entry) < 65536:
            raise ValueError(f"ckanext.wards.fetch.allowed_ports: {entry!r} is not a port number")
        allowed_ports.add(int(entry))
    defaults = Policy()
    return Policy(
        allowed_networks=tuple(nets), allowed_hosts=frozenset(hosts), allowed_ports=frozenset(allowed_ports),
        timeout=_positive("timeout", timeout, defaults.timeout, float),
        max_bytes=_positive("max_bytes", max_bytes, defaults.max_bytes, int),
        max_redirects=_positive("max_redirects", max_redirects, defaults.max_redirects, int, zero=True),
        per_host_concurrency=_positive("per_host_concurrency", concurrency, defaults.per_host_concurrency, int),
    )


def _positive(name: str, value, default, kind, zero: bool = False):
    if value is None or value == "":
        return default
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not math.isfinite(number) or number < 0 or (number == 0 and not zero):
        raise ValueError(f"ckanext.wards.fetch.{name}: {value!r} must be a positive number")
    return number


# --- hosts and addresses ----------------------------------------------------------------

_LABEL_RE = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_NUMERIC_PART_RE = re.compile(r"0x[0-9a-f]*|[0-9]+")


def _normalise_host(host: str) -> Optional[str]:
    """Lower-case ASCII (IDNA) host name without a trailing dot; None if it is not one."""
    host = host.strip().lower().rstrip(".")
    if not host:
        return None
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if len(host) > 253 or not all(_LABEL_RE.fullmatch(label) for label in host.split(".")):
        return None
    return host


def _numeric_host(host: str) -> bool:
    """True for hosts every part of which is a number (decimal, octal or hex): the C library
    reads ``2130706433``, ``0x7f.1``, ``0177.0.0.1`` and ``127.1`` as IPv4 addresses."""
    return all(_NUMERIC_PART_RE.fullmatch(part) for part in host.split("."))


def legacy_ipv4(host: str) -> Optional[ipaddress.IPv4Address]:
    """The IPv4 address ``inet_aton`` reads from a numeric host (1 to 4 parts, each decimal,
    ``0``-prefixed octal or ``0x`` hex, the last part filling the remaining bytes);
    None when the host is not a valid numeric address."""
    parts = host.rstrip(".").split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        part = part.lower()
        if part.startswith("0x"):
            digits, base = part[2:] or "0", 16
        elif len(part) > 1 and part.startswith("0"):
            digits, base = part[1:], 8
        else:
            digits, base = part, 10
        try:
            values.append(int(digits, base))
        except ValueError:
            return None
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = 0
    for v in head:
        number = number * 256 + v
    number = number * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(number)


def refusal(address: IPAddress) -> Optional[str]:
    """Why ``address`` may not be fetched by default (None when it is a public address)."""
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return "IPv4-mapped IPv6"
        if address in _IPV4_COMPATIBLE:
            return "IPv4-compatible IPv6" if int(address) > 1 else (
                "unspecified" if address.is_unspecified else "loopback")
        if address in _NAT64 or address in _NAT64_LOCAL:
            return "NAT64"
        embedded = address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and refusal(embedded):
            return "6to4/Teredo of " + refusal(embedded)
        if address.is_site_local:
            return "site-local"
    elif any(address in net for net in _IPV4_SPECIAL):
        return "special-purpose"
    for label in ("loopback", "unspecified", "link_local", "multicast", "private", "reserved"):
        if getattr(address, "is_" + label):
            return label.replace("_", "-")
    if not address.is_global:
        return "not global"
    return None


@dataclass(frozen=True)
class Target:
    """One hop's URL, parsed and checked against the policy (before any DNS)."""

    url: str
    scheme: str
    host: str                       # normalised host name, or the address as text
    port: int
    request_target: str             # path and query, percent-encoded
    literal: Optional[IPAddress]    # the address, when the host is an address

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if self.literal is not None and self.literal.version == 6 else self.host
        return host if self.port == SCHEME_PORTS[self.scheme] else f"{host}:{self.port}"


_UNSAFE_PATH_CHARS_SAFE = "!#$%&'()*+,/:;=?@[]~"


def parse_target(url: str, policy: Policy) -> Target:
    """Scheme, host and port of ``url`` checked against ``policy``; FetchError otherwise."""
    if not isinstance(url, str) or any(ord(c) < 0x20 or c == "\x7f" for c in url):
        raise FetchError("bad_url", "control characters in the URL", url=str(url))
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:
        raise FetchError("bad_url", str(err), url=url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEME_PORTS:
        raise FetchError("bad_scheme", f"scheme {scheme or '(none)'!r}", url=url)
    raw_host = parts.hostname or ""
    if not raw_host:
        raise FetchError("bad_url", "no host", url=url)
    literal: Optional[IPAddress] = None
    if ":" in raw_host:  # an IPv6 literal ([...] in the URL)
        if "%" in raw_host:  # a zone id names an interface of this machine and would reach the Host header
            raise FetchError("bad_url", f"IPv6 zone id in {raw_host!r}", url=url)
        try:
            literal = ipaddress.IPv6Address(raw_host)
        except ValueError:
            raise FetchError("bad_url", f"bad IPv6 address {raw_host!r}", url=url)
        host = str(literal)
    else:
        host = _normalise_host(raw_host)
        if host is None:
            raise FetchError("bad_url", f"bad host name {raw_host!r}", url=url)
        if _numeric_host(host):
            literal = legacy_ipv4(host)
            if literal is None:
                raise FetchError("bad_url", f"bad numeric host {raw_host!r}", url=url)
            host = str(literal)
    port = port or SCHEME_PORTS[scheme]
    if not policy.allows_port(port):
        raise FetchError("bad_port", f"port {port}", url=url)
    target = quote(parts.path or "/", safe=_UNSAFE_PATH_CHARS_SAFE)
    if parts.query:
        target += "?" + quote(parts.query, safe=_UNSAFE_PATH_CHARS_SAFE)
    return Target(url=url, scheme=scheme, host=host, port=port, request_target=target, literal=literal)


def _getaddrinfo(host: str, port: int, deadline: float) -> list[IPAddress]:
    """The host's addresses; the lookup runs in a thread so the deadline holds."""
    box: dict[str, Any] = {}

    def lookup():
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as err:
            box["error"] = err

    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(max(deadline - time.monotonic(), 0))
    if worker.is_alive():
        raise FetchError("timeout", f"DNS lookup of {host}")
    if "error" in box:
        raise FetchError("dns_failed", f"DNS lookup of {host} failed")
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in box["infos"]:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError("dns_failed", f"no address for {host}")
    return addresses


def checked_addresses(target: Target, policy: Policy, deadline: float) -> list[IPAddress]:
    """The addresses to connect to, every one of them checked; a host with any refused
    address is refused as a whole (a name with a private answer is not a public file)."""
    addresses = [target.literal] if target.literal is not None else _getaddrinfo(target.host, target.port, deadline)
    if policy.allows_host(target.host):
        return addresses
    for address in addresses:
        why = refusal(address)
        if why and not policy.allows_address(address):
            shown = target.host if target.literal is not None else f"{target.host} ({address})"
            raise FetchError("refused_address", f"{shown} is {why}", url=target.url)
    return addresses


# --- connections ------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    try:
        import certifi
        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:
        return ssl.create_default_context()


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to a checked address, with SNI and certificate checks for the host name."""

    def __init__(self, address: str, port: int, *, server_hostname: str, timeout: float):
        super().__init__(address, port, timeout=timeout, context=_tls_context())
        self._server_hostname = server_hostname

    def connect(self):
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self._server_hostname)


class _Watchdog:
    """Closes a connection's socket at the deadline, so no read outlives it."""

    def __init__(self, deadline: float):
        self.fired = False
        self.connection: Optional[http.client.HTTPConnection] = None
        # the socket itself: http.client hands it to the response and forgets it
        self.sock: Optional[socket.socket] = None
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self):
        self.fired = True
        sock = self.sock or (self.connection.sock if self.connection is not None else None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self):
        self._timer.cancel()


# A host's semaphore lives while some fetch holds it (weak values): the table does not
# grow with every host the link checker ever met.
_host_slots: "weakref.WeakValueDictionary[tuple[str, int], threading.BoundedSemaphore]" = \
    weakref.WeakValueDictionary()
_host_slots_lock = threading.Lock()


def _host_slot(host: str, limit: int) -> threading.BoundedSemaphore:
    with _host_slots_lock:
        return _host_slots.setdefault((host, limit), threading.BoundedSemaphore(limit))


@dataclass
class Response:
    """The final answer: status, headers (lower-case names), and the body unless it went to
    ``out`` or was not read."""

    url: str
    status: int
    headers: dict[str, str]
    body: Optional[bytes] = None
    size: int = 0
    redirects: list[str] = field(default_factory=list)

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name.lower())

    @property
    def etag(self) -> Optional[str]:
        return self.header("ETag")

    @property
    def last_modified(self) -> Optional[str]:
        return self.header("Last-Modified")

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def conditional_headers(etag: Optional[str] = None, last_modified: Optional[str] = None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a conditional GET (304 when unchanged)."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


RedirectRule = Callable[[str, str], None]


def same_origin_only(current: str, target: str) -> None:
    """A redirect rule: follow redirects only on the same scheme, host and port."""
    a, b = urlsplit(current), urlsplit(target)
    if (a.scheme, a.hostname, a.port) != (b.scheme, b.hostname, b.port):
        raise FetchError("redirect_refused", f"{b.scheme}://{b.netloc}", url=target)


def fetch(url: str, *, method: str = "GET", headers: Optional[Mapping[str, str]] = None,
          out: Optional[IO[bytes]] = None, read_body: bool = True, timeout: Optional[float] = None,
          max_bytes: Optional[int] = None, max_redirects: Optional[int] = None,
          accept: Optional[Iterable[int]] = None, raise_for_status: bool = True,
          redirect_rule: Optional[RedirectRule] = None, policy: Optional[Policy] = None) -> Response:
    """Fetch ``url`` under ``policy`` (default: the configured one).

    ``timeout`` (seconds, total over every hop), ``max_bytes`` and ``max_redirects`` are
    per-call limits falling back to the policy's. The body is returned in ``body``, or
    streamed into ``out``, or not read at all (``read_body=False``; HEAD never has one).
    A status outside ``accept`` (default: 2xx, and 304 for a conditional GET) raises
    ``FetchError("http_status")`` unless ``raise_for_status`` is false.
    """
    policy = policy or Policy.from_config()
    timeout = policy.timeout if timeout is None else float(timeout)
    max_bytes = policy.max_bytes if max_bytes is None else int(max_bytes)
    max_redirects = policy.max_redirects if max_redirects is None else int(max_redirects)
    deadline = time.monotonic() + timeout
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    conditional = any(k.lower() in ("if-none-match", "if-modified-since") for k in sent)
    accepted = set(accept) if accept is not None else set(range(200, 300)) | ({304} if conditional else set())
    method = method.upper()
    current, redirects = url, []
    for _hop in range(max_redirects + 1):
        target = parse_target(current, policy)
        addresses = checked_addresses(target, policy, deadline)
        slot = _host_slot(target.host, policy.per_host_concurrency)
        if not slot.acquire(timeout=max(deadline - time.monotonic(), 0)):
            raise FetchError("timeout", f"waiting for a free connection to {target.host}", url=current)
        try:
            result = _exchange(target, addresses, method, sent, deadline, timeout)
            try:
                status, response_headers, location = result.status, result.headers, result.location
                if status in REDIRECT_STATUSES and location is not None:
                    next_url = urljoin(current, location)
                    if redirect_rule is not None:
                        redirect_rule(current, next_url)
                    redirects.append(current)
                    current = next_url
                    if status == 303 and method != "HEAD":
                        method = "GET"
                    continue
                if raise_for_status and status not in accepted:
                    raise FetchError("http_status", f"HTTP status {status}", url=current, status=status)
                response = Response(url=current, status=status, headers=response_headers, redirects=redirects)
                if read_body and method != "HEAD" and status != 304:
                    _read_body(result, response, out, max_bytes, timeout)
                return response
            finally:
                result.close()
        finally:
            slot.release()
    raise FetchError("too_many_redirects", f"more than {max_redirects} redirects", url=url)


class _Exchange:
    """One request's connection, response and watchdog, closed together."""

    def __init__(self, connection, response, watchdog: _Watchdog):
        self.connection, self.response, self.watchdog = connection, response, watchdog
        self.status = response.status
        self.headers = {k.lower(): v for k, v in response.getheaders()}
        self.location = response.getheader("Location")

    def close(self):
        self.watchdog.cancel()
        self.response.close()
        self.connection.close()


def _exchange(target: Target, addresses: list[IPAddress], method: str, headers: Mapping[str, str],
              deadline: float, timeout: float) -> _Exchange:
    """Send the request to the first checked address that accepts a connection."""
    request_headers = {**headers, "Host": target.host_header, "Connection": "close"}
    last_error: Optional[BaseException] = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(str(address), target.port, server_hostname=target.host,
                                                timeout=remaining)
        else:
            connection = http.client.HTTPConnection(str(address), target.port, timeout=remaining)
        watchdog = _Watchdog(deadline)
        watchdog.connection = connection
        try:
            connection.connect()
            watchdog.sock = connection.sock
            connection.request(method, target.request_target, headers=request_headers)
            return _Exchange(connection, connection.getresponse(), watchdog)
        except ValueError as err:  # http.client's check of the request line and headers
            watchdog.cancel()
            connection.close()
            raise FetchError("bad_url", str(err)[:200], url=target.url)
        except (OSError, http.client.HTTPException) as err:
            watchdog.cancel()
            connection.close()
            if watchdog.fired or isinstance(err, TimeoutError) or time.monotonic() >= deadline:
                raise FetchError("timeout", f"after {timeout:g} s", url=target.url)
            if isinstance(err, http.client.HTTPException) and not isinstance(err, http.client.RemoteDisconnected):
                raise FetchError("bad_response", type(err).__name__, url=target.url)
            last_error = err  # the next checked address, if there is one
    if last_error is None:
        raise FetchError("timeout", f"after {timeout:g} s", url=target.url)
    raise FetchError("unreachable", f"{target.host}: {type(last_error).__name__}", url=target.url)


def _read_body(result: _Exchange, response: Response, out: Optional[IO[bytes]], max_bytes: int,
               timeout: float) -> None:
    declared = result.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"{declared} bytes declared, limit {max_bytes}", url=response.url,
                         limit=max_bytes)
    body = bytearray() if out is None else None
    total = 0
    try:
        while True:
            chunk = result.response.read1(CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise FetchError("too_large", f"more than {max_bytes} bytes", url=response.url, limit=max_bytes)
            if out is None:
                body.extend(chunk)
            else:
                out.write(chunk)
    except (OSError, http.client.HTTPException) as err:
        if result.watchdog.fired or isinstance(err, TimeoutError):
            raise FetchError("timeout", f"after {timeout:g} s", url=response.url)
        raise FetchError("unreachable", f"read failed: {type(err).__name__}", url=response.url)
    if result.watchdog.fired:  # the socket was shut at the deadline: the body is cut short
        raise FetchError("timeout", f"after {timeout:g} s", url=response.url)
    if declared.isdigit() and total < int(declared):
        raise FetchError("unreachable", f"body cut short at {total} of {declared} bytes", url=response.url)
    response.size = total
    response.body = bytes(body) if body is not None else None
