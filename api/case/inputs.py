"""Inputs of the case API."""

import strawberry

from api.case.enums import CasePriority, CaseSource, CaseStatus
from api.fields import filter_field
from authz.classes import DataClass


@strawberry.input(description="A new case: where (a building, or a point), what (a work-item code), about whom.")
class ReportCaseInput:
    category: str = strawberry.field(description="A work-item code from `workItemTypes`.")
    description: str
    lat: float | None = None
    lon: float | None = None
    building_id: strawberry.ID | None = None
    person_ids: list[strawberry.ID] | None = filter_field(
        DataClass.PERSON_BASIC, "Persons the case concerns; each must be readable unmasked by the reporter."
    )
    source: CaseSource = CaseSource.GRID
    priority: CasePriority = CasePriority.NORMAL
    anonymous: bool = strawberry.field(default=False, description="Hide the reporter from all but the intake centre.")
    contact_phone: str | None = None


@strawberry.input
class CaseFilter:
    status: CaseStatus | None = filter_field(DataClass.CASE_BASIC, "Cases in this status.")
    category: str | None = filter_field(DataClass.CASE_BASIC, "Cases of this work-item code.")
    grid: strawberry.ID | None = filter_field(DataClass.GRID, "Cases of this grid.")
    division: str | None = filter_field(DataClass.DIVISION, "Cases of this division (code).")
