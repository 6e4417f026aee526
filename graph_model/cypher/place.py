"""Reads of buildings, organizations, key places and departments; `$grids` is the caller's row scope."""

from typing import Final

from graph_model.statement import Statement

_BUILDING: Final = "b.id AS id, b.address AS address, b.kind AS kind, b.lat AS lat, b.lon AS lon, b.grid AS grid"
_ORGANIZATION: Final = "o.id AS id, o.name AS name, o.uscc AS uscc, o.kind AS kind, o.building AS building"
_KEY_PLACE: Final = "k.id AS id, k.name AS name, k.kind AS kind, k.risk AS risk, k.grid AS grid"

GET_BUILDINGS_BY_IDS: Final = Statement(
    "GET_BUILDINGS_BY_IDS",
    "UNWIND $ids AS i MATCH (b:Building {id: i}) WITH b WHERE b.grid IN $grids RETURN " + _BUILDING,
)
GET_ORGANIZATIONS_BY_IDS: Final = Statement(
    "GET_ORGANIZATIONS_BY_IDS",
    "UNWIND $ids AS i MATCH (o:Organization {id: i}) WITH o WHERE o.scope IN $grids RETURN " + _ORGANIZATION,
)
GET_ORGANIZATIONS_BY_BUILDINGS: Final = Statement(
    "GET_ORGANIZATIONS_BY_BUILDINGS",
    "UNWIND $ids AS i MATCH (o:Organization)-[:LOCATED_IN]->(:Building {id: i}) WITH o WHERE o.scope IN $grids "
    "RETURN " + _ORGANIZATION + " ORDER BY id",
)
LIST_ORGANIZATIONS: Final = Statement(
    "LIST_ORGANIZATIONS",
    "MATCH (o:Organization) WHERE o.scope IN $grids AND o.id > $after "
    "AND ($kind IS NULL OR o.kind = $kind) AND ($name_prefix IS NULL OR o.name STARTS WITH $name_prefix) "
    "RETURN " + _ORGANIZATION + " ORDER BY id LIMIT $limit",
)
GET_KEY_PLACES_BY_IDS: Final = Statement(
    "GET_KEY_PLACES_BY_IDS",
    "UNWIND $ids AS i MATCH (k:KeyPlace {id: i}) WITH k WHERE k.grid IN $grids RETURN " + _KEY_PLACE,
)
GET_KEY_PLACES_BY_GRIDS: Final = Statement(
    "GET_KEY_PLACES_BY_GRIDS",
    "UNWIND $ids AS i MATCH (k:KeyPlace {grid: i}) WITH k WHERE k.grid IN $grids RETURN " + _KEY_PLACE + " ORDER BY id",
)
LIST_KEY_PLACES: Final = Statement(
    "LIST_KEY_PLACES",
    "MATCH (k:KeyPlace) WHERE k.grid IN $grids AND k.id > $after "
    "AND ($kind IS NULL OR k.kind = $kind) AND ($risk IS NULL OR k.risk = $risk) "
    "RETURN " + _KEY_PLACE + " ORDER BY id LIMIT $limit",
)
GET_DEPARTMENTS: Final = Statement(
    "GET_DEPARTMENTS",
    "MATCH (d:Department) WHERE d.division STARTS WITH $within "
    "RETURN d.code AS code, d.name AS name, d.division AS division ORDER BY code",
)
