"""Which cases a caller may see and act on: the row scope of cases, decided with the gate.

Persons have one row scope, the grids where a class may be read. Cases need more: policy says
where a role may read or change case classes (its jurisdiction), and the role says which cases
there are its business (Art. 18, 20):

- grid staff and command-centre operators: every case of the grids of their grant;
- department officers: the cases currently dispatched to their department;
- anyone: the cases they reported themselves (a resident tracks its reports; a grid worker who
  reported a problem in the next grid still sees it).

Beyond that, who may take which step is the state machine's business (`api/case/lifecycle.py`),
using the same scope: a centre operator is the intake centre of the grids of its centre grants,
grid staff handle what is assigned to their grid. 信访 cases (case.petition, L4) are in scope
only in grids where case.petition may be read, and only with a declared purpose. This module
never widens what policy allows: every list is cut to the grids the gate decided.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from authz.capabilities import Capabilities
from authz.classes import Action, DataClass, Role

AREA_ROLES = frozenset(
    {Role.GRID_CHIEF.value, Role.GRID_WORKER.value, Role.GRID_PART_TIME.value, Role.GRID_INSTRUCTOR.value}
)
CENTRE_ROLES = frozenset({Role.CENTRE_OPERATOR.value})
DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_OFFICER.value})
# Roles whose case rules open other people's cases. Through any other role (a resident, an Open311
# channel) a case class opens only the caller's own reports.
CASE_ROLES = AREA_ROLES | CENTRE_ROLES | DEPARTMENT_ROLES


@dataclass(frozen=True)
class CaseScope:
    """Statement parameters (lists, sorted) plus what the state machine asks of the caller."""

    subject: str | None = None
    area: list[str] = field(default_factory=list)  # grids whose every case is in scope
    departments: list[str] = field(default_factory=list)  # cases dispatched to these are in scope …
    dept_grids: list[str] = field(default_factory=list)  # … in these grids
    petition: list[str] = field(default_factory=list)  # grids where 信访 cases are in scope
    staff_grids: frozenset[str] = frozenset()  # grids where the caller is grid staff (handles, escalates)
    centre_grids: frozenset[str] = frozenset()  # grids whose intake centre the caller operates

    @property
    def as_staff(self) -> bool:
        """Whether the caller sees cases as grid staff, a centre or a department, not only as their reporter.
        Only such a caller is shown who took a step, who a case is dispatched to and the steps' notes: a
        resident (or an Open311 channel) learns which office handles its report, never which person, as
        its access history names offices, and staff notes are written for colleagues, not the public."""
        return bool(self.area or self.departments)

    def params(self) -> dict[str, object]:
        return {
            "area": self.area,
            "departments": self.departments,
            "dept_grids": self.dept_grids,
            "reporter": self.subject,
            "petition": self.petition,
        }


NO_CASES = CaseScope()


def _under(grids: Iterable[str], jurisdiction: str) -> set[str]:
    return {g for g in grids if g.startswith(jurisdiction)}


def case_scope(caps: Capabilities, allowed: frozenset[str], catalog: Sequence[str], purpose: str | None) -> CaseScope:
    """`allowed`: the grids the gate decided for the operation's case needs (read, write or assign)."""
    if not allowed:
        return CaseScope(subject=caps.subject)
    area: set[str] = set()
    staff: set[str] = set()
    centre: set[str] = set()
    departments: set[str] = set()
    dept_grids: set[str] = set()
    for grant in caps.grants:
        covered = _under(allowed, grant.jurisdiction)
        if grant.role in AREA_ROLES:
            area |= covered
            staff |= covered
        elif grant.role in CENTRE_ROLES:
            area |= covered
            centre |= covered
        elif grant.role in DEPARTMENT_ROLES and grant.department and covered:
            departments.add(grant.department)
            dept_grids |= covered
    petition = caps.grids(DataClass.CASE_PETITION.value, Action.READ.value, catalog) & allowed if purpose else set()
    return CaseScope(
        subject=caps.subject,
        area=sorted(area),
        departments=sorted(departments),
        dept_grids=sorted(dept_grids),
        petition=sorted(petition),
        staff_grids=frozenset(staff),
        centre_grids=frozenset(centre),
    )
