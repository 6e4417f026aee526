"""Role grants held as graph facts, indexed by subject so one subject never loads the city's grants."""

from typing import Final

from graph_model.statement import Statement

_FIELDS: Final = "g.subject AS subject, g.role AS role, g.jurisdiction AS jurisdiction, g.department AS department"

GET_GRANTS_BY_SUBJECT: Final = Statement(
    "GET_GRANTS_BY_SUBJECT",
    "MATCH (g:Grant {subject: $subject}) RETURN " + _FIELDS + " ORDER BY role, jurisdiction",
)
LIST_GRANTS: Final = Statement(
    "LIST_GRANTS", "MATCH (g:Grant) RETURN " + _FIELDS + " ORDER BY subject, role, jurisdiction"
)
