"""Reads of households and the dwelling each lives at; `$grids` is the caller's row scope."""

from typing import Final

from graph_model.statement import Statement

_FIELDS: Final = "h.id AS id, h.kind AS kind, h.dwelling AS dwelling, h.grid AS grid"

GET_HOUSEHOLDS_BY_IDS: Final = Statement(
    "GET_HOUSEHOLDS_BY_IDS",
    "UNWIND $ids AS i MATCH (h:Household {id: i}) WITH h WHERE h.grid IN $grids RETURN " + _FIELDS,
)
GET_DWELLINGS_BY_IDS: Final = Statement(
    "GET_DWELLINGS_BY_IDS",
    "UNWIND $ids AS i MATCH (d:Dwelling {id: i}) WITH d WHERE d.scope IN $grids "
    "RETURN d.id AS id, d.unit AS unit, d.room AS room, d.building AS building",
)
LIST_HOUSEHOLDS: Final = Statement(
    "LIST_HOUSEHOLDS",
    "MATCH (h:Household) WHERE h.grid IN $grids AND h.id > $after RETURN " + _FIELDS + " ORDER BY id LIMIT $limit",
)
