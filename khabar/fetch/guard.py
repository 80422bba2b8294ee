"""The SSRF guard: which addresses khabar may connect to, checked after DNS resolution.

A URL is only a name; what matters is the address the socket connects to. The guard therefore sits
in the network layer under httpx (a httpcore network backend): for every new connection, the first
request as well as each redirect hop, it resolves the host, refuses the connection when *any*
resolved address is private, loopback, link-local (cloud metadata at 169.254.169.254), multicast,
reserved or otherwise not globally routable, and then connects to the address it checked (so a
second, different DNS answer cannot slip through). Networks the user allows explicitly
(``--allow-net 127.0.0.0/8``) pass.

Also here: :func:`redact` takes user names, passwords and secret-looking query values out of URLs
before they are logged or stored.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpcore

from ..errors import InputError

__all__ = ["NetworkPolicy", "BlockedAddress", "GuardedBackend", "redact", "parse_networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_SECRET_KEYS = re.compile(r"(pass|pwd|secret|token|key|auth|sig|session|credential)", re.I)


class BlockedAddress(Exception):
    """A connection the guard refused; ``reason`` says which address and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDR strings ('127.0.0.0/8', '10.1.2.3') -> networks; a bad one is an InputError."""
    out: list[Network] = []
    for value in values:
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            try:
                out.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise InputError(f"--allow-net needs a network like 127.0.0.0/8 or 10.0.0.5, got {part!r}") from None
    return tuple(out)


def _why_blocked(address: Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    for test, what in (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local, as cloud metadata services are"),
        (address.is_multicast, "multicast"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
    ):
        if test:
            return what
    return None if address.is_global else "not globally routable"


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """Addresses are allowed when globally routable, or inside one of ``allow``."""

    allow: tuple[Network, ...] = ()

    def check(self, host: str, address: str) -> None:
        """Raise BlockedAddress unless khabar may connect to ``address`` (resolved from ``host``)."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(ip.version == net.version and ip in net for net in self.allow):
            return
        why = _why_blocked(ip)
        if why:
            raise BlockedAddress(
                f"{host} resolves to {ip} ({why} address); refused: allow a network explicitly with --allow-net"
            )

    def resolve(self, host: str, port: int) -> list[str]:
        """Every address of ``host``, each checked; raise BlockedAddress on the first refused one."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror}") from None
        # IPv4 and IPv6 socket addresses start with the address text (only a Python built without IPv6
        # gives an IPv6 one as (int, bytes): never connected to, so "no address" rather than a crash)
        addresses = list(dict.fromkeys(a for *_, sockaddr in infos if isinstance(a := sockaddr[0], str)))
        for address in addresses:
            self.check(host, address)
        return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, connecting only to addresses the policy allows."""

    def __init__(self, policy: NetworkPolicy) -> None:
        self.policy = policy
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last: Exception | None = None
        for address in self.policy.resolve(host, port):
            try:
                return self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise BlockedAddress("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def redact(url: str) -> str:
    """The URL without user name and password, and with secret-looking query values replaced."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparseable URL)"
    netloc = parts.netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_SECRET_KEYS.search(k) for k, _ in pairs):
            query = urlencode([(k, "REDACTED" if _SECRET_KEYS.search(k) else v) for k, v in pairs])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
