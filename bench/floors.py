"""The floor of bench/read_api: one hand-written statement per benchmarked request.

Benchmark-only (not part of graph_model's registered statements, never sent by the service):
each returns exactly the data of one benchmarked GraphQL response, in its order, in one
round trip, with the same row scope (`$grids`) the API applies. The served request is timed
against it through the same driver in the same run, so the ratio says what the API adds over
the least the graph has to do. Where the engines differ (Neo4j 5.26 deprecates the importing
`WITH` inside `CALL`, which FalkorDB needs), the variant is chosen here, per engine.
"""

from typing import Final

from graph_model.statement import Statement

PERSON_FIELDS: Final = ".id, .name, .gender, .birth_date, .id_number, .phone, .tags"

# (a) person(id) { id name gender birthDate idNumber phone tags household { id kind } grid { id code name } }
FLOOR_PERSON: Final = Statement(
    "FLOOR_PERSON",
    "MATCH (p:Person {id: $id})-[:MEMBER_OF]->(h:Household) WITH p, h WHERE p.grid IN $grids AND h.grid IN $grids "
    "MATCH (g:Grid {id: p.grid}) "
    f"RETURN p {{{PERSON_FIELDS}, household: h {{.id, .kind}}, grid: g {{.id, .code, .name}}}} AS person",
)

_MEMBERS: Final = (
    "MATCH (p:Person)-[:MEMBER_OF]->(h) WITH p WHERE p.grid IN $grids WITH p ORDER BY p.id "
    "RETURN collect(p {.id, .name, .gender, .birth_date, .id_number}) AS members"
)
# The households by `$id` itself, not through the grid node's `g.id`: FalkorDB's planner then uses the
# household index (6.2 ms instead of 19.9 ms on `demo`, measured).
_GRID_PAGE: Final = (
    "MATCH (h:Household {{grid: $id}}) WITH h WHERE h.grid IN $grids WITH h ORDER BY h.id LIMIT $first "
    "CALL {members} "
    "WITH collect(h {{.id, members: members}}) AS households "
    "MATCH (g:Grid {{id: $id}}) RETURN g {{.id, .code, .name, households: households}} AS grid"
)
# (b) grid(id) { id code name households(first: 50) { nodes { id members { id name gender birthDate idNumber } } } }
FLOOR_GRID_PAGE: Final = {
    "falkordb": Statement("FLOOR_GRID_PAGE", _GRID_PAGE.format(members="{ WITH h " + _MEMBERS + " }")),
    "neo4j": Statement("FLOOR_GRID_PAGE", _GRID_PAGE.format(members="(h) { " + _MEMBERS + " }")),
}

# (c) persons(first: 50, filter: {division, ageMin}) { nodes { id name gender birthDate idNumber phone tags } }
FLOOR_PERSONS: Final = Statement(
    "FLOOR_PERSONS",
    "MATCH (p:Person) WHERE p.grid IN $grids AND p.birth_date <= $born_to "
    f"WITH p ORDER BY p.id LIMIT $first RETURN p {{{PERSON_FIELDS}}} AS person",
)
