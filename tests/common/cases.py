"""A case API client for e2e tests: the real app with a clock the test moves, real tokens per persona."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from api.case.calendar import CHINA
from authz.tokens import LocalIssuer

CASE_FIELDS = (
    "id number status category level department assignee assignedGrid dueAt overdue reporter anonymous "
    "duplicateOf reworks extensions satisfaction extensionUntil grid { id code } steps { action at by fromStatus "
    "toStatus note }"
)
# Residents hold no case.reporter (their own identity they know; an L3 class would make every resident grant
# wait for a second officer).
RESIDENT_FIELDS = CASE_FIELDS.replace(" reporter ", " ")
REPORT = "mutation($i: ReportCaseInput!) { reportCase(input: $i) { %s } }"
GET = "query($id: ID!) { case(id: $id) { " + CASE_FIELDS + " } }"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 12, 1, 9, 0, tzinfo=CHINA))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class CaseApi:
    client: httpx.AsyncClient
    issuer: LocalIssuer
    clock: Clock

    async def gql(self, sub: str, query: str, purpose: str | None = "reason:public-service", **variables: Any) -> Any:
        headers = {"authorization": f"Bearer {self.issuer.issue(sub, ttl=300)}"}
        if purpose:
            headers["wangge-purpose"] = purpose
        response = await self.client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def ok(self, sub: str, query: str, **variables: Any) -> Any:
        """The single root field's answer; fails the test on any error."""
        body = await self.gql(sub, query, **variables)
        assert "errors" not in body, body
        return next(iter(body["data"].values()))

    async def act(
        self, sub: str, mutation: str, case_id: str, args: str = "", selection: str = CASE_FIELDS, **variables: Any
    ) -> Any:
        """One lifecycle mutation by name, e.g. act(sub, "signCase", id)."""
        declared = "".join(f", ${k}: {_REQUIRED.get((mutation, k), _TYPES[k])}" for k in variables)
        passed = "".join(f", {k}: ${k}" for k in variables)
        query = f"mutation($id: ID!{declared}) {{ {mutation}(id: $id{passed}{args}) {{ {selection} }} }}"
        return await self.gql(sub, query, id=case_id, **variables)

    async def report(self, sub: str, selection: str = CASE_FIELDS, **fields: Any) -> Any:
        data = {"category": "safety.hazard", "description": "井盖缺失", "source": "GRID", **fields}
        return await self.gql(sub, REPORT % selection, i=data)


_TYPES = {"reason": "String!", "note": "String", "result": "String!", "comment": "String", "departmentCode": "String",
          "staffId": "ID", "gridId": "ID", "dueAt": "DateTime!", "until": "DateTime!", "approved": "Boolean!",
          "passed": "Boolean!", "score": "Int!"}  # fmt: skip

_REQUIRED = {("transferCase", "departmentCode"): "String!"}


def code(body: Any) -> str:
    return str(body["errors"][0]["extensions"]["code"])


# Personas of the seeded `tiny` graph (see ops/datagen/staff.py): grid G0 and G1 share a village
# of 柯城区 (330802), its township has a centre; 330802 has a centre and every Art. 4 department.
G0, G1 = "330802001001001", "330802001001002"
WORKER, CHIEF, PART_TIMER = f"staff-{G0}-worker", f"staff-{G0}-chief", f"staff-{G0}-part1"
OTHER_WORKER = f"staff-{G1}-worker"
CENTRE = "centre-330802001"
RESIDENT, NEIGHBOUR = f"resident-{G0}-1", f"resident-{G0}-2"


def officer(kind: str) -> str:
    return f"officer-330802-{kind}"


def spot(n: int) -> dict[str, float]:
    """Distinct points inside G0, about 110 m apart: reports at different spots are never duplicates."""
    return {"lat": 28.881 + n * 0.001, "lon": 118.785}
