"""Where a webhook may send: a request-forgery guard for the department-chosen URLs the dispatcher posts to.

A department officer names the URL, and the worker that sends sits inside the platform's network,
next to the graph, the IdP and cloud metadata endpoints. So a destination is refused unless every
address its host resolves to is globally routable (`ipaddress`'s `is_global`, and not multicast):
no loopback, link-local (169.254/16, fe80::/10, metadata services), private, shared (100.64/10),
unspecified or reserved address, IPv4-mapped forms included. An operator lets intranet receivers
through by host name or network in `WANGGE_WEBHOOK_ALLOW` (comma separated, e.g.
`hooks.intranet,10.20.0.0/16`).

The check runs at registration (a clear BAD_USER_INPUT with a stable `reason`) and again on every
connection the dispatcher opens (`api/webhook/connections.py`). This module holds the rules alone,
without the HTTP client, so that reading the settings (every `wangge` command) stays quick.
"""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_URL = 2048

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
