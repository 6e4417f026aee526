"""Reads of the administrative division tree (city → county → township → village)."""

from typing import Final

from graph_model.statement import Statement

_FIELDS: Final = "d.code AS code, d.name AS name, d.level AS level, d.parent AS parent"

GET_ROOT_DIVISIONS: Final = Statement(
    "GET_ROOT_DIVISIONS",
    "MATCH (d:Division) WHERE d.level = 'city' RETURN " + _FIELDS + " ORDER BY code",
)
GET_DIVISIONS_BY_CODES: Final = Statement(
    "GET_DIVISIONS_BY_CODES",
    "UNWIND $codes AS c MATCH (d:Division {code: c}) RETURN " + _FIELDS,
)
GET_DIVISION_CHILDREN_BY_PARENTS: Final = Statement(
    "GET_DIVISION_CHILDREN_BY_PARENTS",
    "UNWIND $codes AS c MATCH (d:Division)-[:PART_OF]->(:Division {code: c}) RETURN " + _FIELDS + " ORDER BY code",
)
COUNT_DIVISIONS: Final = Statement("COUNT_DIVISIONS", "MATCH (d:Division) RETURN count(d) AS n")
