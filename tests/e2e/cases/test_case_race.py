"""Two actions on one case at once, over HTTP, on both engines: never both applied.

Each pair races `signCase` against `returnCase` on a freshly dispatched case. Whichever reads
the case after the other wrote it sees an illegal transition (BAD_USER_INPUT); two that read
the same version both try to write it, and the version guard lets one through (CONFLICT for
the other). Either way exactly one step is added. The statement-level race, where both always
hold the same version, is in tests/integration/test_case_statements.py.
"""

import asyncio

from tests.common.cases import CENTRE, CaseApi, code, officer, spot

PAIRS = 6


async def test_concurrent_actions_one_wins(cases: CaseApi) -> None:
    outcomes = []
    for n in range(PAIRS):
        case_id = (await cases.report(CENTRE, **spot(20 + n), category="safety.fire"))["data"]["reportCase"]["id"]
        await cases.act(CENTRE, "acceptCase", case_id)
        await cases.act(CENTRE, "assignCase", case_id, departmentCode="330802-yingji")
        sign, ret = await asyncio.gather(
            cases.act(officer("yingji"), "signCase", case_id),
            cases.act(officer("yingji"), "returnCase", case_id, reason="非本部门"),
        )
        won = [b for b in (sign, ret) if "errors" not in b]
        lost = [code(b) for b in (sign, ret) if "errors" in b]
        assert len(won) == 1 and lost in (["CONFLICT"], ["BAD_USER_INPUT"]), (sign, ret)
        steps = await cases.ok(CENTRE, "query($id: ID!) { case(id: $id) { status steps { action } } }", id=case_id)
        assert [s["action"] for s in steps["steps"]][:3] == ["report", "accept", "assign"]
        assert len(steps["steps"]) == 4 and steps["status"] in ("SIGNED", "ACCEPTED")
        outcomes.append(lost[0])
    print("race outcomes:", outcomes)
