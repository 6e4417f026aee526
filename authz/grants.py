"""Role grants: who holds which role in which jurisdiction, and the Casbin role they stand for.

A grant also remembers who made it (`granted_by`, the author of the policy change) and who
approved it: separation of duties asks whether an officer's own grant was approved by
someone independent. Provenance is not part of a grant's identity (it is not compared).
A grant with no provenance was loaded by the operator (seed or ingest), not through the API.
"""

from dataclasses import dataclass, field
from typing import Any

from authz.classes import Role


@dataclass(frozen=True, slots=True)
class Grant:
    subject: str
    role: str
    jurisdiction: str  # a division or grid code; the grant covers every code it prefixes
    department: str | None = None  # e.g. "330802-minzheng" for department officers
    expires: int | None = None  # epoch milliseconds; None = until revoked
    granted_by: str | None = field(default=None, compare=False)
    approved_by: str | None = field(default=None, compare=False)

    @classmethod
    def from_record(cls, row: dict[str, Any]) -> "Grant":
        return cls(
            row["subject"], row["role"], row["jurisdiction"], row.get("department"), row.get("expires"),
            row.get("granted_by"), row.get("approved_by"),
        )  # fmt: skip

    @property
    def key(self) -> str:
        """What identifies a grant in the graph (GRANT_KEY): expiry and provenance are attributes of it."""
        return "|".join((self.subject, self.role, self.jurisdiction, self.department or ""))

    def active(self, now_ms: int) -> bool:
        return self.expires is None or self.expires > now_ms

    @property
    def policy_role(self) -> str:
        """Department officers get the rules of their department's kind (民政, 公安 …), nothing wider."""
        if self.role == Role.DEPARTMENT_OFFICER.value and self.department:
            return f"{self.role}:{department_kind(self.department)}"
        return self.role

    def as_row(self) -> dict[str, Any]:
        return {"subject": self.subject, "role": self.role, "jurisdiction": self.jurisdiction,
                "department": self.department, "expires": self.expires}  # fmt: skip


def department_kind(department_code: str) -> str:
    return department_code.rpartition("-")[2]
