"""The auditor's API: filter, page, count and export the audit trail (class `audit`).

An export is an operation like any other, so it is itself on the record.
"""

import csv
import io
import json
from datetime import UTC, datetime

import strawberry

from api.auditing.types import AuditCount, AuditGroup, AuditRecord, ExportFormat
from api.context import Info
from api.errors import bad_input
from api.fields import classified
from api.pagination import Connection, connection, decode_cursor, page_size
from authz.classes import Action, DataClass
from loaders.audit import AuditQuery

MAX_EXPORT = 10_000
EXPORT_COLUMNS = ("id", "at", "subject", "decision", "outcome", "operation_name", "data_classes", "data_subjects",
                  "purpose", "trace_id", "chain", "seq", "hash")  # fmt: skip


# The audit trail's time range: epoch milliseconds, from the epoch to the last representable year.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)


def _ms(moment: datetime | None) -> int | None:
    """Epoch milliseconds of a filter bound; a time without an offset is UTC. Outside the trail's
    range the bound is the client's error (a naive year-1 time cannot even be converted)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if not EARLIEST <= aware <= LATEST:
        raise bad_input("from and to must lie between 1970-01-01 and 9999-12-31 (UTC)")
    return int(aware.timestamp() * 1000)


@strawberry.input
class AuditFilter:
    subject: str | None = None
    data_subject: str | None = strawberry.field(default=None, description="A person's or household's global id.")
    data_class: str | None = None
    decision: str | None = strawberry.field(default=None, description="allow, deny or none.")
    from_: datetime | None = strawberry.field(default=None, name="from")
    to: datetime | None = None
    trace_id: str | None = None
    jurisdiction: str | None = strawberry.field(default=None, description="Division or grid code of a role in force.")

    def query(self) -> AuditQuery:
        decision = self.decision.lower() if self.decision else None  # allow | deny | none, any case
        return AuditQuery(self.subject, self.data_subject, self.data_class, decision, _ms(self.from_),
                          _ms(self.to), self.trace_id, self.jurisdiction)  # fmt: skip


@strawberry.type
class AuditQueryRoot:
    @classified(DataClass.AUDIT, "Audit records, newest first.", action=Action.READ_AUDIT)
    async def audit_records(
        self, info: Info, first: int | None = None, after: str | None = None, filter: AuditFilter | None = None
    ) -> Connection[AuditRecord]:
        size = page_size(first, info.context.limits.max_page_size)
        query = (filter or AuditFilter()).query()
        rows = await info.context.loaders.audit.page(query, decode_cursor(after) or None, size + 1)
        return connection(rows, size, AuditRecord.from_record)

    @classified(DataClass.AUDIT, "Record counts per subject, data class or day.", action=Action.READ_AUDIT)
    async def audit_counts(self, info: Info, by: AuditGroup, filter: AuditFilter | None = None) -> list[AuditCount]:
        rows = await info.context.loaders.audit.counts((filter or AuditFilter()).query(), by.value, 1000)
        return [AuditCount(key=r["key"], count=r["n"]) for r in rows]

    @classified(DataClass.AUDIT, "Matching records as CSV or JSON lines (at most 10,000).", action=Action.EXPORT)
    async def audit_export(
        self, info: Info, format: ExportFormat, filter: AuditFilter | None = None, limit: int = MAX_EXPORT
    ) -> str:
        rows = await info.context.loaders.audit.page(
            (filter or AuditFilter()).query(), None, min(max(limit, 1), MAX_EXPORT)
        )
        if format is ExportFormat.JSONL:
            return "".join(json.dumps({c: r.get(c) for c in EXPORT_COLUMNS}, ensure_ascii=False) + "\n" for r in rows)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(EXPORT_COLUMNS)
        for r in rows:
            writer.writerow([";".join(r[c]) if isinstance(r.get(c), list) else r.get(c) for c in EXPORT_COLUMNS])
        return out.getvalue()
