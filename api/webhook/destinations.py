"""Where a webhook may send: a request-forgery guard for the department-chosen URLs the dispatcher posts to.

A department officer names the URL, and the worker that sends sits inside the platform's network,
next to the graph, the IdP and cloud metadata endpoints. So a destination is refused unless every
address its host resolves to is globally routable (`ipaddress`'s `is_global`, and not multicast):
no loopback, link-local (169.254/16, fe80::/10, metadata services), private, shared (100.64/10),
unspecified or reserved address, IPv4-mapped forms included. An operator lets intranet receivers
through by host name or network in `WANGGE_WEBHOOK_ALLOW` (comma separated, e.g.
`hooks.intranet,10.20.0.0/16`).

The check runs at registration (a clear BAD_USER_INPUT with a stable `reason`) and again on every
connection the dispatcher opens: `CheckedBackend` resolves the host itself, checks the addresses
and connects to a checked one, so a DNS answer that changes after the check (rebinding) is never
followed. TLS still verifies the certificate against the host name. Redirects are not followed,
and no proxy from the environment is used (it would move the connection out of the check).
"""

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore2
import httpx2

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_URL = 2048
RESOLVE_TIMEOUT = 5.0  # seconds for one host name lookup

# The stable `extensions.reason` of a refused URL.
BAD_URL = "BAD_URL"  # not an absolute URL with a host, has credentials or whitespace, or too long
BAD_SCHEME = "BAD_SCHEME"  # not http or https
UNRESOLVED_HOST = "UNRESOLVED_HOST"  # the host name does not resolve
NON_GLOBAL_DESTINATION = "NON_GLOBAL_DESTINATION"  # it resolves to an address that is not global


class RefusedDestination(Exception):
    """A URL the dispatcher may not send to; `reason` is one of the constants above."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _plain(address: Address) -> Address:
    """The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for, which is where it goes."""
    return address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped else address


@dataclass(frozen=True)
class Destinations:
    """Global addresses, plus the operator's allowed host names and networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, value: str | None) -> "Destinations":
        """From `WANGGE_WEBHOOK_ALLOW`; ValueError for an item that is neither a host name nor a network."""
        hosts: set[str] = set()
        networks: list[Network] = []
        for item in (part.strip().lower() for part in (value or "").split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                if "/" in item or ":" in item or not all(c.isalnum() or c in ".-_" for c in item):
                    raise ValueError(f"{item!r} is neither a host name nor an IP network") from None
                hosts.add(item.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def permits(self, host: str, address: Address) -> bool:
        address = _plain(address)
        if host.lower().rstrip(".") in self.hosts or any(address in net for net in self.networks):
            return True
        return address.is_global and not address.is_multicast

    @staticmethod
    def parts(url: str) -> tuple[str, int]:
        """The host and port of a well-formed http(s) URL; RefusedDestination otherwise."""
        if len(url) > MAX_URL or any(c.isspace() for c in url):
            raise RefusedDestination(BAD_URL, f"url must be an absolute URL of at most {MAX_URL} characters")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise RefusedDestination(BAD_URL, "url is not a well-formed URL") from None
        if parts.scheme not in ("http", "https"):
            raise RefusedDestination(BAD_SCHEME, "url must be an http or https URL")
        if not parts.hostname or parts.username is not None or parts.password is not None:
            raise RefusedDestination(BAD_URL, "url must name a host, without credentials")
        return parts.hostname, port or (443 if parts.scheme == "https" else 80)

    async def resolve(self, host: str, port: int) -> list[Address]:
        """Every address `host` resolves to, all of them permitted; RefusedDestination otherwise."""
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP), RESOLVE_TIMEOUT
            )
        except (OSError, TimeoutError, UnicodeError):
            raise RefusedDestination(UNRESOLVED_HOST, "the url's host does not resolve") from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
        if not addresses:
            raise RefusedDestination(UNRESOLVED_HOST, "the url's host does not resolve")
        if not all(self.permits(host, a) for a in addresses):
            raise RefusedDestination(
                NON_GLOBAL_DESTINATION,
                "the url's host resolves to a loopback, link-local, private or otherwise non-global address; "
                "an operator may allow intranet receivers with WANGGE_WEBHOOK_ALLOW",
            )
        return addresses

    async def check(self, url: str) -> str:
        """`url` if the dispatcher may send to it now; RefusedDestination otherwise."""
        await self.resolve(*self.parts(url))
        return url


class CheckedBackend(httpcore2.AsyncNetworkBackend):
    """Opens TCP connections only to addresses `Destinations` permits, resolving the host itself."""

    def __init__(self, destinations: Destinations) -> None:
        self._destinations = destinations
        self._inner = httpcore2.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        addresses = await self._destinations.resolve(host, port)
        return await self._inner.connect_tcp(str(addresses[0]), port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None
    ) -> httpcore2.AsyncNetworkStream:
        raise RefusedDestination(BAD_URL, "webhooks are sent over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class CheckedTransport(httpx2.AsyncHTTPTransport):
    """httpx2's transport over a connection pool that connects through `CheckedBackend`.

    httpx2 takes no network backend as an argument, so the pool the parent built is replaced by one
    with the same TLS settings and the checked backend; nothing else of the transport changes."""

    def __init__(self, destinations: Destinations) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore2.AsyncConnectionPool(
            ssl_context=httpx2.create_ssl_context(trust_env=False), network_backend=CheckedBackend(destinations)
        )


def checked_client(destinations: Destinations, timeout: float) -> httpx2.AsyncClient:
    """The dispatcher's HTTP client: checked connections, no redirects followed, no proxy from the environment."""
    return httpx2.AsyncClient(
        transport=CheckedTransport(destinations), timeout=timeout, follow_redirects=False, trust_env=False
    )
