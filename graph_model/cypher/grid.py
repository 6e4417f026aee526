"""Reads of grids and of what hangs off a grid (staff, counts, pages of its households and buildings).

Pages per grid are batched over several grids at once: a grid holds at most ~500
households (Art. 9), so collecting and slicing per grid stays cheap. The cursor compares
`toString(h.id)`, not `h.id`: given a range on `id` beside the grid's equality, FalkorDB's planner
scans the id index instead of the grid's, which at `city` scale (800k households) took 1.4 s for
one grid's first page and over 10 s for ten (38 ms and 0.22 s compared as text; measured).
"""

from typing import Final

from graph_model.statement import Statement

_FIELDS: Final = (
    "g.id AS id, g.code AS code, g.name AS name, g.kind AS kind, g.boundary AS boundary, g.village AS village"
)

GET_GRIDS_BY_IDS: Final = Statement("GET_GRIDS_BY_IDS", "UNWIND $ids AS i MATCH (g:Grid {id: i}) RETURN " + _FIELDS)
GET_GRIDS_WITHIN_DIVISIONS: Final = Statement(
    "GET_GRIDS_WITHIN_DIVISIONS",
    "UNWIND $codes AS c MATCH (g:Grid) WHERE g.code STARTS WITH c RETURN c AS division, " + _FIELDS + " ORDER BY code",
)
GET_ALL_GRID_CODES: Final = Statement("GET_ALL_GRID_CODES", "MATCH (g:Grid) RETURN g.code AS code ORDER BY code")
GET_STAFF_BY_GRIDS: Final = Statement(
    "GET_STAFF_BY_GRIDS",
    "UNWIND $ids AS i MATCH (s:Staff)-[r:SERVES]->(:Grid {id: i}) "
    "RETURN i AS grid, s.id AS id, s.name AS name, s.phone AS phone, r.role AS role ORDER BY id",
)
COUNT_HOUSEHOLDS_BY_GRIDS: Final = Statement(
    "COUNT_HOUSEHOLDS_BY_GRIDS",
    "UNWIND $ids AS i MATCH (h:Household {grid: i}) RETURN i AS grid, count(h) AS n",
)
COUNT_PERSONS_BY_GRIDS: Final = Statement(
    "COUNT_PERSONS_BY_GRIDS",
    "UNWIND $ids AS i MATCH (p:Person {grid: i}) RETURN i AS grid, count(p) AS n",
)
GET_HOUSEHOLD_PAGES_BY_GRIDS: Final = Statement(
    "GET_HOUSEHOLD_PAGES_BY_GRIDS",
    "UNWIND $keys AS k MATCH (h:Household {grid: k.grid}) WHERE toString(h.id) > k.after WITH k, h WHERE h.grid IN $grids "
    "WITH k, h ORDER BY h.id "
    "WITH k, collect({id: h.id, kind: h.kind, dwelling: h.dwelling, grid: h.grid}) AS rows "
    "RETURN k.grid AS grid, k.after AS after, rows[0..k.limit] AS rows",
)
GET_BUILDING_PAGES_BY_GRIDS: Final = Statement(
    "GET_BUILDING_PAGES_BY_GRIDS",
    "UNWIND $keys AS k MATCH (b:Building {grid: k.grid}) WHERE toString(b.id) > k.after WITH k, b WHERE b.grid IN $grids "
    "WITH k, b ORDER BY b.id "
    "WITH k, collect({id: b.id, address: b.address, kind: b.kind, lat: b.lat, lon: b.lon, grid: b.grid}) "
    "AS rows RETURN k.grid AS grid, k.after AS after, rows[0..k.limit] AS rows",
)
