"""A `reportCase` retried with its Idempotency-Key after an unknown outcome makes one case, not two.

The store is the session's real graph, except that the answer of the first `CREATE_CASE` is lost
after the graph applied it (`OutcomeUnknown`, as when the statement times out on its way back): the
client sees SERVICE_UNAVAILABLE, the key is released (an unavailable graph is not an answer to
keep), and it retries with the same key. Before, the retry ran the report again and made a second
case; now the statement finds the case its key made and the retry answers that one.
"""

import time
from collections.abc import Mapping
from typing import Any

from api import global_id
from api.case.routing import GridRouter
from api.case.services import CaseServices
from authz.tokens import LocalIssuer
from graph_model.statement import Statement
from graph_model.store import GraphStore, OutcomeUnknown, Record
from tests.common.cases import REPORT, WORKER, CaseApi, Clock, spot
from tests.common.counting import CountingStore
from tests.e2e.conftest import app_client

CASES_DESCRIBED = Statement(
    "TEST_CASES_DESCRIBED", "MATCH (c:Case) WHERE c.description = $description RETURN c.id AS id ORDER BY id"
)


class AnswerLost(CountingStore):
    """The real store; the next `CREATE_CASE` is applied, and then its answer is lost."""

    lose = True

    async def write(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        rows = await super().write(stmt, params)
        if stmt.name == "CREATE_CASE" and self.lose:
            self.lose = False
            raise OutcomeUnknown("the answer was lost")
        return rows


async def _report(cases: CaseApi, description: str, key: str | None) -> Any:
    headers = {"authorization": f"Bearer {cases.issuer.issue(WORKER, ttl=300)}"}
    if key:
        headers["idempotency-key"] = key
    data = {"category": "safety.hazard", "description": description, "source": "GRID", **spot(4)}
    body = {"query": REPORT % "id status", "variables": {"i": data}}
    response = await cases.client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_keyed_retry_after_a_lost_answer_answers_the_case_already_made(
    store: GraphStore, issuer: LocalIssuer, test_grants: None
) -> None:
    losing = AnswerLost(store)
    services = CaseServices(router=GridRouter(store), clock=Clock())
    async with app_client(losing, issuer, cases=services) as client:
        cases = CaseApi(client, issuer, services.clock)
        description, key = f"idempotent report {time.time_ns()}", f"report-{time.time_ns()}"
        lost = await _report(cases, description, key)
        assert lost["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", lost
        made = [r["id"] for r in await store.read(CASES_DESCRIBED, {"description": description})]
        assert len(made) == 1  # applied, though its answer never came back

        retried = await _report(cases, description, key)
        assert "errors" not in retried, retried
        case = retried["data"]["reportCase"]
        assert case["status"] == "REPORTED" and global_id.decode(case["id"], "Case")[1] == made[0]
        replayed = await _report(cases, description, key)
        assert replayed["data"] == retried["data"] and replayed["extensions"] == {"idempotency": "replayed"}
        assert [r["id"] for r in await store.read(CASES_DESCRIBED, {"description": description})] == made


async def test_without_a_key_a_retry_is_a_new_report(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> None:
    """What the key is for: the same lost answer, retried without one, reports the case twice."""
    services = CaseServices(router=GridRouter(store), clock=Clock())
    async with app_client(AnswerLost(store), issuer, cases=services) as client:
        cases = CaseApi(client, issuer, services.clock)
        description = f"unkeyed report {time.time_ns()}"
        assert "errors" in await _report(cases, description, None)
        assert "errors" not in await _report(cases, description, None)
        assert len(await store.read(CASES_DESCRIBED, {"description": description})) == 2
