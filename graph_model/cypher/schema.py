"""Indexes every read path relies on; `wangge db migrate` runs them idempotently.

One statement per (label, property), named `CREATE_INDEX_<LABEL>_<PROPERTY>`; the text is
built from this fixed table of identifiers, never from input. FalkorDB has no
`IF NOT EXISTS`, so its store treats "already indexed" as success; Neo4j gets named
`IF NOT EXISTS` variants from `overrides.py`. The audit trail's data-subject index is one per
engine (an array index on the record on FalkorDB, `AuditAccess` entries on Neo4j: see
`graph_model.cypher.audit`); `overrides.ONLY_ON` says which, and each store creates its own.
"""

import re
from typing import Final

from graph_model.statement import Statement

INDEXED: Final[tuple[tuple[str, str], ...]] = (
    ("Division", "code"),
    ("Grid", "id"),
    ("Grid", "code"),
    ("Building", "id"),
    ("Building", "grid"),
    ("Dwelling", "id"),
    ("Household", "id"),
    ("Household", "grid"),
    ("Person", "id"),
    ("Person", "grid"),
    ("Person", "household"),
    ("Organization", "id"),
    ("Organization", "scope"),
    ("KeyPlace", "id"),
    ("KeyPlace", "grid"),
    ("Department", "code"),
    ("Staff", "id"),
    ("Grant", "subject"),
    ("Grant", "role"),
    ("ResidentAccount", "subject"),
    ("PolicyHead", "id"),
    ("PolicyChange", "id"),
    ("PolicyRule", "role"),
    ("AuditRecord", "id"),
    ("AuditRecord", "seq"),
    ("AuditRecord", "subject"),
    ("AuditRecord", "trace_id"),
    ("AuditChain", "id"),
    ("AuditChainHead", "chain"),
    ("WebSession", "id"),
    ("WebSession", "expires"),
    ("IdempotencyKey", "id"),  # unique on Neo4j: see overrides.py
    ("Case", "id"),
    ("Case", "grid"),
    ("Case", "category"),
    ("Case", "department"),
    ("Case", "reporter"),
    ("Case", "due_at"),  # only open cases have one: overdueCases starts there (LIST_OVERDUE_CASES)
    ("Case", "idempotency"),  # a retried reportCase finds the case its lost attempt made
    ("CaseCounter", "id"),
    ("CaseStep", "event"),
    ("WorkItemType", "code"),
    ("ApiKey", "id"),
    ("Webhook", "id"),
    ("WebhookDelivery", "id"),
    ("WebhookDelivery", "status"),
)


def _index(label: str, prop: str) -> Statement:
    name = "CREATE_INDEX_" + re.sub(r"(?<!^)(?=[A-Z])", "_", label).upper() + "_" + prop.upper()
    return Statement(name, f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")  # type: ignore[arg-type]


CREATE_INDEX_AUDIT_RECORD_DATA_SUBJECTS: Final = _index("AuditRecord", "data_subjects")
CREATE_INDEX_AUDIT_ACCESS_DATA_SUBJECT: Final = _index("AuditAccess", "data_subject")
SCHEMA: Final[tuple[Statement, ...]] = (
    *(_index(label, prop) for label, prop in INDEXED),
    CREATE_INDEX_AUDIT_RECORD_DATA_SUBJECTS,
    CREATE_INDEX_AUDIT_ACCESS_DATA_SUBJECT,
)
