"""Loaders of persons and households."""

from graph_model.cypher.household import GET_DWELLINGS_BY_IDS, GET_HOUSEHOLDS_BY_IDS
from graph_model.cypher.person import GET_PERSONS_BY_HOUSEHOLDS, GET_PERSONS_BY_IDS
from loaders.base import RecordByIdLoader, RecordsByKeyLoader


class PersonByIdLoader(RecordByIdLoader):
    statement = GET_PERSONS_BY_IDS
    row_type = "Person"


class PersonsByHouseholdLoader(RecordsByKeyLoader):
    statement = GET_PERSONS_BY_HOUSEHOLDS
    group_column = "household"
    row_type = "Person"


class HouseholdByIdLoader(RecordByIdLoader):
    statement = GET_HOUSEHOLDS_BY_IDS
    row_type = "Household"


class DwellingByIdLoader(RecordByIdLoader):
    statement = GET_DWELLINGS_BY_IDS
    row_type = "Dwelling"
