"""Audit records as auditors see them: ids, codes and classes, never personal values."""

import json
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Self

import strawberry


@strawberry.enum
class AuditGroup(Enum):
    SUBJECT = "subject"
    DATA_CLASS = "data_class"
    DAY = "day"
    HOUR = "hour"  # of the day in Beijing time, "00"…"23"
    DAY_AND_CLASS = "day_and_class"  # "<day> <data class>": a record counts once per class it asked for


@strawberry.enum
class ExportFormat(Enum):
    CSV = "csv"
    JSONL = "jsonl"


@strawberry.type(description="A role in force when the request was made.")
class RoleInForce:
    role: str
    jurisdiction: str
    department: str | None


@strawberry.type(description="One operation as the audit trail recorded it, allowed, denied or failed.")
class AuditRecord:
    id: strawberry.ID
    at: datetime
    subject: str | None
    client_id: str | None
    roles: list[RoleInForce]
    decision: str = strawberry.field(description="allow | deny | none (refused before any decision)")
    outcome: str = strawberry.field(
        description="ok | error | refused | shed (refused at capacity, unread) | unknown (a write lost on the way)"
    )
    error_codes: list[str]
    operation_name: str | None
    operation_type: str | None
    document_hash: str | None
    data_classes: list[str]
    levels: list[str]
    data_subjects: list[str] = strawberry.field(
        description="Global ids of the persons and households touched (for outcome unknown: those the write targeted)."
    )
    denied_paths: list[str]
    deciding_rules: list[str] = strawberry.field(description="role|class|action|effect of the rules that bore on it.")
    purpose: str | None
    trace_id: str | None
    duration_ms: float
    shed_count: int | None = strawberry.field(
        description="For outcome shed: requests this worker refused at capacity, from `at` over about a second."
    )
    chain: str
    seq: int

    @classmethod
    def from_record(cls, row: dict[str, Any]) -> Self:
        body = json.loads(row["body"])
        return cls(
            id=strawberry.ID(row["id"]),
            at=datetime.fromtimestamp(row["at"] / 1000, UTC),
            subject=row["subject"],
            client_id=body.get("client_id"),
            roles=[RoleInForce(**r) for r in body.get("roles", [])],
            decision=row["decision"],
            outcome=row["outcome"],
            error_codes=body.get("error_codes", []),
            operation_name=row["operation_name"],
            operation_type=body.get("operation_type"),
            document_hash=body.get("document_hash"),
            data_classes=row["data_classes"] or [],
            levels=body.get("levels", []),
            data_subjects=row["data_subjects"] or [],
            denied_paths=body.get("denied_paths", []),
            deciding_rules=body.get("deciding_rules", []),
            purpose=row["purpose"],
            trace_id=row["trace_id"],
            duration_ms=body.get("duration_ms", 0.0),
            shed_count=body.get("shed_count"),
            chain=row["chain"],
            seq=row["seq"],
        )


@strawberry.type
class AuditCount:
    key: str | None
    count: int
