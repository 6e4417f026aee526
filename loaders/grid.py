"""Loaders of grids and of what each grid holds."""

from graph_model.cypher.grid import (
    COUNT_HOUSEHOLDS_BY_GRIDS,
    COUNT_PERSONS_BY_GRIDS,
    GET_BUILDING_PAGES_BY_GRIDS,
    GET_GRIDS_BY_IDS,
    GET_HOUSEHOLD_PAGES_BY_GRIDS,
    GET_STAFF_BY_GRIDS,
)
from graph_model.cypher.place import GET_KEY_PLACES_BY_GRIDS
from loaders.base import CountByKeyLoader, PageByParentLoader, RecordByIdLoader, RecordsByKeyLoader


class GridByIdLoader(RecordByIdLoader):
    statement = GET_GRIDS_BY_IDS


class StaffByGridLoader(RecordsByKeyLoader):
    statement = GET_STAFF_BY_GRIDS
    group_column = "grid"


class KeyPlacesByGridLoader(RecordsByKeyLoader):
    statement = GET_KEY_PLACES_BY_GRIDS
    group_column = "grid"
    row_type = "KeyPlace"


class HouseholdCountByGridLoader(CountByKeyLoader):
    statement = COUNT_HOUSEHOLDS_BY_GRIDS
    group_column = "grid"


class PersonCountByGridLoader(CountByKeyLoader):
    statement = COUNT_PERSONS_BY_GRIDS
    group_column = "grid"


class HouseholdPageByGridLoader(PageByParentLoader):
    statement = GET_HOUSEHOLD_PAGES_BY_GRIDS
    parent_column = "grid"
    row_type = "Household"


class BuildingPageByGridLoader(PageByParentLoader):
    statement = GET_BUILDING_PAGES_BY_GRIDS
    parent_column = "grid"
    row_type = "Building"
