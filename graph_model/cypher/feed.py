"""The head of the case change feed: the newest event number, which its followers poll.

Every case write bumps `events` on the one case counter in the statement that numbers its step
(`graph_model/cypher/case.py`), so a follower that sees the number move knows a step committed,
with one indexed read, whatever the caller's scope: the scoped read follows only then.
"""

from typing import Final

from graph_model.statement import Statement

GET_CASE_EVENT_HEAD: Final = Statement(
    "GET_CASE_EVENT_HEAD", "MATCH (k:CaseCounter {id: 'case'}) RETURN coalesce(k.events, 0) AS events"
)
