"""Reads of persons: by id, by household, and filtered pages.

Every statement takes `$grids`, the grid codes whose rows the caller may see: the
row scope is a predicate of the statement, so out-of-scope rows never leave the graph.
Lookups put the scope test after a `WITH`: given `p.grid IN $grids` beside the id, the
FalkorDB planner scanned the grid index instead (4.6 s instead of 1.6 ms for 50
households' members on `demo`, measured); pages want that index and keep it in the WHERE.
"""

from typing import Final

from graph_model.statement import Statement

_FIELDS: Final = (
    "p.id AS id, p.name AS name, p.id_number AS id_number, p.phone AS phone, p.gender AS gender, "
    "p.birth_date AS birth_date, p.residency AS residency, p.tags AS tags, p.household AS household, "
    "p.grid AS grid, m.relation AS relation"
)

GET_PERSONS_BY_IDS: Final = Statement(
    "GET_PERSONS_BY_IDS",
    "UNWIND $ids AS i MATCH (p:Person {id: i})-[m:MEMBER_OF]->() WITH p, m WHERE p.grid IN $grids RETURN " + _FIELDS,
)
GET_PERSONS_BY_HOUSEHOLDS: Final = Statement(
    "GET_PERSONS_BY_HOUSEHOLDS",
    "UNWIND $ids AS i MATCH (p:Person)-[m:MEMBER_OF]->(:Household {id: i}) WITH p, m WHERE p.grid IN $grids "
    "RETURN " + _FIELDS + " ORDER BY id",
)
# Sort and cut the page on the person alone, then traverse for the page's rows only
# (measured on `demo`: 57 -> 39 ms for one grid, 82 -> 63 ms for the whole city).
LIST_PERSONS: Final = Statement(
    "LIST_PERSONS",
    "MATCH (p:Person) WHERE p.grid IN $grids AND p.id > $after "
    "AND ($name_prefix IS NULL OR p.name STARTS WITH $name_prefix) "
    "AND ($tags IS NULL OR any(t IN $tags WHERE t IN p.tags)) "
    "AND ($born_from IS NULL OR p.birth_date >= $born_from) "
    "AND ($born_to IS NULL OR p.birth_date <= $born_to) "
    "WITH p ORDER BY p.id LIMIT $limit "
    "MATCH (p)-[m:MEMBER_OF]->() RETURN " + _FIELDS + " ORDER BY id",
)
UPDATE_PERSON_PHONE: Final = Statement(
    "UPDATE_PERSON_PHONE",
    "MATCH (p:Person {id: $id}) WITH p WHERE p.grid IN $grids SET p.phone = $phone RETURN p.id AS id",
)
