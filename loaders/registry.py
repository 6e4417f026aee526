"""Builds the loaders of one request; called from `get_context`, never shared between requests.

`scope` is the request's row scope, filled in by the gate before any loader runs.
"""

from dataclasses import dataclass

from graph_model.store import GraphStore
from loaders.access_history import AccessHistoryReader
from loaders.audit import AuditReader
from loaders.case import CaseByIdLoader, CaseRowScope, Cases, StepsByCaseLoader, WorkItemsLoader
from loaders.division import DivisionByCodeLoader, DivisionsByParentLoader, GridsByDivisionLoader
from loaders.grid import (
    BuildingPageByGridLoader,
    GridByIdLoader,
    HouseholdCountByGridLoader,
    HouseholdPageByGridLoader,
    KeyPlacesByGridLoader,
    PersonCountByGridLoader,
    StaffByGridLoader,
)
from loaders.idempotency import IdempotencyKeys
from loaders.pages import Pages
from loaders.person import DwellingByIdLoader, HouseholdByIdLoader, PersonByIdLoader, PersonsByHouseholdLoader
from loaders.place import (
    BuildingByIdLoader,
    KeyPlaceByIdLoader,
    OrganizationByIdLoader,
    OrganizationsByBuildingLoader,
)
from loaders.webhook import Webhooks
from loaders.writes import Writes


@dataclass(frozen=True)
class Loaders:
    division_by_code: DivisionByCodeLoader
    divisions_by_parent: DivisionsByParentLoader
    grids_by_division: GridsByDivisionLoader
    grid_by_id: GridByIdLoader
    staff_by_grid: StaffByGridLoader
    key_places_by_grid: KeyPlacesByGridLoader
    household_count_by_grid: HouseholdCountByGridLoader
    person_count_by_grid: PersonCountByGridLoader
    household_page_by_grid: HouseholdPageByGridLoader
    building_page_by_grid: BuildingPageByGridLoader
    person_by_id: PersonByIdLoader
    persons_by_household: PersonsByHouseholdLoader
    household_by_id: HouseholdByIdLoader
    dwelling_by_id: DwellingByIdLoader
    building_by_id: BuildingByIdLoader
    organization_by_id: OrganizationByIdLoader
    organizations_by_building: OrganizationsByBuildingLoader
    key_place_by_id: KeyPlaceByIdLoader
    pages: Pages
    audit: AuditReader
    access_history: AccessHistoryReader
    writes: Writes
    idempotency: IdempotencyKeys
    case_by_id: CaseByIdLoader
    steps_by_case: StepsByCaseLoader
    work_items: WorkItemsLoader
    cases: Cases
    webhooks: Webhooks


def build_loaders(store: GraphStore, scope: CaseRowScope) -> Loaders:
    return Loaders(
        division_by_code=DivisionByCodeLoader(store, scope),
        divisions_by_parent=DivisionsByParentLoader(store, scope),
        grids_by_division=GridsByDivisionLoader(store, scope),
        grid_by_id=GridByIdLoader(store, scope),
        staff_by_grid=StaffByGridLoader(store, scope),
        key_places_by_grid=KeyPlacesByGridLoader(store, scope),
        household_count_by_grid=HouseholdCountByGridLoader(store, scope),
        person_count_by_grid=PersonCountByGridLoader(store, scope),
        household_page_by_grid=HouseholdPageByGridLoader(store, scope),
        building_page_by_grid=BuildingPageByGridLoader(store, scope),
        person_by_id=PersonByIdLoader(store, scope),
        persons_by_household=PersonsByHouseholdLoader(store, scope),
        household_by_id=HouseholdByIdLoader(store, scope),
        dwelling_by_id=DwellingByIdLoader(store, scope),
        building_by_id=BuildingByIdLoader(store, scope),
        organization_by_id=OrganizationByIdLoader(store, scope),
        organizations_by_building=OrganizationsByBuildingLoader(store, scope),
        key_place_by_id=KeyPlaceByIdLoader(store, scope),
        pages=Pages(store, scope),
        audit=AuditReader(store),
        access_history=AccessHistoryReader(store),
        writes=Writes(store, scope),
        idempotency=IdempotencyKeys(store),
        case_by_id=CaseByIdLoader(store, scope),
        steps_by_case=StepsByCaseLoader(store, scope),
        work_items=WorkItemsLoader(store),
        cases=Cases(store, scope),
        webhooks=Webhooks(store),
    )
