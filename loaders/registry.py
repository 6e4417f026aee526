"""Builds the loaders of one request; called from `get_context`, never shared between requests."""

from dataclasses import dataclass

from graph_model.store import GraphStore
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
from loaders.pages import Pages
from loaders.person import DwellingByIdLoader, HouseholdByIdLoader, PersonByIdLoader, PersonsByHouseholdLoader
from loaders.place import (
    BuildingByIdLoader,
    KeyPlaceByIdLoader,
    OrganizationByIdLoader,
    OrganizationsByBuildingLoader,
)


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


def build_loaders(store: GraphStore) -> Loaders:
    return Loaders(
        division_by_code=DivisionByCodeLoader(store),
        divisions_by_parent=DivisionsByParentLoader(store),
        grids_by_division=GridsByDivisionLoader(store),
        grid_by_id=GridByIdLoader(store),
        staff_by_grid=StaffByGridLoader(store),
        key_places_by_grid=KeyPlacesByGridLoader(store),
        household_count_by_grid=HouseholdCountByGridLoader(store),
        person_count_by_grid=PersonCountByGridLoader(store),
        household_page_by_grid=HouseholdPageByGridLoader(store),
        building_page_by_grid=BuildingPageByGridLoader(store),
        person_by_id=PersonByIdLoader(store),
        persons_by_household=PersonsByHouseholdLoader(store),
        household_by_id=HouseholdByIdLoader(store),
        dwelling_by_id=DwellingByIdLoader(store),
        building_by_id=BuildingByIdLoader(store),
        organization_by_id=OrganizationByIdLoader(store),
        organizations_by_building=OrganizationsByBuildingLoader(store),
        key_place_by_id=KeyPlaceByIdLoader(store),
        pages=Pages(store),
    )
