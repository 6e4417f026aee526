"""`caseEvents`: every step of every case in the caller's scope, in the order they were committed.

Each step carries `event`, a number drawn from the case counter under its lock in the same
statement that writes the step, so numbers follow commit order on both engines and a reader
that pages with `after` never misses a step that commits later with a lower number. Department
apps poll this as their change feed; the cursor is the last event number they saw. The scope is
the case's as it is now: when a case is dispatched to a department, its steps numbered after the
department's cursor arrive with it; older ones are in `case { steps }`.
"""

from datetime import datetime
from typing import Self

import strawberry

from api.case.enums import CaseStatus
from api.case.types import Case, build_case, step_values
from api.context import Info
from api.errors import bad_input
from api.fields import classified
from api.pagination import Connection, connection, decode_cursor, page_size
from authz.classes import DataClass
from graph_model.store import Record

WIDTH = 12  # digits of an event number in its cursor


def event_cursor_value(after: str | None) -> int:
    text = decode_cursor(after)
    if not text:
        return 0
    if not text.isascii() or not text.isdigit():
        raise bad_input("malformed cursor")
    return int(text)


@strawberry.type(description="One step of a case, as the change feed delivers it.")
class CaseEvent:
    event: int = classified(DataClass.CASE_BASIC, "Its place in commit order; the feed's cursor.")
    action: str = classified(DataClass.CASE_BASIC)
    at: datetime = classified(DataClass.CASE_BASIC)
    by: str | None = classified(DataClass.CASE_BASIC, "Null for a caller who is not staff.")
    from_status: CaseStatus | None = classified(DataClass.CASE_BASIC)
    to_status: CaseStatus | None = classified(DataClass.CASE_BASIC)
    note: str | None = classified(DataClass.CASE_BASIC, "Null for a caller who is not staff.")
    case_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, row: Record, as_staff: bool) -> Self:
        return cls(event=row["event"], case_id=row["case_id"], **step_values(row, as_staff))

    @classified(DataClass.CASE_BASIC)
    async def case(self, info: Info) -> Case | None:
        row = await info.context.loaders.case_by_id.load(self.case_id)
        return build_case(info, row) if row else None


@strawberry.type
class CaseEventQuery:
    @classified(DataClass.CASE_BASIC, "Steps of the cases in the caller's scope after a cursor, oldest first.")
    async def case_events(
        self, info: Info, after: str | None = None, first: int | None = None
    ) -> Connection[CaseEvent]:
        size = page_size(first, info.context.limits.max_page_size)
        rows = await info.context.loaders.cases.events(event_cursor_value(after), size + 1)
        keyed = [{**row, "id": str(row["event"]).zfill(WIDTH)} for row in rows]
        as_staff = info.context.access.cases.as_staff
        return connection(keyed, size, lambda row: CaseEvent.from_record(row, as_staff))
