"""`myAccessHistory`: who read the caller's own record (PIPL Art. 45), after Estonia's Data Tracker.

A resident sees, newest first, which office read which class of their record, when and for what
declared purpose. The office is what the reader's roles in force name (a department, a grid's
staff, a command centre), never the reader: a staff member's subject and name stay in the audit
trail for auditors. Whose history it is comes from the caller's own sign-in (`ResidentAccount`),
so there is no argument that could name anyone else; a caller bound to no person sees nothing.
The look-up is itself recorded with the person as its data subject (an auditor sees it) and left
out of the list it produces.
"""

import json
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Self

import strawberry

from api import global_id
from api.context import Info
from api.fields import classified
from api.pagination import Connection, connection, decode_cursor, page_size
from authz.classes import PERSONAL_CLASSES, DataClass, Role

GRID_ROLES = frozenset(
    {Role.GRID_CHIEF.value, Role.GRID_WORKER.value, Role.GRID_PART_TIME.value, Role.GRID_INSTRUCTOR.value}
)
_PERSONAL = frozenset(c.value for c in PERSONAL_CLASSES)


@strawberry.enum
class OfficeKind(Enum):
    DEPARTMENT = "department"
    GRID_STAFF = "grid_staff"
    COMMAND_CENTRE = "command_centre"
    OTHER = "other"


@strawberry.type(description="An office that read: a department, a grid's staff, a command centre. Never a person.")
class Office:
    kind: OfficeKind
    code: str = strawberry.field(description="Department, division or grid code.")
    name: str | None


@strawberry.type(description="One operation that read or changed the caller's record, as the audit trail holds it.")
class DataAccess:
    at: datetime
    offices: list[Office]
    operation_type: str | None = strawberry.field(description="query (read) or mutation (change).")
    data_classes: list[str] = strawberry.field(description="The personal data classes the operation asked for.")
    purpose: str | None = strawberry.field(description="The declared purpose: case:<id> or reason:<code>.")

    @classmethod
    def from_record(cls, row: dict[str, Any], names: dict[str, str]) -> Self:
        body = json.loads(row["body"])
        classes = row["data_classes"] or []
        return cls(
            at=datetime.fromtimestamp(row["at"] / 1000, UTC),
            offices=[Office(kind=kind, code=code, name=names.get(code)) for kind, code in offices(body)],
            operation_type=body.get("operation_type"),
            data_classes=[c for c in classes if c in _PERSONAL] or classes,
            purpose=row["purpose"],
        )


def offices(body: dict[str, Any]) -> list[tuple[OfficeKind, str]]:
    """The offices the reader's roles in force stand for, each once, in the order of the roles."""
    found: dict[tuple[OfficeKind, str], None] = {}
    for role in body.get("roles", []):
        if role.get("department"):
            found[(OfficeKind.DEPARTMENT, role["department"])] = None
        elif role["role"] in GRID_ROLES:
            found[(OfficeKind.GRID_STAFF, role["jurisdiction"])] = None
        elif role["role"] == Role.CENTRE_OPERATOR.value:
            found[(OfficeKind.COMMAND_CENTRE, role["jurisdiction"])] = None
        else:
            found[(OfficeKind.OTHER, role["jurisdiction"])] = None
    return list(found)


@strawberry.type
class AccessHistoryQuery:
    @classified(
        DataClass.ACCESS_HISTORY,
        "Who read the caller's own record, newest first: offices, classes, times, purposes (PIPL Art. 45).",
    )
    async def my_access_history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[DataAccess]:
        size = page_size(first, info.context.limits.max_page_size)
        reader, subject = info.context.loaders.access_history, info.context.principal.subject
        person = await reader.person_of(subject)
        if person is None:
            return connection([], size, lambda row: DataAccess.from_record(row, {}))
        info.context.access.record("Person", [person])
        rows = await reader.accesses(
            global_id.encode("Person", person), subject, decode_cursor(after) or None, size + 1
        )
        names = await reader.office_names({code for row in rows[:size] for _, code in offices(json.loads(row["body"]))})
        return connection(rows, size, lambda row: DataAccess.from_record(row, names))
