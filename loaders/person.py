"""Loaders of persons and households."""

from graph_model.cypher.household import GET_DWELLINGS_BY_IDS, GET_HOUSEHOLDS_BY_IDS
from graph_model.cypher.person import GET_PERSONS_BY_HOUSEHOLDS, GET_PERSONS_BY_IDS
from loaders.base import RecordByIdLoader, RecordsByKeyLoader


class PersonByIdLoader(RecordByIdLoader):
    statement = GET_PERSONS_BY_IDS


class PersonsByHouseholdLoader(RecordsByKeyLoader):
    statement = GET_PERSONS_BY_HOUSEHOLDS
    group_column = "household"


class HouseholdByIdLoader(RecordByIdLoader):
    statement = GET_HOUSEHOLDS_BY_IDS


class DwellingByIdLoader(RecordByIdLoader):
    statement = GET_DWELLINGS_BY_IDS
