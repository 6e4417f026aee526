"""Cases (Art. 18-20), their steps and the admitted work-item catalogue (Art. 10).

Row scope of a case is not one list of grids: who sees a case depends on how the caller
relates to it (`authz/case_scope.py`). Every statement that reads or writes a case takes
the same parameters and tests them after a `WITH` (as person lookups do):

- `$area`: grids whose cases the caller sees whole (grid staff, command centres);
- `$departments` with `$dept_grids`: cases currently dispatched to one of these departments;
- `$reporter`: the caller's own reports;
- `$petition`: grids where 信访 cases may be seen (case.petition, with a declared purpose).

A change of a case and its `CaseStep` are one statement guarded by the case's `version`.
It first sets and removes a marker property, which takes the node's write lock on Neo4j
before `version` is read, so of two concurrent actions on one version exactly one matches
(Neo4j documents this pattern against lost updates; FalkorDB runs writes one at a time).
A statement whose guard fails changes nothing: the marker is gone again in the same
statement, and the step is created only after the guard.

Every step also takes a number (`event`) from the case counter, which every case write locks
first: numbers follow commit order on both engines, so `caseEvents` paged by the last number
seen never skips a step committed later. The price is that case writes are serialised (on
FalkorDB they are anyway).
"""

from typing import Final

from graph_model.statement import Statement

# The row scope of cases over the case `{c}`; compiled reads (graph_model/cypher/compiled.py) test it too.
CASE_SCOPE: Final = (
    "({c}.grid IN $area OR ({c}.department IN $departments AND {c}.grid IN $dept_grids) OR {c}.reporter = $reporter) "
    "AND ({c}.petition = false OR {c}.grid IN $petition OR {c}.reporter = $reporter)"
)
_SCOPE: Final = CASE_SCOPE.format(c="c")
_FIELDS: Final = (
    "c.id AS id, c.category AS category, c.description AS description, c.status AS status, "
    "c.priority AS priority, c.source AS source, c.grid AS grid, c.level AS level, c.department AS department, "
    "c.assignee AS assignee, c.assigned_grid AS assigned_grid, c.reporter AS reporter, c.contact AS contact, "
    "c.anonymous AS anonymous, c.petition AS petition, c.lat AS lat, c.lon AS lon, c.building AS building, "
    "c.reported_at AS reported_at, c.due_at AS due_at, c.remaining AS remaining, "
    "c.extension_until AS extension_until, c.satisfaction AS satisfaction, c.closed_at AS closed_at, "
    "c.reworks AS reworks, c.extensions AS extensions, c.duplicate_of AS duplicate_of, c.version AS version"
)
_WORK_ITEM: Final = (
    "w.code AS code, w.name AS name, w.category AS category, w.admitted AS admitted, w.lead AS lead, "
    "w.assist AS assist, w.petition AS petition, w.limits_normal AS limits_normal, "
    "w.limits_urgent AS limits_urgent, w.version AS version"
)

ENSURE_CASE_COUNTER: Final = Statement(
    "ENSURE_CASE_COUNTER",
    "MERGE (k:CaseCounter {id: 'case'}) ON CREATE SET k.n = 0 SET k.events = coalesce(k.events, 0) RETURN k.n AS n",
)
UPSERT_WORK_ITEM_TYPES: Final = Statement(
    "UPSERT_WORK_ITEM_TYPES",
    "UNWIND $items AS i MERGE (w:WorkItemType {code: i.code}) "
    "SET w.name = i.name, w.category = i.category, w.admitted = i.admitted, w.lead = i.lead, w.assist = i.assist, "
    "w.petition = i.petition, w.limits_normal = i.limits_normal, w.limits_urgent = i.limits_urgent, "
    "w.version = i.version RETURN w.code AS code ORDER BY code",
)
GET_WORK_ITEM_TYPES: Final = Statement(
    "GET_WORK_ITEM_TYPES", "MATCH (w:WorkItemType) RETURN " + _WORK_ITEM + " ORDER BY code"
)
GET_GRID_BOUNDARIES: Final = Statement(
    "GET_GRID_BOUNDARIES", "MATCH (g:Grid) RETURN g.code AS code, g.boundary AS boundary ORDER BY code"
)
# Routing by building needs only where the building stands, not the building class: no row scope.
GET_BUILDING_LOCATIONS: Final = Statement(
    "GET_BUILDING_LOCATIONS",
    "UNWIND $ids AS i MATCH (b:Building {id: i}) RETURN b.id AS id, b.grid AS grid, b.lat AS lat, b.lon AS lon",
)
FIND_DUPLICATE_CASES: Final = Statement(
    "FIND_DUPLICATE_CASES",
    "MATCH (c:Case {category: $category}) WHERE c.reported_at >= $since AND c.duplicate_of IS NULL "
    "AND c.lat >= $south AND c.lat <= $north AND c.lon >= $west AND c.lon <= $east "
    "AND NOT c.status IN ['REJECTED', 'CLOSED'] "
    "RETURN c.id AS id, c.lat AS lat, c.lon AS lon, c.reported_at AS reported_at ORDER BY reported_at, id",
)
# A case number is `<year>-<serial>`: six digits, more once a year passes 999,999 (never cut, so
# never repeated). Each year counts on its own counter node (`case-<year>`), made under the lock
# of the case counter, which every case write takes first (the same set-and-remove as a version
# guard): two reports at once on Neo4j would otherwise read the same serial, or both make the
# year's counter. A year's counter starts at the case counter's `n`: the one serial all years
# shared before per-year counters, so a graph numbered that way never meets its old numbers again
# (on a graph that never used it, `n` is 0). Linked persons are unwound from `[null]` when there
# are none, so the statement returns its row either way.
#
# `$idempotency` is the hash naming the request's Idempotency-Key (api/idempotency.py), or null.
# A case made under that key already (by an attempt whose answer was lost: a timeout, a dropped
# connection) is looked for under the same lock, and then nothing is made and no row returned:
# the retry answers that case (`GET_CASE_BY_IDEMPOTENCY_KEY`) instead of reporting it twice.
CREATE_CASE: Final = Statement(
    "CREATE_CASE",
    "MATCH (k:CaseCounter {id: 'case'}) SET k._lock = true REMOVE k._lock "
    "WITH k OPTIONAL MATCH (made:Case {idempotency: $idempotency}) "
    "WITH k, made WHERE made IS NULL SET k.events = k.events + 1 "
    "MERGE (y:CaseCounter {id: 'case-' + $year}) ON CREATE SET y.n = k.n "
    "SET y.n = y.n + 1 "
    "WITH k, y MATCH (g:Grid {code: $grid}) "
    "CREATE (c:Case {id: $year + '-' + CASE WHEN y.n < 1000000 THEN right('00000' + toString(y.n), 6) "
    "ELSE toString(y.n) END})-[:IN_GRID]->(g) "
    "SET c += $case, c.idempotency = $idempotency "
    "CREATE (c)-[:HAS_STEP]->(:CaseStep {seq: 1, event: k.events, action: 'report', at: $case.reported_at, "
    "to_status: $case.status}) "
    "WITH c OPTIONAL MATCH (first:Case {id: $duplicate_of}) "
    "FOREACH (f IN CASE WHEN first IS NULL THEN [] ELSE [first] END | CREATE (c)-[:DUPLICATE_OF]->(f)) "
    "WITH c UNWIND CASE WHEN size($persons) = 0 THEN [null] ELSE $persons END AS p "
    "OPTIONAL MATCH (person:Person {id: p}) "
    "FOREACH (x IN CASE WHEN person IS NULL THEN [] ELSE [person] END | CREATE (c)-[:CONCERNS]->(x)) "
    "RETURN DISTINCT c.id AS id",
)
GET_CASE_BY_IDEMPOTENCY_KEY: Final = Statement(
    "GET_CASE_BY_IDEMPOTENCY_KEY", "MATCH (c:Case {idempotency: $idempotency}) RETURN c.id AS id"
)
APPLY_CASE_ACTION: Final = Statement(
    "APPLY_CASE_ACTION",
    "MATCH (k:CaseCounter {id: 'case'}) SET k._lock = true REMOVE k._lock "
    "WITH k MATCH (c:Case {id: $id}) SET c._lock = true REMOVE c._lock "
    "WITH k, c WHERE c.version = $version AND " + _SCOPE + " "
    "SET c += $changes, c.version = $version + 1, k.events = k.events + 1 "
    "CREATE (c)-[:HAS_STEP]->(:CaseStep {seq: $version + 2, event: k.events, action: $action, at: $at, by: $by, from_status: $from_status, "
    "to_status: c.status, note: $note}) "
    "RETURN c.id AS id, c.version AS version",
)
GET_CASES_BY_IDS: Final = Statement(
    "GET_CASES_BY_IDS", "UNWIND $ids AS i MATCH (c:Case {id: i}) WITH c WHERE " + _SCOPE + " RETURN " + _FIELDS
)
GET_CASE_STEPS_BY_CASES: Final = Statement(
    "GET_CASE_STEPS_BY_CASES",
    "UNWIND $ids AS i MATCH (c:Case {id: i})-[:HAS_STEP]->(s:CaseStep) WITH i, c, s WHERE " + _SCOPE + " "
    "RETURN i AS case_id, s.seq AS seq, s.action AS action, s.at AS at, s.by AS by, "
    "s.from_status AS from_status, s.to_status AS to_status, s.note AS note ORDER BY case_id, seq",
)
LIST_CASES: Final = Statement(
    "LIST_CASES",
    "MATCH (c:Case) WHERE c.id > $after AND c.grid STARTS WITH $within "
    "AND ($status IS NULL OR c.status = $status) AND ($category IS NULL OR c.category = $category) "
    "WITH c WHERE " + _SCOPE + " RETURN " + _FIELDS + " ORDER BY id LIMIT $limit",
)
LIST_CASE_EVENTS: Final = Statement(
    "LIST_CASE_EVENTS",
    "MATCH (s:CaseStep) WHERE s.event > $after WITH s MATCH (c:Case)-[:HAS_STEP]->(s) WITH c, s WHERE " + _SCOPE + " "
    "RETURN s.event AS event, c.id AS case_id, s.action AS action, s.at AS at, s.by AS by, "
    "s.from_status AS from_status, s.to_status AS to_status, s.note AS note ORDER BY event LIMIT $limit",
)
# Open cases past their due time; a suspended case has no due time (the clock stops), nor has a
# closed or rejected one. So the `due_at` index holds the open cases only, a few percent of a
# county's history, and the statement starts there on both engines: its cost follows the open
# cases, not the history (demo: the index scan read 129 entries instead of 23k cases). The cursor
# is compared as `toString(c.id)` on purpose: FalkorDB otherwise folds `c.id > $after` into the
# index scan and walks the whole id range of the cases (demo, 330802: 85-118 ms against 0.2 ms).
LIST_OVERDUE_CASES: Final = Statement(
    "LIST_OVERDUE_CASES",
    "MATCH (c:Case) WHERE c.due_at < $now AND toString(c.id) > $after AND c.grid STARTS WITH $within "
    "AND ($department IS NULL OR c.department = $department) "
    "WITH c WHERE " + _SCOPE + " RETURN " + _FIELDS + " ORDER BY id LIMIT $limit",
)
# A declared purpose `case:<id>` (api/extensions/case_purpose.py): the case if the caller may see it,
# with the persons it concerns. No row for a case that is missing or out of scope alike.
GET_CASE_PURPOSE_PERSONS: Final = Statement(
    "GET_CASE_PURPOSE_PERSONS",
    "MATCH (c:Case {id: $id}) WITH c WHERE " + _SCOPE + " "
    "OPTIONAL MATCH (c)-[:CONCERNS]->(p:Person) RETURN c.id AS id, collect(p.id) AS persons",
)
# Assessment figures (Art. 23) of the cases reported in a period under a division, in the caller's
# case scope, grouped three ways at once: the division as a whole ('total'), each child unit (the
# grid code cut to `$child_len`) and each department the case is with. Medians do not add up, so
# every group is aggregated here, not rolled up from smaller ones. `late`: a step was taken after
# its due time (api/case/actions.py), so a closed case that is not late was closed on time.
ASSESS_CASES: Final = Statement(
    "ASSESS_CASES",
    "MATCH (c:Case) WHERE c.grid STARTS WITH $within AND c.reported_at >= $from AND c.reported_at < $to "
    "WITH c WHERE " + _SCOPE + " "
    "UNWIND ['total', 'child', 'department'] AS grouping "
    "WITH c, grouping, CASE grouping WHEN 'total' THEN $within WHEN 'child' THEN substring(c.grid, 0, $child_len) "
    "ELSE c.department END AS unit "
    "WITH c, grouping, unit WHERE unit IS NOT NULL "
    "RETURN grouping, unit, count(c) AS received, "
    "sum(CASE WHEN c.status = 'REJECTED' THEN 1 ELSE 0 END) AS rejected, "
    "sum(CASE WHEN c.status = 'CLOSED' THEN 1 ELSE 0 END) AS closed, "
    "sum(CASE WHEN c.status = 'CLOSED' AND c.late IS NULL THEN 1 ELSE 0 END) AS closed_on_time, "
    "sum(CASE WHEN c.reworks > 0 THEN 1 ELSE 0 END) AS reworked, "
    "sum(CASE WHEN c.extensions > 0 THEN 1 ELSE 0 END) AS extended, "
    "percentileDisc(CASE WHEN c.status = 'CLOSED' THEN c.closed_at - c.reported_at END, 0.5) AS median_ms, "
    "count(c.satisfaction) AS rated, avg(c.satisfaction) AS satisfaction "
    "ORDER BY grouping, unit",
)
