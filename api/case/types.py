"""Cases (事项) and their steps, and the work-item catalogue, as the API serves them.

Plain fields from one row, relations through loaders. The reporter's identity (case.reporter)
is served only where that class is readable unmasked, and for an anonymous report only to the
intake centre of the case's grid; anyone else gets null. A resident reading its own report in
a grid where it holds no grant also gets null: it knows who it is. A caller who sees cases only as
their reporter (a resident, an Open311 channel) gets no staff member's identity and no step notes
(`CaseScope.as_staff`): it learns the office that handles its report, not the person.
"""

from datetime import datetime
from typing import Annotated, Any, Self

import strawberry

from api import global_id
from api.case.calendar import CHINA
from api.case.enums import CaseLevel, CasePriority, CaseSource, CaseStatus
from api.case.lifecycle import OPEN
from api.context import Info
from api.fields import classified
from authz.classes import DataClass
from authz.gate import Access
from graph_model.store import Record


def case_time(ms: int | None) -> datetime | None:
    """Times are stored as epoch milliseconds and served at +08:00."""
    return None if ms is None else datetime.fromtimestamp(ms / 1000, CHINA)


def reporter_shown(access: Access, grid: str, anonymous: bool) -> bool:
    """Whether the caller sees who reported a case of this grid (resolvers and compiled reads alike)."""
    return access.is_raw(DataClass.CASE_REPORTER, grid) and (not anonymous or grid in access.cases.centre_grids)


def is_overdue(due_ms: int | None, status: CaseStatus, now_ms: int) -> bool:
    return due_ms is not None and due_ms < now_ms and status in OPEN


@strawberry.type(description="An admitted work item (事项准入清单, Art. 10).")
class WorkItemType:
    code: str = classified(DataClass.WORK_ITEM, "What `reportCase(input: {category})` takes.")
    name: str = classified(DataClass.WORK_ITEM)
    category: str = classified(DataClass.WORK_ITEM, "The Art. 10 group of the item.")
    admitted: bool = classified(DataClass.WORK_ITEM, "Whether it may be dispatched to grid staff.")
    lead: str = classified(DataClass.WORK_ITEM, "Department kind that handles it (主办).")
    assist: list[str] = classified(DataClass.WORK_ITEM, "Department kinds that help (协办).")
    version: int = classified(DataClass.WORK_ITEM, "Catalogue version the item was installed from.")

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(code=row["code"], name=row["name"], category=row["category"], admitted=bool(row["admitted"]),
                   lead=row["lead"], assist=list(row["assist"] or ()), version=int(row["version"]))  # fmt: skip


@strawberry.type(description="One step of a case: who did what, when, from which status to which.")
class CaseStep:
    action: str = classified(DataClass.CASE_BASIC)
    at: datetime = classified(DataClass.CASE_BASIC)
    by: str | None = classified(
        DataClass.CASE_BASIC, "The acting subject; null for the report itself, and for a caller who is not staff."
    )
    from_status: CaseStatus | None = classified(DataClass.CASE_BASIC)
    to_status: CaseStatus | None = classified(DataClass.CASE_BASIC)
    note: str | None = classified(DataClass.CASE_BASIC, "Null for a caller who is not staff.")

    @classmethod
    def from_record(cls, row: Record, as_staff: bool) -> Self:
        return cls(**step_values(row, as_staff))


def step_values(row: Record, as_staff: bool) -> dict[str, Any]:
    """A step's fields from its row: a case's steps and the change feed's events read them alike. Who took
    it and its note only for a caller who sees cases as staff (`CaseScope.as_staff`), else null."""
    return {
        "action": row["action"],
        "at": case_time(row["at"]),  # type: ignore[arg-type]
        "by": row["by"] if as_staff else None,
        "from_status": CaseStatus(row["from_status"]) if row["from_status"] else None,
        "to_status": CaseStatus(row["to_status"]) if row["to_status"] else None,
        "note": row["note"] if as_staff else None,
    }


@strawberry.type(description="A case (事项) reported in a grid and handled through the command centres (Art. 18-20).")
class Case:
    id: strawberry.ID
    number: str = classified(DataClass.CASE_BASIC, "The case number, as `Wangge-Purpose: case:<number>` takes it.")
    status: CaseStatus = classified(DataClass.CASE_BASIC)
    category: str = classified(DataClass.CASE_BASIC, "The work-item code.")
    description: str = classified(DataClass.CASE_BASIC)
    priority: CasePriority = classified(DataClass.CASE_BASIC)
    source: CaseSource = classified(DataClass.CASE_BASIC)
    level: CaseLevel = classified(DataClass.CASE_BASIC, "Who handles it: the grid, or a township or county centre.")
    lat: float | None = classified(DataClass.CASE_BASIC)
    lon: float | None = classified(DataClass.CASE_BASIC)
    department: str | None = classified(DataClass.CASE_BASIC, "Department code it is dispatched to.")
    assignee: str | None = classified(
        DataClass.CASE_BASIC, "Staff member it is dispatched to; null for a caller who is not staff."
    )
    assigned_grid: str | None = classified(DataClass.CASE_BASIC, "Grid code it is dispatched to.")
    reported_at: datetime = classified(DataClass.CASE_BASIC)
    due_at: datetime | None = classified(DataClass.CASE_BASIC, "Due time of the current step; null when none runs.")
    overdue: bool = classified(DataClass.CASE_BASIC, "Past its due time and still open.")
    extension_until: datetime | None = classified(DataClass.CASE_BASIC, "A requested extension awaiting decision.")
    satisfaction: int | None = classified(DataClass.CASE_BASIC, "回访 rating, 1 to 5.")
    reworks: int = classified(DataClass.CASE_BASIC, "Times verification sent it back (返工).")
    extensions: int = classified(DataClass.CASE_BASIC, "Extensions approved (延期).")
    duplicate_of: str | None = classified(DataClass.CASE_BASIC, "Number of the first report of the same problem.")
    anonymous: bool = classified(DataClass.CASE_BASIC)
    reporter: str | None = classified(DataClass.CASE_REPORTER, "Who reported it; null unless readable unmasked.")
    contact_phone: str | None = classified(DataClass.CASE_REPORTER, "Null unless readable unmasked.")
    raw_id: strawberry.Private[str]
    grid_code: strawberry.Private[str]

    @classmethod
    def from_record(cls, row: Record, access: Access, now_ms: int) -> Self:
        """The reporter is decided here, once per row, so the field resolvers stay plain attributes."""
        grid = row["grid"]
        shown = reporter_shown(access, grid, row["anonymous"])
        status = CaseStatus(row["status"])
        due = row["due_at"]
        return cls(
            id=strawberry.ID(global_id.encode("Case", row["id"])),
            number=row["id"],
            status=status,
            category=row["category"],
            description=row["description"],
            priority=CasePriority(row["priority"]),
            source=CaseSource(row["source"]),
            level=CaseLevel(row["level"]),
            lat=row["lat"],
            lon=row["lon"],
            department=row["department"],
            assignee=row["assignee"] if access.cases.as_staff else None,
            assigned_grid=row["assigned_grid"],
            reported_at=case_time(row["reported_at"]),  # type: ignore[arg-type]
            due_at=case_time(due),
            overdue=is_overdue(due, status, now_ms),
            extension_until=case_time(row["extension_until"]),
            satisfaction=row["satisfaction"],
            reworks=row["reworks"] or 0,
            extensions=row["extensions"] or 0,
            duplicate_of=row["duplicate_of"],
            anonymous=bool(row["anonymous"]),
            reporter=row["reporter"] if shown else None,
            contact_phone=row["contact"] if shown else None,
            raw_id=row["id"],
            grid_code=grid,
        )

    @classified(DataClass.GRID)
    async def grid(self, info: Info) -> Annotated["Grid", strawberry.lazy("api.grid.types")]:  # noqa: F821
        from api.grid.types import load_grid

        return await load_grid(info, self.grid_code)

    @classified(DataClass.WORK_ITEM)
    async def work_item(self, info: Info) -> WorkItemType | None:
        row = await info.context.loaders.work_items.load(self.category)
        return WorkItemType.from_record(row) if row else None

    @classified(DataClass.CASE_BASIC)
    async def steps(self, info: Info) -> list[CaseStep]:
        rows = await info.context.loaders.steps_by_case.load(self.raw_id)
        return [CaseStep.from_record(r, info.context.access.cases.as_staff) for r in rows]


def build_case(info: Info, row: Record) -> Case:
    return Case.from_record(row, info.context.access, info.context.cases.now_ms())
