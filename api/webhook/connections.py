"""The dispatcher's connections, checked against `Destinations` when they are made.

`resolve` looks the host up and refuses it unless every address it gets is permitted; registration
calls it (`check`), and so does every connection the dispatcher opens: `CheckedBackend` resolves
the host itself and connects to a checked address, so a DNS answer that changes after the check
(rebinding) is never followed. TLS still verifies the certificate against the host name.
Redirects are not followed, and no proxy from the environment is used (it would move the
connection out of the check).
"""

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

import httpcore2
import httpx2

from api.webhook.destinations import (
    BAD_URL,
    NON_GLOBAL_DESTINATION,
    UNRESOLVED_HOST,
    Address,
    Destinations,
    RefusedDestination,
)

RESOLVE_TIMEOUT = 5.0  # seconds for one host name lookup


async def resolve(destinations: Destinations, host: str, port: int) -> list[Address]:
    """Every address `host` resolves to, all of them permitted; RefusedDestination otherwise."""
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP), RESOLVE_TIMEOUT
        )
    except (OSError, TimeoutError, UnicodeError):
        raise RefusedDestination(UNRESOLVED_HOST, "the url's host does not resolve") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))
    if not addresses:
        raise RefusedDestination(UNRESOLVED_HOST, "the url's host does not resolve")
    if not all(destinations.permits(host, a) for a in addresses):
        raise RefusedDestination(
            NON_GLOBAL_DESTINATION,
            "the url's host resolves to a loopback, link-local, private or otherwise non-global address; "
            "an operator may allow intranet receivers with WANGGE_WEBHOOK_ALLOW",
        )
    return addresses


async def check(destinations: Destinations, url: str) -> str:
    """`url` if the dispatcher may send to it now; RefusedDestination otherwise."""
    await resolve(destinations, *Destinations.parts(url))
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
        addresses = await resolve(self._destinations, host, port)
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
