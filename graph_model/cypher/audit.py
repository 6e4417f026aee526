"""The audit trail: append-only records, hash-chained per writer process, with signed checkpoints.

There is no statement here that changes or deletes a record. Appends come in batches
(one statement per batch, whatever the number of requests waiting on it) and move the
chain's head in the same statement, so a head never points past what was written.
"""

from typing import Final

from graph_model.statement import Statement

# Every stored property of a record: verify recomputes each hash from exactly these columns.
_RECORD: Final = (
    "a.id AS id, a.chain AS chain, a.seq AS seq, a.prev AS prev, a.hash AS hash, a.at AS at, a.body AS body, "
    "a.subject AS subject, a.decision AS decision, a.outcome AS outcome, a.operation_name AS operation_name, "
    "a.data_classes AS data_classes, a.data_subjects AS data_subjects, a.purpose AS purpose, a.trace_id AS trace_id, "
    "a.day AS day, a.jurisdictions AS jurisdictions"
)

APPEND_AUDIT_RECORDS: Final = Statement(
    "APPEND_AUDIT_RECORDS",
    "UNWIND $rows AS r "
    "CREATE (a:AuditRecord {id: r.id, chain: r.chain, seq: r.seq, prev: r.prev, hash: r.hash, at: r.at, "
    "day: r.day, body: r.body, subject: r.subject, decision: r.decision, outcome: r.outcome, "
    "operation_name: r.operation_name, data_classes: r.data_classes, data_subjects: r.data_subjects, "
    "jurisdictions: r.jurisdictions, purpose: r.purpose, trace_id: r.trace_id}) "
    "WITH count(a) AS appended "
    "MERGE (c:AuditChain {id: $chain}) SET c.seq = $seq, c.hash = $hash "
    "RETURN appended",
)
GET_AUDIT_CHAIN_HEADS: Final = Statement(
    "GET_AUDIT_CHAIN_HEADS", "MATCH (c:AuditChain) RETURN c.id AS chain, c.seq AS seq, c.hash AS hash ORDER BY chain"
)
GET_AUDIT_RECORD_CHAINS: Final = Statement(
    "GET_AUDIT_RECORD_CHAINS",
    "MATCH (a:AuditRecord) RETURN a.chain AS chain, count(a) AS records, max(a.seq) AS last ORDER BY chain",
)
GET_AUDIT_RECORDS_BY_SEQ: Final = Statement(
    "GET_AUDIT_RECORDS_BY_SEQ",
    "MATCH (a:AuditRecord) WHERE a.seq >= $from AND a.seq < $to AND a.chain = $chain "
    "RETURN " + _RECORD + " ORDER BY seq",
)
# The auditor's filters; every parameter may be null (= no filter).
_FILTER: Final = (
    "MATCH (a:AuditRecord) WHERE a.id < $before "
    "AND ($subject IS NULL OR a.subject = $subject) "
    "AND ($data_subject IS NULL OR $data_subject IN a.data_subjects) "
    "AND ($data_class IS NULL OR $data_class IN a.data_classes) "
    "AND ($decision IS NULL OR a.decision = $decision) "
    "AND ($since IS NULL OR a.at >= $since) AND ($until IS NULL OR a.at < $until) "
    "AND ($trace_id IS NULL OR a.trace_id = $trace_id) "
    "AND ($jurisdiction IS NULL OR any(j IN a.jurisdictions WHERE j STARTS WITH $jurisdiction "
    "OR $jurisdiction STARTS WITH j)) "
)
LIST_AUDIT_RECORDS: Final = Statement(
    "LIST_AUDIT_RECORDS", _FILTER + "RETURN " + _RECORD + " ORDER BY id DESC LIMIT $limit"
)
COUNT_AUDIT_BY_SUBJECT: Final = Statement(
    "COUNT_AUDIT_BY_SUBJECT", _FILTER + "RETURN a.subject AS key, count(a) AS n ORDER BY n DESC, key LIMIT $limit"
)
COUNT_AUDIT_BY_DATA_CLASS: Final = Statement(
    "COUNT_AUDIT_BY_DATA_CLASS",
    _FILTER + "UNWIND a.data_classes AS key RETURN key, count(a) AS n ORDER BY n DESC, key LIMIT $limit",
)
COUNT_AUDIT_BY_DAY: Final = Statement(
    "COUNT_AUDIT_BY_DAY", _FILTER + "RETURN a.day AS key, count(a) AS n ORDER BY key DESC LIMIT $limit"
)
CREATE_AUDIT_CHECKPOINT: Final = Statement(
    "CREATE_AUDIT_CHECKPOINT",
    "CREATE (k:AuditCheckpoint {id: $id, at: $at, signed: $signed}) RETURN k.id AS id",
)
GET_AUDIT_CHECKPOINTS: Final = Statement(
    "GET_AUDIT_CHECKPOINTS", "MATCH (k:AuditCheckpoint) RETURN k.id AS id, k.at AS at, k.signed AS signed ORDER BY at"
)
