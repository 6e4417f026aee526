"""Per-engine differences are keyed by statement name: a key that names no statement would be ignored."""

from graph_model.cypher.catalog import all_statements
from graph_model.cypher.overrides import NEO4J_OVERRIDES, ONLY_ON


def test_every_override_and_engine_declaration_names_a_statement() -> None:
    names = set(all_statements())
    assert set(NEO4J_OVERRIDES) <= names and set(ONLY_ON) <= names
    assert set(ONLY_ON.values()) <= {"falkordb", "neo4j"}
