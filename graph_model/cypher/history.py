"""Historical cases written by `wangge seed` (ops/datagen/cases.py): one `UNWIND` batch per call.

A historical case is a `Case` like a live one, in its grid, without steps; after the history the
case counter is moved past the highest serial so that live reports never reuse a number.
"""

from typing import Final

from graph_model.statement import Statement

CREATE_HISTORICAL_CASES: Final = Statement(
    "CREATE_HISTORICAL_CASES",
    "UNWIND $rows AS r MATCH (g:Grid {code: r.grid}) CREATE (c:Case)-[:IN_GRID]->(g) SET c += r RETURN count(c) AS n",
)
ADVANCE_CASE_COUNTER: Final = Statement(
    "ADVANCE_CASE_COUNTER",
    "MERGE (k:CaseCounter {id: 'case'}) ON CREATE SET k.n = 0, k.events = 0 "
    "WITH k SET k.n = CASE WHEN k.n < $n THEN $n ELSE k.n END RETURN k.n AS n",
)
