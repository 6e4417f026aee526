"""`caseAssessment`: the Art. 23 figures of a division (or a grid) and of its parts over a period.

One query answers the unit asked for, each unit one level down (counties of the city, townships of
a county, villages of a township, grids of a village), with zeros for those without cases, and
each department that holds cases there. The cohort is the cases reported in [from, to):

- received; rejected (不予受理); closed (结案) and closed on time (按期: no step was ever late);
- 结案率 = closed / (received - rejected); 按期结案率 = closed on time / closed;
- 返工率 and 延期率: the share of (received - rejected) reworked at least once / extended at least once;
- median handling time: reported to closed, in hours, over the closed cases; satisfaction: mean 回访 score.

Scoped like cases: the figures count only cases the caller may see, and a division that is not
wholly within the caller's case jurisdiction (grid staff and centres: their grids; departments:
the grids of their grants) is FORBIDDEN, so that no one reads a county's figures computed over the
part of it they happen to see.
"""

from datetime import datetime
from typing import Annotated, Self

import strawberry

from api.case.calendar import CHINA
from api.case.scope import reading_scope
from api.context import Info
from api.errors import ApiError, Code, bad_input, not_found
from api.fields import classified, filter_argument
from api.filters import within
from authz.classes import DataClass
from graph_model.store import Record

B = DataClass.CASE_BASIC
LEVELS = {4: "city", 6: "county", 9: "township", 12: "village", 15: "grid"}
CHILD_LENGTH = {4: 6, 6: 9, 9: 12, 12: 15}
HOUR_MS = 3_600_000


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@strawberry.type(description="Art. 23 figures of one unit (a division, a grid or a department) over a period.")
class AssessmentFigures:
    code: str = classified(B, "Division, grid or department code.")
    name: str | None = classified(B)
    kind: str = classified(B, "city, county, township, village, grid or department.")
    received: int = classified(B, "Cases reported in the period.")
    rejected: int = classified(B, "Of those, not accepted (不予受理).")
    closed: int = classified(B, "Of those, closed (结案).")
    closed_on_time: int = classified(B, "Closed with no step ever past its due time (按期结案).")
    closure_rate: float | None = classified(B, "结案率: closed / (received - rejected).")
    on_time_rate: float | None = classified(B, "按期结案率: closed on time / closed.")
    rework_rate: float | None = classified(B, "返工率: reworked at least once / (received - rejected).")
    extension_rate: float | None = classified(B, "延期率: extended at least once / (received - rejected).")
    median_handling_hours: float | None = classified(B, "Median hours from report to closing, closed cases.")
    rated: int = classified(B, "Closed cases rated at 回访.")
    satisfaction: float | None = classified(B, "Mean 回访 score, 1 to 5.")

    @classmethod
    def from_record(cls, code: str, name: str | None, kind: str, row: Record | None) -> Self:
        row = row or {}
        received, rejected, closed = row.get("received", 0), row.get("rejected", 0), row.get("closed", 0)
        accepted = received - rejected
        median, satisfaction = row.get("median_ms"), row.get("satisfaction")
        return cls(
            code=code,
            name=name,
            kind=kind,
            received=received,
            rejected=rejected,
            closed=closed,
            closed_on_time=row.get("closed_on_time", 0),
            closure_rate=_share(closed, accepted),
            on_time_rate=_share(row.get("closed_on_time", 0), closed),
            rework_rate=_share(row.get("reworked", 0), accepted),
            extension_rate=_share(row.get("extended", 0), accepted),
            median_handling_hours=None if median is None else round(median / HOUR_MS, 2),
            rated=row.get("rated", 0),
            satisfaction=None if satisfaction is None else round(satisfaction, 2),
        )


@strawberry.type(description="Art. 23 assessment of a division and its parts over a period.")
class CaseAssessment:
    division: AssessmentFigures = classified(B, "The division (or grid) asked for, as a whole.")
    children: list[AssessmentFigures] = classified(B, "Each unit one level down, with or without cases.")
    departments: list[AssessmentFigures] = classified(B, "Each department that holds cases of the period.")


async def _children(info: Info, code: str) -> list[tuple[str, str | None]]:
    loaders = info.context.loaders
    if len(code) not in CHILD_LENGTH:
        return []
    if CHILD_LENGTH[len(code)] == 15:
        return [(g["code"], g["name"]) for g in await loaders.grids_by_division.load(code)]
    return [(d["code"], d["name"]) for d in await loaders.divisions_by_parent.load(code)]


async def _name(info: Info, code: str) -> str | None:
    if len(code) == 15:
        found = [g["name"] for g in await info.context.loaders.grids_by_division.load(code) if g["code"] == code]
        return found[0] if found else None
    row = await info.context.loaders.division_by_code.load(code)
    return row["name"] if row else None


def _ms(moment: datetime) -> int:
    return int((moment if moment.tzinfo else moment.replace(tzinfo=CHINA)).timestamp() * 1000)


@strawberry.type
class CaseAssessmentQuery:
    @classified(
        B, "Art. 23 figures of a division or grid, its parts and its departments, for cases reported in [from, to)."
    )
    async def case_assessment(
        self,
        info: Info,
        division_code: Annotated[str, filter_argument(DataClass.DIVISION, "A division or grid code.")],
        from_: Annotated[datetime, filter_argument(B, "Cases reported from this time on.", name="from")],
        to: Annotated[datetime, filter_argument(B, "Cases reported before this time; from is inclusive.")],
    ) -> CaseAssessment:
        code = within(None, division_code)
        start, end = _ms(from_), _ms(to)
        if start >= end:
            raise bad_input("from must lie before to")
        grids = {g for g in info.context.policy.grids if g.startswith(code)}
        if not grids:
            raise not_found("Division")
        scope = await reading_scope(info.context)
        if not grids <= set(scope.area) | set(scope.dept_grids):
            message = "the division is not wholly within your case jurisdiction"
            raise ApiError(message, Code.FORBIDDEN, reason="OUTSIDE_JURISDICTION")
        child_length = CHILD_LENGTH.get(len(code), len(code))
        rows = await info.context.loaders.cases.assess(scope, code, (start, end), child_length)
        found = {(r["grouping"], r["unit"]): r for r in rows}
        departments = {d["code"]: d["name"] for d in await info.context.loaders.pages.departments(code[:6])}
        whole = AssessmentFigures.from_record(
            code, await _name(info, code), LEVELS[len(code)], found.get(("total", code))
        )
        return CaseAssessment(
            division=whole,
            children=[
                AssessmentFigures.from_record(c, name, LEVELS[len(c)], found.get(("child", c)))
                for c, name in await _children(info, code)
            ],
            departments=[
                AssessmentFigures.from_record(unit, departments.get(unit), "department", row)
                for (grouping, unit), row in found.items()
                if grouping == "department"
            ],
        )
