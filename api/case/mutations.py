"""One mutation per lifecycle action (api/case/lifecycle.py), each returning the updated case.

Each declares the class and action the gate checks before it runs: steps of the command centre
(受理, 交办, 流转, 督办, deciding an extension, 核查, 结案) need `assign` on case.basic; reporting,
rating and reopening `report` (what residents hold); the handler's steps `write`. Which of those who pass the gate may take a step on a given case is the
transition table's `Actor`, checked in `actions.act`.
"""

from datetime import datetime

import strawberry

from api import global_id
from api.case import intake
from api.case.actions import Change, act, load, note_text, work_item
from api.case.calendar import CHINA
from api.case.inputs import ReportCaseInput
from api.case.lifecycle import LEVELS
from api.case.services import reopen_until
from api.case.types import Case
from api.context import Info
from api.errors import ApiError, Code, bad_input
from api.fields import classified_mutation
from authz.classes import Action, DataClass
from graph_model.store import Record

B = DataClass.CASE_BASIC
ASSIGN, WRITE, REPORT = Action.ASSIGN, Action.WRITE, Action.REPORT


def _moment(value: datetime) -> datetime:
    """A time the client names; one without an offset is read as China time."""
    return value if value.tzinfo else value.replace(tzinfo=CHINA)


def _future(info: Info, value: datetime) -> datetime:
    moment = _moment(value)
    if moment <= info.context.cases.clock():
        raise bad_input("the time must lie in the future")
    return moment


async def _department(info: Info, row: Record, code: str) -> str:
    """A department of the case's county (departments are county bodies, Art. 4)."""
    known = {d["code"] for d in await info.context.loaders.pages.departments(row["grid"][:6])}
    if code not in known:
        raise bad_input("no such department in the case's county")
    return code


async def _admitted(info: Info, row: Record) -> None:
    """Art. 10: work outside the admitted list is never given to grid staff."""
    if not (await work_item(info, row["category"])).admitted:
        raise ApiError(
            "this work item is not on the admitted list for grid staff", Code.FORBIDDEN, reason="NOT_ADMITTED"
        )


def _unassigned(**assignment: str | None) -> dict[str, str | None]:
    return {"department": None, "assignee": None, "assigned_grid": None, **assignment}


@strawberry.type
class CaseMutation:
    @classified_mutation(B, REPORT, "Report a case (by grid staff, centres, departments, residents).")
    async def report_case(self, info: Info, input: ReportCaseInput) -> Case:
        return await intake.report(info, input)

    @classified_mutation(B, ASSIGN, "受理: the centre accepts a reported case.")
    async def accept_case(self, info: Info, id: strawberry.ID) -> Case:
        return await act(info, await load(info, id), "accept")

    @classified_mutation(B, ASSIGN, "不予受理: the centre rejects a reported case, with a reason.")
    async def reject_case(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        return await act(info, await load(info, id), "reject", Change(note=note_text(reason, True)))

    @classified_mutation(B, ASSIGN, "交办: dispatch to a department, a staff member of the case's grid, or that grid.")
    async def assign_case(
        self,
        info: Info,
        id: strawberry.ID,
        department_code: str | None = None,
        staff_id: strawberry.ID | None = None,
        grid_id: strawberry.ID | None = None,
    ) -> Case:
        row = await load(info, id)
        if sum(x is not None for x in (department_code, staff_id, grid_id)) != 1:
            raise bad_input("give exactly one of departmentCode, staffId and gridId")
        if department_code is not None:
            props = _unassigned(department=await _department(info, row, department_code))
        elif staff_id is not None:
            staff = global_id.decode(staff_id, "Staff")[1]
            if staff not in {s["id"] for s in await info.context.loaders.staff_by_grid.load(row["grid"])}:
                raise bad_input("the staff member does not serve the case's grid")
            await _admitted(info, row)
            props = _unassigned(assignee=staff)
        else:
            if global_id.decode(str(grid_id), "Grid")[1] != row["grid"]:
                raise bad_input("a case is dispatched to its own grid only")
            await _admitted(info, row)
            props = _unassigned(assigned_grid=row["grid"])
        return await act(info, row, "assign", Change(props))

    @classified_mutation(B, WRITE, "签收: the assignee takes the case on.")
    async def sign_case(self, info: Info, id: strawberry.ID) -> Case:
        return await act(info, await load(info, id), "sign")

    @classified_mutation(B, WRITE, "退回: the assignee sends the case back to the centre, with a reason.")
    async def return_case(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        return await act(info, await load(info, id), "return", Change(_unassigned(), note=note_text(reason, True)))

    @classified_mutation(B, ASSIGN, "流转: the centre moves the case to another department.")
    async def transfer_case(self, info: Info, id: strawberry.ID, department_code: str, reason: str) -> Case:
        row = await load(info, id)
        department = await _department(info, row, department_code)
        if department == row["department"]:
            raise bad_input("the case is with that department already")
        return await act(
            info, row, "transfer", Change(_unassigned(department=department), note=note_text(reason, True))
        )

    @classified_mutation(B, WRITE, "上报: move the case up a level (grid → township → county).")
    async def escalate_case(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        row = await load(info, id)
        level = LEVELS.index(row["level"])
        if level + 1 == len(LEVELS):
            raise bad_input("the case is at county level already")
        return await act(info, row, "escalate", Change({"level": LEVELS[level + 1]}, note=note_text(reason, True)))

    @classified_mutation(B, ASSIGN, "督办: the centre sets a new due time.")
    async def supervise_case(self, info: Info, id: strawberry.ID, due_at: datetime, note: str | None = None) -> Case:
        row = await load(info, id)
        return await act(info, row, "supervise", Change(due=_future(info, due_at), note=note_text(note)))

    @classified_mutation(B, WRITE, "延期: the assignee asks, before the due time, for a later one.")
    async def request_extension(self, info: Info, id: strawberry.ID, until: datetime, reason: str) -> Case:
        row = await load(info, id)
        moment = _future(info, until)
        now_ms = info.context.cases.now_ms()
        if row["extension_until"] is not None:
            raise bad_input("an extension request is awaiting decision already")
        if row["due_at"] is None or row["due_at"] <= now_ms:
            raise bad_input("an extension must be asked for before the due time")
        if int(moment.timestamp() * 1000) <= row["due_at"]:
            raise bad_input("the extension must end after the current due time")
        props = {"extension_until": int(moment.timestamp() * 1000)}
        return await act(info, row, "request_extension", Change(props, note=note_text(reason, True)))

    @classified_mutation(B, ASSIGN, "The centre approves or refuses the pending extension.")
    async def decide_extension(self, info: Info, id: strawberry.ID, approved: bool, note: str | None = None) -> Case:
        row = await load(info, id)
        until = row["extension_until"]
        if until is None:
            raise bad_input("no extension is awaiting decision")
        if not approved:
            return await act(info, row, "refuse_extension", Change({"extension_until": None}, note=note_text(note)))
        due = datetime.fromtimestamp(until / 1000, CHINA)
        change = Change({"extension_until": None, "extensions": (row["extensions"] or 0) + 1}, due, note_text(note))
        return await act(info, row, "approve_extension", change)

    @classified_mutation(B, WRITE, "挂账: the assignee suspends handling; the clock stops.")
    async def suspend_case(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        return await act(info, await load(info, id), "suspend", Change(note=note_text(reason, True)))

    @classified_mutation(B, WRITE, "Resume a suspended case; the working time left runs again.")
    async def resume_case(self, info: Info, id: strawberry.ID) -> Case:
        return await act(info, await load(info, id), "resume")

    @classified_mutation(B, WRITE, "办结: the assignee reports the result.")
    async def resolve_case(self, info: Info, id: strawberry.ID, result: str) -> Case:
        return await act(info, await load(info, id), "resolve", Change(note=note_text(result, True)))

    @classified_mutation(B, ASSIGN, "核查: the centre passes the result, or sends it back for rework (返工).")
    async def verify_case(self, info: Info, id: strawberry.ID, passed: bool, note: str | None = None) -> Case:
        row = await load(info, id)
        if passed:
            return await act(info, row, "verify", Change(note=note_text(note)))
        return await act(
            info, row, "rework", Change({"reworks": (row["reworks"] or 0) + 1}, note=note_text(note, True))
        )

    @classified_mutation(B, ASSIGN, "结案: the centre closes a verified case.")
    async def close_case(self, info: Info, id: strawberry.ID) -> Case:
        return await act(info, await load(info, id), "close", Change({"closed_at": info.context.cases.now_ms()}))

    @classified_mutation(B, REPORT, "回访: the reporter (or the centre) rates a closed case, 1 to 5, once.")
    async def rate_case(self, info: Info, id: strawberry.ID, score: int, comment: str | None = None) -> Case:
        row = await load(info, id)
        if not 1 <= score <= 5:
            raise bad_input("score must be between 1 and 5")
        if row["satisfaction"] is not None:
            raise bad_input("the case is rated already")
        return await act(info, row, "rate", Change({"satisfaction": score}, note=note_text(comment)))

    @classified_mutation(B, REPORT, "Reopen a closed case within the configured number of days after closing.")
    async def reopen_case(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        row = await load(info, id)
        services = info.context.cases
        closed = datetime.fromtimestamp((row["closed_at"] or 0) / 1000, CHINA)
        if services.clock() > reopen_until(closed, services.reopen_days):
            raise bad_input(f"a case can be reopened within {services.reopen_days} days of closing only")
        change = Change({"closed_at": None, "satisfaction": None}, note=note_text(reason, True))
        return await act(info, row, "reopen", change)
