"""Reads of the audit trail for auditors: filtered pages newest first, and counts.

Audit rows are not grid data: who may read them is decided by the gate (class `audit`),
and no row scope applies.
"""

from dataclasses import asdict, dataclass
from typing import Any

from graph_model.cypher.audit import (
    COUNT_AUDIT_BY_DATA_CLASS,
    COUNT_AUDIT_BY_DAY,
    COUNT_AUDIT_BY_DAY_AND_CLASS,
    COUNT_AUDIT_BY_HOUR,
    COUNT_AUDIT_BY_SUBJECT,
    COUNT_AUDIT_OF_DATA_SUBJECT_BY_DATA_CLASS,
    COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY,
    COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY_AND_CLASS,
    COUNT_AUDIT_OF_DATA_SUBJECT_BY_HOUR,
    COUNT_AUDIT_OF_DATA_SUBJECT_BY_SUBJECT,
    LIST_AUDIT_RECORDS,
    LIST_AUDIT_RECORDS_OF_DATA_SUBJECT,
)
from graph_model.statement import Statement
from graph_model.store import GraphStore, Record

NEWEST = "~"  # sorts after every id (ids start with digits); ASCII, as FalkorDB range indexes want
COUNTS = {
    "subject": COUNT_AUDIT_BY_SUBJECT,
    "data_class": COUNT_AUDIT_BY_DATA_CLASS,
    "day": COUNT_AUDIT_BY_DAY,
    "hour": COUNT_AUDIT_BY_HOUR,
    "day_and_class": COUNT_AUDIT_BY_DAY_AND_CLASS,
}
# With a data subject, the same reads start from the data-subject index instead of scanning every record.
COUNTS_OF_DATA_SUBJECT = {
    "subject": COUNT_AUDIT_OF_DATA_SUBJECT_BY_SUBJECT,
    "data_class": COUNT_AUDIT_OF_DATA_SUBJECT_BY_DATA_CLASS,
    "day": COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY,
    "hour": COUNT_AUDIT_OF_DATA_SUBJECT_BY_HOUR,
    "day_and_class": COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY_AND_CLASS,
}


@dataclass(frozen=True)
class AuditQuery:
    subject: str | None = None
    data_subject: str | None = None
    data_class: str | None = None
    decision: str | None = None
    since: int | None = None  # epoch ms, inclusive
    until: int | None = None  # epoch ms, exclusive
    trace_id: str | None = None
    jurisdiction: str | None = None


class AuditReader:
    def __init__(self, store: GraphStore) -> None:
        self._store = store

    async def page(self, query: AuditQuery, before: str | None, limit: int) -> list[Record]:
        params: dict[str, Any] = {**asdict(query), "before": before or NEWEST, "limit": limit}
        stmt = LIST_AUDIT_RECORDS_OF_DATA_SUBJECT if query.data_subject else LIST_AUDIT_RECORDS
        return await self._store.read(stmt, params)

    async def counts(self, query: AuditQuery, by: str, limit: int) -> list[Record]:
        stmt: Statement = (COUNTS_OF_DATA_SUBJECT if query.data_subject else COUNTS)[by]
        return await self._store.read(stmt, {**asdict(query), "before": NEWEST, "limit": limit})
