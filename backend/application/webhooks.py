"""Signed webhook delivery: alert notifications POSTed to users' HTTP endpoints.

A receiver checks a delivery by computing HMAC-SHA256 with the shared secret over the bytes of
`X-ModelCloud-Timestamp`, a full stop and the raw body, and comparing "sha256=" plus its hex digest
with `X-ModelCloud-Signature` in constant time. It should also reject timestamps older than a few
minutes, because the signature alone does not stop a recorded delivery from being replayed.

Because the alerting process sends requests on behalf of users, a URL may not point at loopback,
link-local, unspecified, multicast or cloud metadata addresses unless the operator lists the
address, its network or the host name in MODELCLOUD_WEBHOOK_ALLOWED_HOSTS. Private networks are
allowed, since self-hosted teams send alerts to internal tools.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import re
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from backend.domain.base import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Takes a host name and returns its addresses as text; raises OSError when the name does not resolve.
Resolver = Callable[[str], Sequence[str]]

ALLOWED_HOSTS_VARIABLE = "MODELCLOUD_WEBHOOK_ALLOWED_HOSTS"
MAX_URL_LENGTH = 2000
MAX_DISPLAYED_URL_LENGTH = 200
MAX_RESPONSE_BYTES = 64 * 1024
MAX_RETRY_DELAY_SECONDS = 3600.0
RETRY_GROWTH = 3
USER_AGENT = "ModelCloud-Webhook/1"

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata"})
# AWS, Google, Azure and OpenStack use 169.254.169.254 (and AWS fd00:ec2::254 over IPv6); Alibaba Cloud uses 100.100.100.200.
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                                ipaddress.ip_address("100.100.100.200")})
# IPv6 ranges that carry an IPv4 address in their last 32 bits: IPv4-compatible (::a.b.c.d, deprecated),
# IPv4-translated (::ffff:0:a.b.c.d) and NAT64.
EMBEDDING_NETWORKS = (ipaddress.ip_network("::/96"), ipaddress.ip_network("::ffff:0:0:0/96"), ipaddress.ip_network("64:ff9b::/96"),
                      ipaddress.ip_network("64:ff9b:1::/48"))
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    """Outcome of one delivery: `ok` for a 2xx response, otherwise `error` describes what failed."""

    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: float


@dataclass(frozen=True)
class _Target:
    """A checked webhook URL and the address the request must connect to."""

    url: httpx.URL
    host: str
    address: IPAddress

    @property
    def connect_url(self) -> httpx.URL:
        return self.url.copy_with(host=str(self.address))

    @property
    def host_is_name(self) -> bool:
        return _parse_address(self.host) is None


@dataclass(frozen=True)
class _AllowList:
    """Operator exceptions to the blocked address ranges: networks and exact host names."""

    networks: tuple[IPNetwork, ...]
    hosts: frozenset[str]

    @classmethod
    def parse(cls, entries: Sequence[str]) -> _AllowList:
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        for entry in entries:
            text = entry.strip()
            try:
                networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                if "/" in text:
                    raise ValueError(
                        f"{ALLOWED_HOSTS_VARIABLE} entry {entry!r} is not a valid network; use CIDR such as 127.0.0.0/8"
                    ) from None
                hosts.add(_normalize_host(text))
        return cls(tuple(networks), frozenset(hosts))

    def covers_host(self, host: str) -> bool:
        return _normalize_host(host) in self.hosts

    def covers_address(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)


def resolve_host(host: str) -> list[str]:
    """Resolve `host` with the system resolver and return its distinct addresses in getaddrinfo's order."""
    # NOTE: getaddrinfo has no timeout of its own, so a slow DNS server can delay a delivery beyond its `timeout`.
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_webhook_url(url: str, allowed: Sequence[str], resolve: Resolver = resolve_host) -> str:
    """Return `url` unchanged if deliveries may go to it; raise InvalidInput on field "url" otherwise.

    Every address the host resolves to must be outside the blocked ranges or covered by `allowed`
    (IP addresses, CIDR networks or exact host names). Raises ValueError for a malformed `allowed` network.
    """
    _check(url, allowed, resolve)
    return url


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """Return "sha256=" and the hex HMAC-SHA256 of `timestamp`, a full stop and `body`."""
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: bytes, timestamp: int, body: bytes, signature: str) -> bool:
    """Compare `signature` with `sign(secret, timestamp, body)` in constant time, ignoring the timestamp's age."""
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.encode())


def retry_delay(attempt: int, base_seconds: float) -> float:
    """Return the seconds to wait after failed `attempt` (1 for the first): base × 3^(attempt−1), at most an hour."""
    if attempt < 1:
        raise ValueError(f"attempt must be 1 or more, got {attempt}")
    if not 0 < base_seconds <= MAX_RETRY_DELAY_SECONDS:
        raise ValueError(f"base_seconds must be above 0 and at most {MAX_RETRY_DELAY_SECONDS:g}, got {base_seconds}")

    delay = base_seconds
    for _ in range(attempt - 1):
        delay *= RETRY_GROWTH
        if delay >= MAX_RETRY_DELAY_SECONDS:
            return MAX_RETRY_DELAY_SECONDS
    return delay


def deliver(
    url: str,
    body: bytes,
    secret: bytes,
    *,
    delivery_id: str,
    event: str,
    timestamp: int,
    timeout: float,
    allowed: Sequence[str],
    resolve: Resolver = resolve_host,
) -> Attempt:
    """POST a signed `body` to `url` once, without following redirects, and return the outcome.

    The URL is checked again first, because its host may resolve to another address than when the
    rule was saved, and the request connects to the checked address. A receiver's failure or a
    blocked address is returned as an Attempt with `ok` False; only a malformed `allowed` raises.
    """
    started = time.perf_counter()

    try:
        target = _check(url, allowed, resolve)
    except InvalidInput as error:
        # The message contains the URL, whose path often carries an access token, so it is not logged.
        log.warning("Webhook delivery %s (%s) to %s failed the URL check", delivery_id, event, _host_for_log(url))
        return _attempt(started, status_code=None, error=error.message)

    headers = {
        "Host": target.url.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-ModelCloud-Event": event,
        "X-ModelCloud-Delivery": delivery_id,
        "X-ModelCloud-Timestamp": str(timestamp),
        "X-ModelCloud-Signature": sign(secret, timestamp, body),
    }
    # The request URL carries the checked address, so httpx does not resolve the host again. The Host
    # header and the TLS server name keep the host name, so virtual hosts and certificates still match.
    extensions = {"sni_hostname": target.host} if target.host_is_name else {}

    try:
        status_code = _post(target, body, headers, extensions, timeout, started)
    except httpx.HTTPError as error:
        attempt = _attempt(started, status_code=None, error=_describe(error, target, timeout))
    else:
        attempt = _attempt(started, status_code=status_code, error=_describe_status(status_code))

    host = target.url.netloc.decode("ascii")
    if attempt.ok:
        log.info("Webhook delivery %s (%s) to %s returned %s in %.0f ms", delivery_id, event, host, status_code,
                 attempt.duration_ms)
    else:
        log.warning("Webhook delivery %s (%s) to %s failed: %s", delivery_id, event, host, attempt.error)
    return attempt


def _check(url: str, allowed: Sequence[str], resolve: Resolver) -> _Target:
    allow_list = _AllowList.parse(allowed)
    display_url = _display(url)

    if len(url) > MAX_URL_LENGTH:
        raise _invalid(
            url, f"webhook URL {display_url} is {len(url):,} characters long; at most {MAX_URL_LENGTH:,} are accepted"
        )
    try:
        parsed = httpx.URL(url)
        # The host is decoded on first use, where a malformed internationalized name raises UnicodeError.
        parsed.host  # noqa: B018
        port = parsed.port
    except (httpx.InvalidURL, UnicodeError, ValueError) as error:
        message = f"webhook URL {display_url} is invalid ({error}); use an absolute http:// or https:// URL"
        raise _invalid(url, message) from None
    if port is not None and not 1 <= port <= 65535:
        raise _invalid(url, f"webhook URL {display_url} has port {port}; a port is a number from 1 to 65535")

    if parsed.scheme not in ("http", "https"):
        used = f"uses the {parsed.scheme} scheme" if parsed.scheme else "has no scheme"
        raise _invalid(url, f"webhook URL {display_url} {used}; only http:// and https:// URLs are accepted")
    if not parsed.host:
        raise _invalid(
            url, f"webhook URL {display_url} has no host; use an absolute URL such as https://alerts.example.com/hook"
        )
    if parsed.userinfo:
        raise _invalid(
            url,
            f"webhook URL {display_url} contains a user name or password; remove it, because receivers "
            "authenticate deliveries with the X-ModelCloud-Signature header",
        )

    host = parsed.raw_host.decode("ascii")
    if _normalize_host(host) in METADATA_HOSTS and not allow_list.covers_host(host):
        raise _invalid(
            url,
            f"webhook URL {display_url} names {host}, a cloud metadata host; "
            f"blocked unless {ALLOWED_HOSTS_VARIABLE} lists it",
        )

    addresses = _resolve_addresses(url, host, resolve)
    if not allow_list.covers_host(host):
        for address in addresses:
            reason = _blocked_reason(address)
            if reason is not None and not allow_list.covers_address(address):
                raise _invalid(url, _blocked_message(display_url, host, address, reason))

    return _Target(url=parsed, host=host, address=addresses[0])


def _resolve_addresses(url: str, host: str, resolve: Resolver) -> list[IPAddress]:
    literal = _parse_address(host)
    if literal is not None:
        return [literal]

    try:
        resolved = list(resolve(host))
    except (OSError, UnicodeError) as error:
        raise _invalid(url, f"webhook URL host {host} does not resolve ({error}); check the host name") from None
    if not resolved:
        raise _invalid(url, f"webhook URL host {host} does not resolve to any address; check the host name")

    addresses = []
    for text in resolved:
        address = _parse_address(text)
        if address is None:
            raise _invalid(url, f"webhook URL host {host} resolved to {text!r}, which is not an IP address")
        addresses.append(address)
    return addresses


def _parse_address(text: str) -> IPAddress | None:
    """Parse an IP address, reading an IPv4-mapped IPv6 address as its IPv4 address, or return None for a host name."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if isinstance(address, ipaddress.IPv6Address) and not address.is_unspecified and not address.is_loopback and any(
            address in network for network in EMBEDDING_NETWORKS):
        # Such an address reaches the IPv4 address in its last 32 bits, so it is checked as that address.
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _blocked_reason(address: IPAddress) -> str | None:
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified or address in THIS_NETWORK:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    return None


def _blocked_message(display_url: str, host: str, address: IPAddress, reason: str) -> str:
    if _parse_address(host) is not None:
        return (
            f"webhook URL {display_url} points at {address}, {reason}; "
            f"blocked unless {ALLOWED_HOSTS_VARIABLE} lists it"
        )
    return (
        f"webhook URL {display_url} points at {host}, which resolves to {address}, {reason}; "
        f"blocked unless {ALLOWED_HOSTS_VARIABLE} lists the address or the host name"
    )


def _post(
    target: _Target, body: bytes, headers: dict[str, str], extensions: dict[str, str], timeout: float, started: float
) -> int:
    """Send the request and return the status code, reading at most MAX_RESPONSE_BYTES of the response body."""
    # trust_env=False keeps proxy variables from routing the request elsewhere. The transport still
    # reads SSL_CERT_FILE and SSL_CERT_DIR, so operators can trust an internal certificate authority.
    transport = httpx.HTTPTransport(retries=0)
    with httpx.Client(transport=transport, follow_redirects=False, trust_env=False, timeout=timeout) as client:
        # NOTE: httpx applies `timeout` to each connect, write and read, so a receiver that sends its
        # status line and headers a few bytes at a time can hold a delivery longer than `timeout`.
        with client.stream(
            "POST", target.connect_url, content=body, headers=headers, extensions=extensions
        ) as response:
            _read_some(response, deadline=started + timeout)
            return response.status_code


def _read_some(response: httpx.Response, deadline: float) -> None:
    """Read up to MAX_RESPONSE_BYTES of the raw body, stopping at `deadline` or at a transport error."""
    received = 0
    try:
        for chunk in response.iter_raw(chunk_size=16 * 1024):
            received += len(chunk)
            if received >= MAX_RESPONSE_BYTES or time.perf_counter() >= deadline:
                return
    except httpx.TransportError as error:
        log.debug("Stopped reading a webhook response body after %d bytes: %s", received, error)


def _describe(error: httpx.HTTPError, target: _Target, timeout: float) -> str:
    host = target.url.netloc.decode("ascii")
    where = f"{host} ({target.address})" if target.host_is_name else host

    if isinstance(error, httpx.ConnectTimeout):
        return f"could not connect to {where} within {timeout:g} s"
    if isinstance(error, httpx.TimeoutException):
        return f"no response within {timeout:g} s"
    if isinstance(error, httpx.ConnectError):
        cause = _root_cause(error)
        if isinstance(cause, ConnectionRefusedError):
            return f"connection refused by {where}"
        return f"could not connect to {where}: {cause}"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"{where} closed the connection or sent an invalid HTTP response: {error}"
    return f"request to {where} failed: {error}"


def _describe_status(status_code: int) -> str | None:
    if 200 <= status_code < 300:
        return None
    if 300 <= status_code < 400:
        return f"answered {status_code}; redirects are not followed, so set the webhook URL to the final address"
    return f"answered {status_code}"


def _root_cause(error: BaseException) -> BaseException:
    while True:
        parent = error.__cause__ or error.__context__
        if parent is None:
            return error
        error = parent


def _attempt(started: float, *, status_code: int | None, error: str | None) -> Attempt:
    duration_ms = (time.perf_counter() - started) * 1000
    return Attempt(ok=error is None, status_code=status_code, error=error, duration_ms=duration_ms)


def _host_for_log(url: str) -> str:
    try:
        return httpx.URL(url).host or "no host"
    except httpx.InvalidURL:
        return "an invalid URL"


def _normalize_host(host: str) -> str:
    return host.strip().rstrip(".").lower()


def _redact(url: str) -> str:
    return re.sub(r"(?<=//)[^/?#]*@", "***@", url, count=1)


def _display(url: str) -> str:
    """Return the URL for messages: credentials replaced by ***, cut after MAX_DISPLAYED_URL_LENGTH characters."""
    redacted = _redact(url)
    if len(redacted) > MAX_DISPLAYED_URL_LENGTH:
        return redacted[:MAX_DISPLAYED_URL_LENGTH] + "…"
    return redacted


def _invalid(url: str, message: str) -> InvalidInput:
    return InvalidInput(message, field="url", value=_redact(url)[:MAX_DISPLAYED_URL_LENGTH])
