"""The walk: what the gate collects from a document and its variables, against the served schema.

The differential test (tests/e2e/test_needs_match_execution.py) holds the walk to what execution
resolves over random documents; these cases pin the rules it follows, one by one.
"""

from typing import Any

from graphql import GraphQLArgument, GraphQLInputField, GraphQLInputObjectType, get_named_type, parse

from api import global_id
from api.fields import DATA_CLASS
from api.limits import Limits
from api.operation_needs import collect_needs
from api.schema import build_schema
from authz.classes import Action, DataClass
from authz.gate import Need, Needs

SCHEMA = build_schema(Limits())._schema
HOUSEHOLD = global_id.encode("Household", "hh-330802001001001-0000")
# Arguments that look a row up by its key or page through rows: the field's own class covers them.
LOOKUPS_AND_PAGING = {"id", "code", "first", "after", "afterEvent"}
# Policy and audit queries filter governance records, not personal data; their classes cover them.
GOVERNANCE = {DataClass.POLICY, DataClass.AUDIT}


def needs(query: str, **variables: Any) -> Needs:
    collected = collect_needs(SCHEMA, parse(query), None, variables)
    assert isinstance(collected, Needs), collected
    return collected


def test_a_variable_default_is_seen_as_execution_sees_it() -> None:
    query = 'query($i: ID! = "%s") { node(id: $i) { id } }'.replace("%s", HOUSEHOLD)
    assert needs(query).fields == (Need("node", "node", DataClass.HOUSEHOLD, Action.READ, ("Household",)),)
    person = global_id.encode("Person", "per-1")
    assert needs(query, i=person).fields[0].data_class is DataClass.PERSON_BASIC


def test_conditions_use_their_defaults() -> None:
    query = "query($hide: Boolean = true) { persons { nodes { name tags @skip(if: $hide) } } }"
    assert "persons.nodes.tags" not in {n.path for n in needs(query).fields}
    assert "persons.nodes.tags" in {n.path for n in needs(query, hide=False).fields}


def test_filters_are_raw_needs_with_response_and_schema_paths() -> None:
    query = "query($f: PersonFilter) { p: persons(filter: $f) { nodes { id } } }"
    collected = needs(query, f={"tags": ["veteran"], "namePrefix": "张", "grid": None})
    filters = {(n.path, n.schema_path, n.data_class) for n in collected.fields if n.raw}
    assert filters == {
        ("p(filter.tags)", "persons(filter.tags)", DataClass.PERSON_SENSITIVE),
        ("p(filter.namePrefix)", "persons(filter.namePrefix)", DataClass.PERSON_BASIC),
    }
    assert all(n.row_types == ("Person",) for n in collected.fields if n.raw)
    nested = needs("query($a: Int) { persons(filter: {ageMin: $a, tags: null}) { nodes { id } } }", a=60)
    assert [n.path for n in nested.fields if n.raw] == ["persons(filter.ageMin)"]


def test_introspection_is_collected_and_typename_is_free() -> None:
    collected = needs('{ __typename s: __schema { types { name } } __type(name: "Person") { name } }')
    assert collected.fields == ()
    assert collected.introspection == (("s", "__schema"), ("__type", "__type"))


def test_variables_that_do_not_coerce_are_graphql_cores_own_errors() -> None:
    errors = collect_needs(SCHEMA, parse("query($n: Int!) { persons(first: $n) { nodes { id } } }"), None, {"n": "x"})
    assert isinstance(errors, list) and "$n" in errors[0].message


def _tests_values(declared: GraphQLArgument | GraphQLInputField, where: str) -> list[str]:
    """Where an argument or input field tests stored values without declaring the class it tests."""
    named = get_named_type(declared.type)
    if isinstance(named, GraphQLInputObjectType):
        return [m for name, f in named.fields.items() for m in _tests_values(f, f"{where}.{name}")]
    meta = declared.extensions["strawberry-definition"].metadata or {}
    return [] if DATA_CLASS in meta or where.rpartition("(")[2].rstrip(")") in LOOKUPS_AND_PAGING else [where]


def test_every_filter_of_the_domain_declares_its_class() -> None:
    unclassified = []
    for type_name, gtype in SCHEMA.type_map.items():
        if type_name.startswith("__") or not hasattr(gtype, "fields") or isinstance(gtype, GraphQLInputObjectType):
            continue
        for field_name, definition in gtype.fields.items():
            meta = definition.extensions["strawberry-definition"].metadata or {}
            if type_name == "Mutation" or meta.get(DATA_CLASS) in GOVERNANCE:
                continue
            for arg_name, argument in definition.args.items():
                unclassified += _tests_values(argument, f"{type_name}.{field_name}({arg_name})")
    assert unclassified == []
    tags = SCHEMA.type_map["PersonFilter"].fields["tags"]  # type: ignore[attr-defined]
    assert tags.description.endswith("[person.sensitive, L4, unmasked]")
