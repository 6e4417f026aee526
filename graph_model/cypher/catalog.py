"""Every named statement of the model, so tests can run each one on both engines.

A statement added to any module below is picked up here without registration;
a duplicate name is an error because names label spans, audit entries and overrides.
"""

from graph_model.cypher import (
    audit,
    case,
    division,
    feed,
    grant,
    grid,
    history,
    household,
    idempotency,
    ingest,
    maintenance,
    open311,
    person,
    place,
    policy,
    resident,
    schema,
    web_session,
    webhook,
)
from graph_model.statement import Statement

_MODULES = (
    schema, audit, ingest, division, grid, person, household, place, grant, policy, maintenance, idempotency, case,
    open311, resident, web_session, history, webhook, feed,
)  # fmt: skip


def all_statements() -> dict[str, Statement]:
    found: dict[str, Statement] = {}
    for module in _MODULES:
        for value in vars(module).values():
            members = value if isinstance(value, tuple) else (value,)
            for stmt in members:
                if not isinstance(stmt, Statement):
                    continue
                if stmt.name in found and found[stmt.name] is not stmt:
                    raise ValueError(f"duplicate statement name {stmt.name}")
                found[stmt.name] = stmt
    return found
