"""The case lifecycle as one explicit table: which action leads from which status to which, who may
take it, and what it does to the due time.

Modelled on 数字城管 / 12345 practice: 受理 or 不予受理, 交办, 签收 or 退回 (back to the centre for
re-dispatch), 办理 with 延期 (asked by the handler, decided by the centre) and 挂账 (the clock
stops), 办结, 核查 (pass, or 返工 back to handling), 结案, then 回访 (rating, and a reopen within a
configured number of days). 上报 moves a case up a level; 督办 sets a new due time. Anything not
in the table is an illegal transition: BAD_USER_INPUT, and nothing changes.
"""

from dataclasses import dataclass
from enum import Enum
from typing import Final

from api.case.catalogue import Step
from api.case.enums import CaseStatus as S
from api.errors import bad_input


class Actor(Enum):
    """Who, among those who may see the case, may take the step (checked against `CaseScope`)."""

    CENTRE = "centre"  # an operator of the intake centre of the case's grid
    ASSIGNEE = "assignee"  # the department, grid or staff member the case is dispatched to
    GRID_OR_CENTRE = "grid_or_centre"  # the case grid's staff, or its centre
    REPORTER_OR_CENTRE = "reporter_or_centre"  # whoever reported it, or its centre


class Due(Enum):
    """What an action does to the due time."""

    STEP = "step"  # the catalogue's limit for the status entered, from now
    KEEP = "keep"
    CLEAR = "clear"  # a final status has no due time
    GIVEN = "given"  # a time the action names (督办, an approved extension)
    STOP = "stop"  # 挂账: remember the working time left, no due time while suspended
    RESTART = "restart"  # resume: the working time left, from now


@dataclass(frozen=True)
class Transition:
    sources: frozenset[S]
    target: S | None  # None: the status stays
    actor: Actor
    due: Due


def _t(sources: set[S], target: S | None, actor: Actor, due: Due) -> Transition:
    return Transition(frozenset(sources), target, actor, due)


C, A = Actor.CENTRE, Actor.ASSIGNEE
TRANSITIONS: Final[dict[str, Transition]] = {
    "accept": _t({S.REPORTED}, S.ACCEPTED, C, Due.STEP),
    "reject": _t({S.REPORTED}, S.REJECTED, C, Due.CLEAR),
    "escalate": _t({S.REPORTED, S.ACCEPTED}, None, Actor.GRID_OR_CENTRE, Due.KEEP),
    "assign": _t({S.ACCEPTED}, S.ASSIGNED, C, Due.STEP),
    "sign": _t({S.ASSIGNED}, S.SIGNED, A, Due.STEP),
    "return": _t({S.ASSIGNED}, S.ACCEPTED, A, Due.STEP),
    "transfer": _t({S.ASSIGNED, S.SIGNED}, S.ASSIGNED, C, Due.STEP),
    "supervise": _t({S.ASSIGNED, S.SIGNED}, None, C, Due.GIVEN),
    "request_extension": _t({S.SIGNED}, None, A, Due.KEEP),
    "approve_extension": _t({S.SIGNED}, None, C, Due.GIVEN),
    "refuse_extension": _t({S.SIGNED}, None, C, Due.KEEP),
    "suspend": _t({S.SIGNED}, S.SUSPENDED, A, Due.STOP),
    "resume": _t({S.SUSPENDED}, S.SIGNED, A, Due.RESTART),
    "resolve": _t({S.SIGNED}, S.RESOLVED, A, Due.STEP),
    "verify": _t({S.RESOLVED}, S.VERIFIED, C, Due.STEP),
    "rework": _t({S.RESOLVED}, S.SIGNED, C, Due.STEP),
    "close": _t({S.VERIFIED}, S.CLOSED, C, Due.CLEAR),
    "rate": _t({S.CLOSED}, None, Actor.REPORTER_OR_CENTRE, Due.KEEP),
    "reopen": _t({S.CLOSED}, S.ACCEPTED, Actor.REPORTER_OR_CENTRE, Due.STEP),
}

# The time limit that runs while a case is in a status (the catalogue's step list).
LIMIT_OF: Final[dict[S, Step]] = {
    S.REPORTED: Step.ACCEPT,
    S.ACCEPTED: Step.DISPATCH,
    S.ASSIGNED: Step.SIGN,
    S.SIGNED: Step.HANDLE,
    S.RESOLVED: Step.VERIFY,
    S.VERIFIED: Step.VERIFY,
}
OPEN: Final[frozenset[S]] = frozenset(LIMIT_OF) | {S.SUSPENDED}
LEVELS: Final[tuple[str, ...]] = ("grid", "township", "county")


def transition(action: str, status: S) -> Transition:
    """The transition `action` takes from `status`; an illegal one is the client's error."""
    found = TRANSITIONS[action]
    if status not in found.sources:
        allowed = ", ".join(sorted(s.value for s in found.sources))
        raise bad_input(f"cannot {action.replace('_', ' ')} a case that is {status.value} (only from {allowed})")
    return found
