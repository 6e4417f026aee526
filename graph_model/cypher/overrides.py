"""Per-engine replacements of statement text, keyed by statement name.

Only schema statements differ: Neo4j wants named, `IF NOT EXISTS` index creation so
that `wangge db migrate` is idempotent there too. The variants are derived from the
shared text, so the two engines cannot drift apart on what is indexed.
"""

from typing import Final

from graph_model.cypher.schema import SCHEMA


def _neo4j_index(name: str, text: str) -> str:
    return text.replace("CREATE INDEX FOR", f"CREATE INDEX {name.lower()} IF NOT EXISTS FOR", 1)


NEO4J_OVERRIDES: Final[dict[str, str]] = {s.name: _neo4j_index(s.name, s.text) for s in SCHEMA}
