"""Historical cases written by `wangge seed` (ops/datagen/cases.py): one `UNWIND` batch per call.

A historical case is a `Case` like a live one, in its grid, without steps; after the history each
year's case counter is moved past that year's highest serial so that live reports never reuse a number.
"""

from typing import Final

from graph_model.statement import Statement

CREATE_HISTORICAL_CASES: Final = Statement(
    "CREATE_HISTORICAL_CASES",
    "UNWIND $rows AS r MATCH (g:Grid {code: r.grid}) CREATE (c:Case)-[:IN_GRID]->(g) SET c += r RETURN count(c) AS n",
)
# Each year's counter (`case-<year>`, as `CREATE_CASE` makes them) moves up to the highest serial
# the history gave that year, never down; a year's counter made here starts where `CREATE_CASE`
# would start it.
ADVANCE_CASE_COUNTERS: Final = Statement(
    "ADVANCE_CASE_COUNTERS",
    "MERGE (k:CaseCounter {id: 'case'}) ON CREATE SET k.n = 0, k.events = 0 "
    "WITH k UNWIND $years AS r MERGE (y:CaseCounter {id: 'case-' + r.year}) ON CREATE SET y.n = k.n "
    "SET y.n = CASE WHEN y.n < r.n THEN r.n ELSE y.n END RETURN r.year AS year, y.n AS n ORDER BY year",
)
