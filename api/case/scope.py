"""The caller's case scope for reading, whatever the operation asked the gate for.

The gate decides the case scope only for operations that read case rows (`Case`, `CaseEvent`).
A declared case purpose and the assessment figures also need to know which cases the caller may
see: the same decision (`authz.case_scope`), from the caller's case.basic read grants.
"""

from api.context import Context
from authz.case_scope import CaseScope, case_scope
from authz.classes import Action, DataClass


async def reading_scope(context: Context) -> CaseScope:
    caps = await context.policy.capabilities(context.principal.subject)
    catalog = context.policy.grids
    readable = caps.grids(DataClass.CASE_BASIC.value, Action.READ.value, catalog)
    return case_scope(caps, readable, catalog, context.purpose)
