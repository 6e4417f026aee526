"""A real 2-worker `wangge serve`: subscribers on either worker get the steps committed through either
worker, each only those of its scope, and the audit trail shows which worker served what."""

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from tests.common.cases import CENTRE, REPORT, officer, spot
from tests.common.server import Server, cli
from tests.common.sockets import Subscriber, bearer

FEED = "subscription { caseEvents { event action case { number department } } }"
ACT = "mutation($id: ID!, $d: String) { %s(id: $id, departmentCode: $d) { id } }"
AUDIT = """query($s: String) { auditRecords(first: 100, filter: {subject: $s}) {
  nodes { chain operationType outcome } } }"""


def _ok(server: Server, token: str, query: str, **variables: Any) -> Any:
    body = server.query(token, query, variables).json()
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


def _case(server: Server, token: str, n: int, department: str) -> str:
    """Reported, accepted and dispatched, each through a new connection (gunicorn spreads them)."""
    case = _ok(server, token, REPORT % "id number", i={"category": "safety.hazard", "description": "井盖缺失",
                                                         "source": "GRID", **spot(n)})  # fmt: skip
    _ok(server, token, "mutation($id: ID!) { acceptCase(id: $id) { id } }", id=case["id"])
    _ok(server, token, ACT % "assignCase", id=case["id"], d=department)
    return str(case["number"])


def _chains(server: Server, auditor: str, subject: str, kind: str) -> set[str]:
    nodes = _ok(server, auditor, AUDIT, s=subject)["nodes"]
    return {n["chain"] for n in nodes if n["operationType"] == kind and n["outcome"] == "ok"}


async def test_subscribers_on_both_workers_see_only_their_scope(serve_dir: Path) -> None:
    server = Server(serve_dir)
    try:
        server.wait_ready()
        token = {sub: cli(server.env, "token", "--sub", sub).strip()
                 for sub in (CENTRE, officer("yingji"), officer("minzheng"), "auditor-3308")}  # fmt: skip
        base = server.url.replace("http://", "ws://")
        subjects = [officer("yingji"), officer("minzheng")] * 3
        async with contextlib.AsyncExitStack() as stack:
            subscribers = []
            for subject in subjects:  # each a new connection, which either worker may accept
                subscriber = await stack.enter_async_context(Subscriber.opened(base, bearer(token[subject])))
                assert (await subscriber.ack())["type"] == "connection_ack"
                await subscriber.subscribe(FEED)
                subscribers.append(subscriber)
            await asyncio.sleep(0.5)  # every subscription has read where the feed is
            fire = _case(server, token[CENTRE], 20, "330802-yingji")
            social = _case(server, token[CENTRE], 21, "330802-minzheng")
            for subject, subscriber in zip(subjects, subscribers, strict=True):
                events = await subscriber.events(3, timeout=15)
                mine = fire if subject == officer("yingji") else social
                assert [e["data"]["caseEvents"]["case"]["number"] for e in events] == [mine] * 3, (subject, events)
                assert [e["data"]["caseEvents"]["action"] for e in events] == ["report", "accept", "assign"]
        delivered = _chains(server, token["auditor-3308"], officer("yingji"), "subscription")
        delivered |= _chains(server, token["auditor-3308"], officer("minzheng"), "subscription")
        written = _chains(server, token["auditor-3308"], CENTRE, "mutation")
        # worker processes are the audit chains (host-pid-…): some step reached a subscriber on a worker
        # that did not write it
        assert len(delivered | written) == 2 and any(d != w for d in delivered for w in written), (delivered, written)
    finally:
        assert server.stop() == 0, server.log
