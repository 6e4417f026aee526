"""What an attacker with write access to the graph would run against the audit trail.

These statements exist only in tests: the product has none that change or delete a record.
"""

from graph_model.statement import Statement

ALTER_RECORD = Statement("TEST_ALTER_AUDIT_RECORD", "MATCH (a:AuditRecord {id: $id}) SET a.subject = $subject")
# On FalkorDB a data-subject search reads `data_subjects` itself (graph_model.cypher.audit): rewriting it
# would hide a read from a resident's "who read my data", or pin one on someone else.
FORGE_DATA_SUBJECTS = Statement(
    "TEST_FORGE_AUDIT_DATA_SUBJECTS", "MATCH (a:AuditRecord {id: $id}) SET a.data_subjects = $data_subjects"
)
DELETE_RECORD = Statement("TEST_DELETE_AUDIT_RECORD", "MATCH (a:AuditRecord {id: $id}) DELETE a")
SWAP_SEQ = Statement(
    "TEST_SWAP_AUDIT_SEQ",
    "MATCH (a:AuditRecord {id: $first}) MATCH (b:AuditRecord {id: $second}) "
    "WITH a, b, a.seq AS sa, b.seq AS sb SET a.seq = sb, b.seq = sa",
)
INSERT_RECORD = Statement(
    "TEST_INSERT_AUDIT_RECORD",
    "CREATE (:AuditRecord {id: $id, chain: $chain, seq: $seq, prev: $prev, hash: $hash, at: $at, body: '{}'})",
)
DELETE_CHECKPOINTS = Statement("TEST_DELETE_AUDIT_CHECKPOINTS", "MATCH (k:AuditCheckpoint) DELETE k")
# Heads are appended per batch (graph_model.cypher.audit): rewinding removes the newer ones and
# leaves (or puts back) one at the chosen point.
REWIND_HEAD = Statement(
    "TEST_REWIND_AUDIT_HEAD",
    "OPTIONAL MATCH (h:AuditChainHead) WHERE h.chain = $chain AND h.seq >= $seq DELETE h "
    "WITH count(*) AS removed CREATE (:AuditChainHead {chain: $chain, seq: $seq, hash: $hash})",
)
