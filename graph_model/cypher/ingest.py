"""Bulk writes of generated or imported rows, one `UNWIND $rows` statement per batch.

Each statement creates its nodes and links them to nodes written by an earlier
statement, so the ingest order is the order of `INGEST_ORDER`: per kind of row,
the statements that write it, in turn.
"""

from typing import Final

from graph_model.statement import Statement

CREATE_DIVISIONS: Final = Statement(
    "CREATE_DIVISIONS",
    "UNWIND $rows AS r CREATE (:Division {code: r.code, name: r.name, level: r.level, parent: r.parent})",
)
# A separate statement: FalkorDB drops nodes created earlier in a statement when a later
# WHERE filters their row out, so creating and linking in one statement lost the city.
LINK_DIVISIONS_TO_PARENTS: Final = Statement(
    "LINK_DIVISIONS_TO_PARENTS",
    "UNWIND $rows AS r "
    "MATCH (d:Division {code: r.code}) MATCH (p:Division {code: r.parent}) "
    "CREATE (d)-[:PART_OF]->(p)",
)
CREATE_GRIDS: Final = Statement(
    "CREATE_GRIDS",
    "UNWIND $rows AS r "
    "MATCH (v:Division {code: r.village}) "
    "CREATE (g:Grid {id: r.id, code: r.code, name: r.name, kind: r.kind, boundary: r.boundary, "
    "village: r.village, scope: r.scope})-[:PART_OF]->(v)",
)
CREATE_BUILDINGS: Final = Statement(
    "CREATE_BUILDINGS",
    "UNWIND $rows AS r "
    "MATCH (g:Grid {id: r.grid}) "
    "CREATE (b:Building {id: r.id, address: r.address, kind: r.kind, lat: r.lat, lon: r.lon, "
    "grid: r.grid, scope: r.scope})-[:IN_GRID]->(g)",
)
CREATE_DWELLINGS: Final = Statement(
    "CREATE_DWELLINGS",
    "UNWIND $rows AS r "
    "MATCH (b:Building {id: r.building}) "
    "CREATE (d:Dwelling {id: r.id, unit: r.unit, room: r.room, building: r.building, scope: r.scope})"
    "-[:IN]->(b)",
)
CREATE_HOUSEHOLDS: Final = Statement(
    "CREATE_HOUSEHOLDS",
    "UNWIND $rows AS r "
    "MATCH (d:Dwelling {id: r.dwelling}) "
    "CREATE (h:Household {id: r.id, kind: r.kind, dwelling: r.dwelling, grid: r.grid, scope: r.scope})"
    "-[:LIVES_AT]->(d)",
)
CREATE_PERSONS: Final = Statement(
    "CREATE_PERSONS",
    "UNWIND $rows AS r "
    "MATCH (h:Household {id: r.household}) "
    "CREATE (p:Person {id: r.id, name: r.name, id_number: r.id_number, phone: r.phone, gender: r.gender, "
    "birth_date: r.birth_date, residency: r.residency, tags: r.tags, household: r.household, "
    "grid: r.grid, scope: r.scope})-[:MEMBER_OF {relation: r.relation}]->(h)",
)
CREATE_ORGANIZATIONS: Final = Statement(
    "CREATE_ORGANIZATIONS",
    "UNWIND $rows AS r "
    "MATCH (b:Building {id: r.building}) "
    "CREATE (o:Organization {id: r.id, name: r.name, uscc: r.uscc, kind: r.kind, building: r.building, "
    "scope: r.scope})-[:LOCATED_IN]->(b)",
)
CREATE_KEY_PLACES: Final = Statement(
    "CREATE_KEY_PLACES",
    "UNWIND $rows AS r "
    "MATCH (g:Grid {id: r.grid}) "
    "CREATE (k:KeyPlace {id: r.id, name: r.name, kind: r.kind, risk: r.risk, grid: r.grid, scope: r.scope})"
    "-[:IN_GRID]->(g)",
)
CREATE_DEPARTMENTS: Final = Statement(
    "CREATE_DEPARTMENTS",
    "UNWIND $rows AS r "
    "MATCH (v:Division {code: r.division}) "
    "CREATE (d:Department {code: r.code, name: r.name, division: r.division})-[:AT]->(v)",
)
CREATE_STAFF: Final = Statement(
    "CREATE_STAFF",
    "UNWIND $rows AS r CREATE (:Staff {id: r.id, name: r.name, phone: r.phone})",
)
LINK_STAFF_TO_GRIDS: Final = Statement(
    "LINK_STAFF_TO_GRIDS",
    "UNWIND $rows AS r "
    "MATCH (s:Staff {id: r.staff}) MATCH (g:Grid {id: r.grid}) "
    "CREATE (s)-[:SERVES {role: r.role}]->(g)",
)
LINK_STAFF_TO_DEPARTMENTS: Final = Statement(
    "LINK_STAFF_TO_DEPARTMENTS",
    "UNWIND $rows AS r "
    "MATCH (s:Staff {id: r.staff}) MATCH (d:Department {code: r.department}) "
    "CREATE (s)-[:WORKS_FOR]->(d)",
)
CREATE_GRANTS: Final = Statement(
    "CREATE_GRANTS",
    "UNWIND $rows AS r "
    "CREATE (:Grant {subject: r.subject, role: r.role, jurisdiction: r.jurisdiction, "
    "department: r.department, expires: r.expires})",
)
CREATE_RESIDENT_ACCOUNTS: Final = Statement(
    "CREATE_RESIDENT_ACCOUNTS",
    "UNWIND $rows AS r CREATE (:ResidentAccount {subject: r.subject, person: r.person})",
)

INGEST_ORDER: Final[tuple[tuple[str, tuple[Statement, ...]], ...]] = (
    ("divisions", (CREATE_DIVISIONS, LINK_DIVISIONS_TO_PARENTS)),
    ("grids", (CREATE_GRIDS,)),
    ("buildings", (CREATE_BUILDINGS,)),
    ("dwellings", (CREATE_DWELLINGS,)),
    ("households", (CREATE_HOUSEHOLDS,)),
    ("persons", (CREATE_PERSONS,)),
    ("organizations", (CREATE_ORGANIZATIONS,)),
    ("key_places", (CREATE_KEY_PLACES,)),
    ("departments", (CREATE_DEPARTMENTS,)),
    ("staff", (CREATE_STAFF,)),
    ("serves", (LINK_STAFF_TO_GRIDS,)),
    ("works_for", (LINK_STAFF_TO_DEPARTMENTS,)),
    ("grants", (CREATE_GRANTS,)),
    ("accounts", (CREATE_RESIDENT_ACCOUNTS,)),
)
