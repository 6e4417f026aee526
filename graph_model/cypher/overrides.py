"""Every difference between the engines: replacements of statement text, keyed by statement name,
and the statements that run on one engine only. Callers never branch on the engine themselves.

Schema statements differ: Neo4j wants named, `IF NOT EXISTS` index creation so
that `wangge db migrate` is idempotent there too, and a uniqueness constraint where MERGE
must be atomic. The variants are derived from the
shared text, so the two engines cannot drift apart on what is indexed.

One read carries an index hint on Neo4j, which FalkorDB does not parse: the overdue list, whose
`due_at` index holds open cases only. Neo4j's planner picked it on demo data, but on a graph with
few closed cases (the tests' own) it estimated the grid index cheaper; at city scale a wrong guess
would walk a county's million-case history, so the choice is not left to the estimate.

The audit trail's data-subject index differs (graph_model.cypher.audit): FalkorDB seeks the array
index on each record's `data_subjects`; Neo4j, which indexes no list elements, writes and seeks
`AuditAccess` nodes. So each engine creates only its own index, and only Neo4j has entries to
rebuild (`REINDEX_AUDIT_ACCESS`): those statements are declared in `ONLY_ON`, and a store refuses a
statement that is not for its engine rather than run it (its schema migration leaves it out).
"""

from typing import Final

from graph_model.cypher.audit import NEO4J_TEXT, REINDEX_AUDIT_ACCESS
from graph_model.cypher.case import LIST_OVERDUE_CASES
from graph_model.cypher.schema import (
    CREATE_INDEX_AUDIT_ACCESS_DATA_SUBJECT,
    CREATE_INDEX_AUDIT_RECORD_DATA_SUBJECTS,
    SCHEMA,
)
from graph_model.statement import Statement


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
    **NEO4J_TEXT,
}

ONLY_ON: Final[dict[str, str]] = {
    CREATE_INDEX_AUDIT_RECORD_DATA_SUBJECTS.name: "falkordb",
    CREATE_INDEX_AUDIT_ACCESS_DATA_SUBJECT.name: "neo4j",
    REINDEX_AUDIT_ACCESS.name: "neo4j",
}


class WrongEngine(ValueError):
    """A statement was sent to an engine it is not declared for (a caller's bug, never input)."""


def runs_on(stmt: Statement, backend: str) -> bool:
    return ONLY_ON.get(stmt.name, backend) == backend


def check_engine(stmt: Statement, backend: str) -> None:
    if not runs_on(stmt, backend):
        raise WrongEngine(f"{stmt.name} runs on {ONLY_ON[stmt.name]} only, not on {backend}")
