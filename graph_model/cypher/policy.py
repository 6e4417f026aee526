"""Policy rules, grants and the versioned change log of Article 21's authorization.

The head node holds the current policy version: every worker polls it (one indexed
read) and reloads when it moves, so a change reaches every process within a second.
A change is applied by one statement (APPLY_POLICY_CHANGE), because both engines make a
single statement atomic: after a crash at any point the policy is wholly the old version
or wholly the new one, and the change log says which.
"""

from typing import Final

from graph_model.statement import Statement

_RULE: Final = "r.role AS role, r.data_class AS data_class, r.action AS action, r.effect AS effect"
_GRANT: Final = (
    "g.subject AS subject, g.role AS role, g.jurisdiction AS jurisdiction, g.department AS department, "
    "g.expires AS expires, g.granted_by AS granted_by, g.approved_by AS approved_by"
)
# The identities of `Rule.key` and `Grant.key`, computed in the graph.
# Parenthesised: FalkorDB binds IN tighter than + (measured: a type error without them).
_RULE_KEY: Final = "(pr.role + '|' + pr.data_class + '|' + pr.action + '|' + pr.effect)"
_GRANT_KEY: Final = "(g.subject + '|' + g.role + '|' + g.jurisdiction + '|' + coalesce(g.department, ''))"
_CHANGE: Final = (
    "c.id AS id, c.version AS version, c.author AS author, c.reason AS reason, c.status AS status, "
    "c.changes AS changes, c.proposed_at AS proposed_at, c.applied_at AS applied_at, c.approved_by AS approved_by, "
    "c.rejected_by AS rejected_by, c.rejected_at AS rejected_at"
)

GET_POLICY_HEAD: Final = Statement("GET_POLICY_HEAD", "MATCH (h:PolicyHead {id: 'head'}) RETURN h.version AS version")
INIT_POLICY_HEAD: Final = Statement(
    "INIT_POLICY_HEAD",
    "MERGE (h:PolicyHead {id: 'head'}) ON CREATE SET h.version = 0 RETURN h.version AS version",
)
GET_POLICY_RULES: Final = Statement(
    "GET_POLICY_RULES", "MATCH (r:PolicyRule) RETURN " + _RULE + " ORDER BY role, data_class, action, effect"
)
GET_ACTIVE_GRANTS_BY_SUBJECT: Final = Statement(
    "GET_ACTIVE_GRANTS_BY_SUBJECT",
    "MATCH (g:Grant {subject: $subject}) WHERE g.expires IS NULL OR g.expires > $now RETURN " + _GRANT,
)
GET_GRANTS_BY_SUBJECTS: Final = Statement(
    "GET_GRANTS_BY_SUBJECTS",
    "UNWIND $subjects AS s MATCH (g:Grant {subject: s}) RETURN " + _GRANT + " ORDER BY subject, role, jurisdiction",
)
# Holders of governance roles are few (security officers, auditors): all their grants, for the
# separation-of-duties check of a rule change, which would otherwise visit every holder of a role.
GET_GRANTS_OF_ROLE_HOLDERS: Final = Statement(
    "GET_GRANTS_OF_ROLE_HOLDERS",
    "MATCH (o:Grant) WHERE o.role IN $roles WITH DISTINCT o.subject AS s "
    "MATCH (g:Grant {subject: s}) RETURN " + _GRANT + " ORDER BY subject, role, jurisdiction",
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
CREATE_PENDING_POLICY_CHANGE: Final = Statement(
    "CREATE_PENDING_POLICY_CHANGE",
    "CREATE (c:PolicyChange {id: $id, author: $author, reason: $reason, status: 'pending', changes: $changes, "
    "proposed_at: $now}) RETURN " + _CHANGE,
)
# Writing `claim` first takes the head's write lock on Neo4j, so the version test after it reads
# the committed version even when two changes race (FalkorDB runs writes one at a time anyway).
# The MERGE creates the log entry of a change applied at once, or finds the pending one being
# approved; one no longer pending matches nothing, and then nothing is written.
APPLY_POLICY_CHANGE: Final = Statement(
    "APPLY_POLICY_CHANGE",
    "MATCH (h:PolicyHead {id: 'head'}) SET h.claim = $id "
    "WITH h WHERE h.version = $expected "
    "MERGE (c:PolicyChange {id: $id}) "
    "ON CREATE SET c.author = $author, c.reason = $reason, c.changes = $changes, c.proposed_at = $now, "
    "c.status = 'pending' "
    "WITH h, c WHERE c.status = 'pending' "
    "WITH h, c, h.version + 1 AS v "
    "SET h.version = v, c.status = 'applied', c.version = v, c.applied_at = $now, c.approved_by = $approved_by "
    "WITH c "
    "OPTIONAL MATCH (pr:PolicyRule) WHERE pr.role IN $rule_roles AND " + _RULE_KEY + " IN $remove_rules "
    "WITH c, collect(pr) AS rules "
    "OPTIONAL MATCH (g:Grant) WHERE g.subject IN $grant_subjects AND " + _GRANT_KEY + " IN $remove_grants "
    "WITH c, rules, collect(g) AS grants "
    "FOREACH (x IN rules | DELETE x) "
    "FOREACH (x IN grants | DELETE x) "
    "FOREACH (r IN $add_rules | "
    "CREATE (:PolicyRule {role: r.role, data_class: r.data_class, action: r.action, effect: r.effect})) "
    "FOREACH (r IN $add_grants | "
    "CREATE (:Grant {subject: r.subject, role: r.role, jurisdiction: r.jurisdiction, department: r.department, "
    "expires: r.expires, change: $id, granted_by: $author, approved_by: $approved_by})) "
    "RETURN " + _CHANGE + ", size(rules) AS rules_removed, size(grants) AS grants_removed",
)
REJECT_POLICY_CHANGE: Final = Statement(
    "REJECT_POLICY_CHANGE",
    "MATCH (c:PolicyChange {id: $id}) WHERE c.status = 'pending' "
    "SET c.status = 'rejected', c.rejected_by = $by, c.rejected_at = $now RETURN " + _CHANGE,
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
