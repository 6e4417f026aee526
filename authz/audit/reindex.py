"""Index entries by data subject for audit records appended before that index existed (Neo4j).

On Neo4j, appends write a record's `AuditAccess` entries in the record's own statement; a trail older
than that has none, so its records would appear in no data-subject search (an auditor's, or a
resident's own history). Entries are derived from the hashed `data_subjects` of each record, never
from anything else. On FalkorDB there is nothing to do: the search seeks the records' own
`data_subjects` (graph_model.cypher.audit), which every record has had from the start.
"""

from graph_model.cypher.audit import REINDEX_AUDIT_ACCESS
from graph_model.cypher.overrides import runs_on
from graph_model.store import GraphStore

PAGE = 2000


async def reindex(store: GraphStore, page: int = PAGE) -> int | None:
    """Walk every record in id order; returns how many were visited, or None where the engine keeps
    no entries to rebuild (the caller says so instead of reporting a count)."""
    if not runs_on(REINDEX_AUDIT_ACCESS, store.backend):
        return None
    after, visited = "", 0
    while True:
        done = (await store.write(REINDEX_AUDIT_ACCESS, {"after": after, "limit": page}))[0]
        if not done["records"]:
            return visited
        visited += done["records"]
        after = done["last"]
