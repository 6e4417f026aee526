"""Which addresses a webhook may reach: global ones, and what the operator allows by host or network.

Every address here is an IP literal or `localhost`, which resolve without a DNS server."""

import ipaddress

import pytest

from api.webhook.connections import check
from api.webhook.destinations import (
    BAD_SCHEME,
    BAD_URL,
    NON_GLOBAL_DESTINATION,
    UNRESOLVED_HOST,
    Destinations,
    RefusedDestination,
)

NONE_ALLOWED = Destinations()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "::1",  # loopback
        "169.254.169.254", "fe80::1",  # link-local: cloud metadata services live here
        "10.1.2.3", "172.16.0.1", "192.168.1.1", "fc00::1", "fd12:3456::1",  # private
        "100.64.0.1",  # shared address space (carrier NAT)
        "0.0.0.0", "::", "255.255.255.255",  # unspecified, broadcast
        "192.0.2.1", "2001:db8::1", "198.18.0.1",  # documentation, benchmarking
        "224.0.0.1", "ff02::1",  # multicast
        "::ffff:127.0.0.1", "::ffff:10.0.0.1",  # IPv4-mapped forms of the above
    ],
)  # fmt: skip
def test_non_global_addresses_are_refused(address: str) -> None:
    assert not NONE_ALLOWED.permits("receiver.example", ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "223.5.5.5", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_global_addresses_are_permitted(address: str) -> None:
    assert NONE_ALLOWED.permits("receiver.example", ipaddress.ip_address(address))


def test_the_operator_allows_intranet_receivers_by_network_or_host_name() -> None:
    allowed = Destinations.parse(" 10.20.0.0/16, Hooks.Intranet. ,fd00::/8,,127.0.0.1")
    assert allowed.hosts == frozenset({"hooks.intranet"})
    assert allowed.permits("a.example", ipaddress.ip_address("10.20.3.4"))
    assert not allowed.permits("a.example", ipaddress.ip_address("10.21.3.4"))
    assert allowed.permits("HOOKS.intranet", ipaddress.ip_address("192.168.7.7"))
    assert allowed.permits("a.example", ipaddress.ip_address("fd00::5"))
    assert allowed.permits("a.example", ipaddress.ip_address("127.0.0.1"))
    assert not allowed.permits("a.example", ipaddress.ip_address("127.0.0.2"))
    assert Destinations.parse(None) == Destinations.parse("") == NONE_ALLOWED


@pytest.mark.parametrize("item", ["10.0.0.0/33", "host name", "a/b", "fe80::zz"])
def test_an_allow_list_item_that_is_neither_host_nor_network_is_an_error(item: str) -> None:
    with pytest.raises(ValueError, match="neither a host name nor an IP network"):
        Destinations.parse(item)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://receiver.example/hook", BAD_SCHEME),
        ("file:///etc/passwd", BAD_SCHEME),
        ("gopher://127.0.0.1:6379/_FLUSHALL", BAD_SCHEME),
        ("//receiver.example/hook", BAD_SCHEME),
        ("http://user:pw@receiver.example/", BAD_URL),
        ("http:///hook", BAD_URL),
        ("http://receiver.example:99999/", BAD_URL),
        ("http://receiver.example/a b", BAD_URL),
        ("http://" + "a" * 2050, BAD_URL),
        ("not a url", BAD_URL),
    ],
)
def test_malformed_urls_are_refused_with_their_reason(url: str, reason: str) -> None:
    with pytest.raises(RefusedDestination) as refused:
        Destinations.parts(url)
    assert refused.value.reason == reason


def test_default_ports() -> None:
    assert Destinations.parts("https://receiver.example/hook") == ("receiver.example", 443)
    assert Destinations.parts("http://receiver.example/hook") == ("receiver.example", 80)
    assert Destinations.parts("http://[2606:4700::1]:8443/") == ("2606:4700::1", 8443)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/graphql",
        "http://localhost/",
        "http://[::1]/",
        "http://2130706433/",  # 127.0.0.1 as one number
        "http://0x7f.1/",  # and in hex
        "http://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/hook",
        "http://[::ffff:169.254.169.254]/",
    ],
)
async def test_urls_that_resolve_to_non_global_addresses_are_refused(url: str) -> None:
    with pytest.raises(RefusedDestination) as refused:
        await check(NONE_ALLOWED, url)
    assert refused.value.reason == NON_GLOBAL_DESTINATION


async def test_an_allowed_network_lets_its_receivers_through() -> None:
    allowed = Destinations.parse("127.0.0.1/32")
    assert await check(allowed, "http://127.0.0.1:8080/hook") == "http://127.0.0.1:8080/hook"
    with pytest.raises(RefusedDestination):
        await check(allowed, "http://127.0.0.2:8080/hook")


async def test_a_host_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(RefusedDestination) as refused:
        await check(NONE_ALLOWED, "http://no-such-host.invalid/hook")
    assert refused.value.reason == UNRESOLVED_HOST
