"""The FalkorDB backend's reply parsing runs in C: without hiredis every read pays pure-Python parsing."""

from redis.utils import HIREDIS_AVAILABLE


def test_replies_are_parsed_by_hiredis() -> None:
    assert HIREDIS_AVAILABLE
