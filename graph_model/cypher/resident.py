"""Residents' own pages: which person a resident's sign-in stands for, and the offices that read them.

A resident account is an identity binding made by the operator (the seed, or an import from the
IdP's register), never through the API: who a resident is decides whose access history they see.
"""

from typing import Final

from graph_model.statement import Statement

GET_RESIDENT_PERSON: Final = Statement(
    "GET_RESIDENT_PERSON",
    "MATCH (r:ResidentAccount) WHERE r.subject = $subject RETURN r.person AS person LIMIT 1",
)
# The names an access history shows instead of who read: departments, divisions and grids by code.
GET_OFFICE_NAMES: Final = Statement(
    "GET_OFFICE_NAMES",
    "UNWIND $codes AS c "
    "OPTIONAL MATCH (d:Department {code: c}) OPTIONAL MATCH (v:Division {code: c}) OPTIONAL MATCH (g:Grid {id: c}) "
    "RETURN c AS code, coalesce(d.name, v.name, g.name) AS name",
)
