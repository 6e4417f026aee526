"""The list of every role grant, for `wangge token --list`; per-subject reads are in policy.py."""

from typing import Final

from graph_model.statement import Statement

_FIELDS: Final = "g.subject AS subject, g.role AS role, g.jurisdiction AS jurisdiction, g.department AS department"

LIST_GRANTS: Final = Statement(
    "LIST_GRANTS", "MATCH (g:Grant) RETURN " + _FIELDS + " ORDER BY subject, role, jurisdiction"
)
