"""Policy rules, grants and the versioned change log of Article 21's authorization.

The head node holds the current policy version: every worker polls it (one indexed
read) and reloads when it moves, so a change reaches every process within a second.
"""

from typing import Final

from graph_model.statement import Statement

_RULE: Final = "r.role AS role, r.data_class AS data_class, r.action AS action, r.effect AS effect"
_GRANT: Final = (
    "g.subject AS subject, g.role AS role, g.jurisdiction AS jurisdiction, g.department AS department, "
    "g.expires AS expires"
)
_CHANGE: Final = (
    "c.id AS id, c.version AS version, c.author AS author, c.reason AS reason, c.status AS status, "
    "c.changes AS changes, c.proposed_at AS proposed_at, c.applied_at AS applied_at, c.approved_by AS approved_by"
)

GET_POLICY_HEAD: Final = Statement("GET_POLICY_HEAD", "MATCH (h:PolicyHead {id: 'head'}) RETURN h.version AS version")
INIT_POLICY_HEAD: Final = Statement(
    "INIT_POLICY_HEAD",
    "MERGE (h:PolicyHead {id: 'head'}) ON CREATE SET h.version = 0 RETURN h.version AS version",
)
LOCK_POLICY_HEAD: Final = Statement(
    "LOCK_POLICY_HEAD",
    "MATCH (h:PolicyHead {id: 'head'}) WHERE h.version = $expected "
    "AND (h.locked_by IS NULL OR h.locked_at < $stale_before) "
    "SET h.locked_by = $token, h.locked_at = $now RETURN h.version AS version",
)
BUMP_POLICY_HEAD: Final = Statement(
    "BUMP_POLICY_HEAD",
    "MATCH (h:PolicyHead {id: 'head'}) WHERE h.locked_by = $token "
    "SET h.version = h.version + 1, h.locked_by = null, h.locked_at = null RETURN h.version AS version",
)
GET_POLICY_RULES: Final = Statement(
    "GET_POLICY_RULES", "MATCH (r:PolicyRule) RETURN " + _RULE + " ORDER BY role, data_class, action, effect"
)
CREATE_POLICY_RULES: Final = Statement(
    "CREATE_POLICY_RULES",
    "UNWIND $rows AS x CREATE (:PolicyRule {role: x.role, data_class: x.data_class, action: x.action, effect: x.effect})",
)
DELETE_POLICY_RULES: Final = Statement(
    "DELETE_POLICY_RULES",
    "UNWIND $rows AS x MATCH (r:PolicyRule {role: x.role, data_class: x.data_class, action: x.action, effect: x.effect}) "
    "DELETE r RETURN count(r) AS deleted",
)
GET_ACTIVE_GRANTS_BY_SUBJECT: Final = Statement(
    "GET_ACTIVE_GRANTS_BY_SUBJECT",
    "MATCH (g:Grant {subject: $subject}) WHERE g.expires IS NULL OR g.expires > $now RETURN " + _GRANT,
)
GET_SUBJECTS_BY_ROLE: Final = Statement(
    "GET_SUBJECTS_BY_ROLE",
    "MATCH (g:Grant) WHERE g.role = $role AND ($department_kind IS NULL OR g.department ENDS WITH $department_kind) "
    "RETURN DISTINCT g.subject AS subject ORDER BY subject",
)
COUNT_ACTIVE_GRANTS_BY_ROLE: Final = Statement(
    "COUNT_ACTIVE_GRANTS_BY_ROLE",
    "MATCH (g:Grant {role: $role}) WHERE g.expires IS NULL OR g.expires > $now RETURN count(g) AS n",
)
DELETE_GRANTS: Final = Statement(
    "DELETE_GRANTS",
    "UNWIND $rows AS x MATCH (g:Grant {subject: x.subject, role: x.role, jurisdiction: x.jurisdiction}) "
    "DELETE g RETURN count(g) AS deleted",
)
CREATE_POLICY_CHANGE: Final = Statement(
    "CREATE_POLICY_CHANGE",
    "CREATE (c:PolicyChange {id: $id, version: $version, author: $author, reason: $reason, status: $status, "
    "changes: $changes, proposed_at: $proposed_at, applied_at: $applied_at, approved_by: $approved_by}) "
    "RETURN " + _CHANGE,
)
MARK_POLICY_CHANGE_APPLIED: Final = Statement(
    "MARK_POLICY_CHANGE_APPLIED",
    "MATCH (c:PolicyChange {id: $id}) WHERE c.status = 'pending' "
    "SET c.status = 'applied', c.version = $version, c.applied_at = $applied_at, c.approved_by = $approved_by "
    "RETURN " + _CHANGE,
)
GET_POLICY_CHANGE: Final = Statement("GET_POLICY_CHANGE", "MATCH (c:PolicyChange {id: $id}) RETURN " + _CHANGE)
LIST_POLICY_CHANGES: Final = Statement(
    "LIST_POLICY_CHANGES",
    "MATCH (c:PolicyChange) RETURN " + _CHANGE + " ORDER BY proposed_at DESC, id DESC LIMIT $limit",
)
LIST_APPLIED_CHANGES_AFTER: Final = Statement(
    "LIST_APPLIED_CHANGES_AFTER",
    "MATCH (c:PolicyChange) WHERE c.status = 'applied' AND c.version > $version RETURN "
    + _CHANGE
    + " ORDER BY version DESC",
)
