"""The audit record of one request, filled in as the request goes and written before the response.

Only ids, codes and classes go in: never a name, an ID number, a phone or an address,
and never variables (they can hold any of those). Text the client chose goes in only in a
form checked for that: the operation name (hashed unless plainly a name, see `client_text`)
and the structured purpose (see `purpose`).
"""

import time
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import trace

from api import global_id
from api.purpose import Purpose
from authz.gate import Access, Need
from authz.principal import Principal

DATA_SUBJECT_TYPES = ("Person", "Household")


@dataclass
class AuditDraft:
    started: float = field(default_factory=time.perf_counter)
    at: int = field(default_factory=lambda: int(time.time() * 1000))
    principal: Principal | None = None
    purpose: Purpose | None = None
    grants: list[dict[str, Any]] = field(default_factory=list)
    operation_name: str | None = None
    operation_type: str | None = None
    document_hash: str | None = None
    needs: list[Need] = field(default_factory=list)
    decision: str = "none"  # allow | deny | none (refused before any decision)
    denied_paths: list[str] = field(default_factory=list)
    deciding_rules: list[str] = field(default_factory=list)
    error_codes: list[str] = field(default_factory=list)
    # A write was lost on the way: the record says "unknown", never "error", and its data subjects
    # are the ones the write targeted (see `loaders.writes`), since it may have changed them.
    outcome_unknown: bool = False
    idempotency: str | None = None  # stored | replayed, for a mutation sent with an Idempotency-Key

    def entry(self, access: Access | None, outcome: str, status: int) -> dict[str, Any]:
        subjects: list[str] = []
        for type_name in DATA_SUBJECT_TYPES:
            touched = access.touched.get(type_name, ()) if access else ()
            subjects.extend(global_id.encode(type_name, raw) for raw in sorted(touched))
        span = trace.get_current_span().get_span_context()
        departments = sorted({g["department"] for g in self.grants if g.get("department")})
        entry: dict[str, Any] = {
            "at": self.at,
            "subject": self.principal.subject if self.principal else None,
            "client_id": self.principal.client_id if self.principal else None,
            "roles": self.grants,
            "jurisdictions": sorted({g["jurisdiction"] for g in self.grants}),
            "department": departments[0] if departments else None,
            "operation_name": self.operation_name,
            "operation_type": self.operation_type,
            "document_hash": self.document_hash,
            "data_classes": sorted({n.data_class.value for n in self.needs}),
            "levels": sorted({n.data_class.level.name for n in self.needs}),
            "data_subjects": subjects,
            "purpose": self.purpose.record() if self.purpose else None,
            "decision": self.decision,
            "denied_paths": self.denied_paths,
            "deciding_rules": self.deciding_rules,
            "outcome": "unknown" if self.outcome_unknown else outcome,
            "error_codes": self.error_codes,
            "http_status": status,
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 3),
            "trace_id": format(span.trace_id, "032x") if span.is_valid else None,
        }
        if self.idempotency:
            entry["idempotency"] = self.idempotency
        return entry
