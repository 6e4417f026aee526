"""Loaders of the division tree."""

from graph_model.cypher.division import GET_DIVISION_CHILDREN_BY_PARENTS, GET_DIVISIONS_BY_CODES
from graph_model.cypher.grid import GET_GRIDS_WITHIN_DIVISIONS
from loaders.base import RecordByIdLoader, RecordsByKeyLoader


class DivisionByCodeLoader(RecordByIdLoader):
    statement = GET_DIVISIONS_BY_CODES
    param = "codes"
    key_column = "code"


class DivisionsByParentLoader(RecordsByKeyLoader):
    statement = GET_DIVISION_CHILDREN_BY_PARENTS
    param = "codes"
    group_column = "parent"


class GridsByDivisionLoader(RecordsByKeyLoader):
    statement = GET_GRIDS_WITHIN_DIVISIONS
    param = "codes"
    group_column = "division"
