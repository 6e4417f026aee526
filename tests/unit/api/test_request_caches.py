"""The parse and validation caches hit on a repeated operation, and the limits still refuse.

They are shared per process and keyed by what the extensions hand them: a validation
rule made anew per request would make every lookup a miss (it did, before the limiter
rules were built once per schema).
"""

from types import SimpleNamespace

from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from api.audit_draft import AuditDraft
from api.limits import Limits
from api.schema import build_extensions, build_schema

MAXSIZE = 256  # as api/schema.py builds them


def test_validation_rules_are_the_same_objects_for_every_request() -> None:
    extensions = build_extensions(Limits())
    first = [getattr(make(), "validation_rules", None) for make in extensions]
    second = [getattr(make(), "validation_rules", None) for make in extensions]
    assert any(first)
    assert first == second


async def test_repeated_operation_hits_both_caches() -> None:
    schema = build_schema(Limits(), gate=False)
    query = "query CacheProbe { __typename }"
    await schema.execute(query)
    parsed, validated = _get_parse_cache(MAXSIZE).cache_info(), _get_validate_cache(MAXSIZE).cache_info()
    for _ in range(3):
        await schema.execute(query)
    assert _get_parse_cache(MAXSIZE).cache_info().hits == parsed.hits + 3
    assert _get_validate_cache(MAXSIZE).cache_info().hits == validated.hits + 3


async def test_cached_validation_still_applies_the_limits() -> None:
    schema = build_schema(Limits(max_aliases=2), gate=False)
    query = "{ a: __typename b: __typename c: __typename }"
    for _ in range(2):
        result = await schema.execute(query, context_value=SimpleNamespace(audit=AuditDraft()))
        assert result.errors and "aliases" in result.errors[0].message
