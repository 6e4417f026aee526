"""Taking one step of a case: the transition table checked, the actor checked, the due time
computed, and the change written with its step in one version-guarded statement.

The case is read through the caller's case scope (out of scope answers NOT_FOUND like a missing
case), checked against the table, and written only if it is still at the version that was read:
of two concurrent actions on one case, the second finds the version moved and answers CONFLICT
with nothing written. The answer is the case as written, built from the row read and the change,
because the step may take the case out of the caller's scope (a department that returns a case).
"""

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import strawberry

from api import global_id
from api.case.catalogue import WorkItem
from api.case.enums import CaseStatus
from api.case.lifecycle import LIMIT_OF, Actor, Due, transition
from api.case.types import Case, build_case
from api.context import Info
from api.errors import ApiError, Code, bad_input, not_found
from authz.case_scope import CaseScope
from graph_model.store import Record

MAX_NOTE = 500


@dataclass
class Change:
    """What an action adds to the transition's own effect: properties to set, a given due time, a note."""

    props: dict[str, Any] = field(default_factory=dict)
    due: datetime | None = None
    note: str | None = None


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def note_text(text: str | None, required: bool = False) -> str | None:
    if text is None or not text.strip():
        if required:
            raise bad_input("a reason is required")
        return None
    if len(text) > MAX_NOTE:
        raise bad_input(f"notes are at most {MAX_NOTE} characters")
    return text.strip()


def _check_actor(actor: Actor, row: Record, scope: CaseScope) -> None:
    grid = row["grid"]
    centre = grid in scope.centre_grids
    if actor is Actor.CENTRE and not centre:
        raise ApiError("only the case's command centre may take this step", Code.FORBIDDEN, reason="NOT_CENTRE")
    if actor is Actor.GRID_OR_CENTRE and not (centre or grid in scope.staff_grids):
        raise ApiError("only the case's grid staff or centre may take this step", Code.FORBIDDEN, reason="NOT_GRID")
    if actor is Actor.REPORTER_OR_CENTRE and not (centre or row["reporter"] == scope.subject):
        raise ApiError("only the reporter or the centre may take this step", Code.FORBIDDEN, reason="NOT_REPORTER")
    if actor is Actor.ASSIGNEE and not (
        (row["department"] is not None and row["department"] in scope.departments)
        or (row["assignee"] is not None and row["assignee"] == scope.subject)
        or (row["assigned_grid"] is not None and row["assigned_grid"] in scope.staff_grids)
    ):
        raise ApiError("only whom the case is dispatched to may take this step", Code.FORBIDDEN, reason="NOT_ASSIGNEE")


async def load(info: Info, id: strawberry.ID) -> Record:
    row = await info.context.loaders.case_by_id.load(global_id.decode(id, "Case")[1])
    if row is None:
        raise not_found("Case")
    return row


async def work_item(info: Info, code: str) -> WorkItem:
    row = await info.context.loaders.work_items.load(code)
    if row is None:
        raise bad_input("unknown work-item code")
    return WorkItem.from_record(row)


async def act(info: Info, row: Record, action: str, change: Change | None = None) -> Case:
    ctx = info.context
    change = change or Change()
    status = CaseStatus(row["status"])
    move = transition(action, status)
    _check_actor(move.actor, row, ctx.access.cases)
    target = move.target or status
    now = ctx.cases.clock()
    calendar = ctx.cases.calendar
    props: dict[str, Any] = {"status": target.value, **change.props}
    if move.due is Due.STEP:
        item = await work_item(info, row["category"])
        props["due_at"] = _ms(calendar.add(now, calendar.minutes(item.limit(row["priority"], LIMIT_OF[target]))))
    elif move.due is Due.CLEAR:
        props["due_at"] = None
    elif move.due is Due.GIVEN:
        props["due_at"] = _ms(change.due) if change.due else row["due_at"]
    elif move.due is Due.STOP:
        due = row["due_at"] or _ms(now)
        props["remaining"] = calendar.between(now, datetime.fromtimestamp(due / 1000, now.tzinfo))
        props["due_at"] = None
    elif move.due is Due.RESTART:
        props["due_at"] = _ms(calendar.add(now, row["remaining"] or 0))
        props["remaining"] = None
    if row["due_at"] is not None and _ms(now) > row["due_at"]:
        props["late"] = True  # a step past its due time: never closed on time (按期结案, Art. 23) after this
    step = {"at": _ms(now), "by": ctx.principal.subject, "from_status": status.value, "note": change.note}
    case_id = row["id"]
    if not await ctx.loaders.cases.apply(case_id, row["version"], action, props, step):
        raise ApiError("the case was changed meanwhile; read it again and retry", Code.CONFLICT)
    for loader in (ctx.loaders.case_by_id, ctx.loaders.steps_by_case):  # later fields must not see the old rows
        with contextlib.suppress(KeyError):  # strawberry's clear raises for a key it never cached
            loader.clear(case_id)
    return build_case(info, {**row, **props, "version": row["version"] + 1})
