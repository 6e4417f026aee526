"""Loaders of buildings, organizations and key places."""

from graph_model.cypher.place import (
    GET_BUILDINGS_BY_IDS,
    GET_KEY_PLACES_BY_IDS,
    GET_ORGANIZATIONS_BY_BUILDINGS,
    GET_ORGANIZATIONS_BY_IDS,
)
from loaders.base import RecordByIdLoader, RecordsByKeyLoader


class BuildingByIdLoader(RecordByIdLoader):
    statement = GET_BUILDINGS_BY_IDS
    row_type = "Building"


class OrganizationByIdLoader(RecordByIdLoader):
    statement = GET_ORGANIZATIONS_BY_IDS
    row_type = "Organization"


class OrganizationsByBuildingLoader(RecordsByKeyLoader):
    statement = GET_ORGANIZATIONS_BY_BUILDINGS
    group_column = "building"
    row_type = "Organization"


class KeyPlaceByIdLoader(RecordByIdLoader):
    statement = GET_KEY_PLACES_BY_IDS
    row_type = "KeyPlace"
