"""The published schema: every reachable field of personal, household, building, case or
organization data declares its data class, and the committed SDL is what the code builds."""

from pathlib import Path

from graphql import GraphQLObjectType, get_named_type

from api.fields import DATA_CLASS, NODE_ENTRY
from api.limits import Limits
from api.operation_needs import ROW_TYPES
from api.schema import build_schema

SDL = Path(__file__).parents[3] / "api" / "schema.graphql"
DOMAIN_TYPES = ROW_TYPES | {"Grid", "Division", "Staff", "Department"}
PLUMBING = {"id", "edges", "nodes", "pageInfo", "cursor", "node", "hasNextPage", "endCursor"}


def reachable_types(schema: object) -> set[str]:
    gql = schema._schema  # type: ignore[attr-defined]
    seen: set[str] = set()
    todo = [gql.query_type, gql.mutation_type]
    while todo:
        current = todo.pop()
        if current is None or current.name in seen or not isinstance(current, GraphQLObjectType):
            continue
        seen.add(current.name)
        todo.extend(get_named_type(f.type) for f in current.fields.values())
        todo.extend(gql.get_possible_types(i)[0] for i in current.interfaces if gql.get_possible_types(i))
    return seen | {t.name for t in gql.type_map.values() if isinstance(t, GraphQLObjectType) and t.interfaces}


def test_every_reachable_field_is_classified() -> None:
    schema = build_schema(Limits())
    gql = schema._schema
    missing = []
    for type_name in sorted(reachable_types(schema)):
        gtype = gql.type_map[type_name]
        roots = type_name in ("Query", "Mutation")
        if not roots and type_name not in DOMAIN_TYPES:
            continue
        for name, field in gtype.fields.items():
            meta = field.extensions["strawberry-definition"].metadata or {}
            if (name in PLUMBING and not roots) or meta.get(NODE_ENTRY):
                continue
            if DATA_CLASS not in meta:
                missing.append(f"{type_name}.{name}")
    assert missing == []
    assert "Person" in reachable_types(schema) and "AuditRecord" in reachable_types(schema)


def test_committed_sdl_matches_the_code() -> None:
    """Regenerate with: .venv/bin/python -c 'from api.schema import build_schema; from api.limits import Limits;
    print(build_schema(Limits()).as_str())' > api/schema.graphql"""
    assert SDL.read_text() == build_schema(Limits()).as_str() + "\n"
