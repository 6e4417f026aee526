"""Per-engine replacements of statement text, keyed by statement name.

Schema statements differ: Neo4j wants named, `IF NOT EXISTS` index creation so
that `wangge db migrate` is idempotent there too, and a uniqueness constraint where MERGE
must be atomic. The variants are derived from the
shared text, so the two engines cannot drift apart on what is indexed.

One read carries an index hint on Neo4j, which FalkorDB does not parse: the overdue list, whose
`due_at` index holds open cases only. Neo4j's planner picked it on demo data, but on a graph with
few closed cases (the tests' own) it estimated the grid index cheaper; at city scale a wrong guess
would walk a county's million-case history, so the choice is not left to the estimate.
"""

from typing import Final

from graph_model.cypher.case import LIST_OVERDUE_CASES
from graph_model.cypher.schema import SCHEMA


def _neo4j_index(name: str, text: str) -> str:
    return text.replace("CREATE INDEX FOR", f"CREATE INDEX {name.lower()} IF NOT EXISTS FOR", 1)


NEO4J_OVERRIDES: Final[dict[str, str]] = {
    **{s.name: _neo4j_index(s.name, s.text) for s in SCHEMA},
    # A constraint, not an index: it makes concurrent MERGEs of one idempotency key take one node
    # (FalkorDB runs writes one at a time and needs none).
    "CREATE_INDEX_IDEMPOTENCY_KEY_ID": "CREATE CONSTRAINT create_index_idempotency_key_id IF NOT EXISTS "
    "FOR (n:IdempotencyKey) REQUIRE n.id IS UNIQUE",
    LIST_OVERDUE_CASES.name: LIST_OVERDUE_CASES.text.replace(
        "MATCH (c:Case) WHERE", "MATCH (c:Case) USING INDEX c:Case(due_at) WHERE", 1
    ),
}
