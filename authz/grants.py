"""Role grants: who holds which role in which jurisdiction, and the Casbin role they stand for."""

from dataclasses import dataclass
from typing import Any

from authz.classes import Role


@dataclass(frozen=True, slots=True)
class Grant:
    subject: str
    role: str
    jurisdiction: str  # a division or grid code; the grant covers every code it prefixes
    department: str | None = None  # e.g. "330802-minzheng" for department officers
    expires: int | None = None  # epoch milliseconds; None = until revoked

    @classmethod
    def from_record(cls, row: dict[str, Any]) -> "Grant":
        return cls(row["subject"], row["role"], row["jurisdiction"], row.get("department"), row.get("expires"))

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
