"""Index entries by data subject for audit records appended before that index existed.

Appends write a record's entries in the record's own statement; a trail older than that has none,
so its records would appear in no data-subject search (an auditor's, or a resident's own history).
Entries are derived from the hashed `data_subjects` of each record, never from anything else.
"""

from graph_model.cypher.audit import REINDEX_AUDIT_ACCESS
from graph_model.store import GraphStore

PAGE = 2000


async def reindex(store: GraphStore, page: int = PAGE) -> int:
    """Walk every record in id order; returns how many were visited."""
    after, visited = "", 0
    while True:
        done = (await store.write(REINDEX_AUDIT_ACCESS, {"after": after, "limit": page}))[0]
        if not done["records"]:
            return visited
        visited += done["records"]
        after = done["last"]
