"""Which departments' webhooks a caller manages: those of the departments it is an officer of.

The gate decides only that the caller may touch the `webhook` class at all; a department officer
holds that for its department kind everywhere, so the department itself is checked here, against
the caller's grants as the policy engine compiles them now.
"""

from api.context import Info
from api.errors import ApiError, Code
from authz.classes import Role


async def officer_departments(info: Info) -> list[str]:
    caps = await info.context.policy.capabilities(info.context.principal.subject)
    return sorted({g.department for g in caps.grants if g.role == Role.DEPARTMENT_OFFICER.value and g.department})


async def own_department(info: Info, department_code: str) -> str:
    """`department_code` if the caller is its officer; FORBIDDEN (`NOT_YOUR_DEPARTMENT`) otherwise."""
    if department_code not in await officer_departments(info):
        raise ApiError("Only an officer of that department may manage its webhooks.", Code.FORBIDDEN,
                       reason="NOT_YOUR_DEPARTMENT")  # fmt: skip
    return department_code
