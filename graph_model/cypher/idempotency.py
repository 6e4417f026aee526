"""Idempotency keys of mutations: one node per (subject, key), holding the request's fingerprint and its answer.

Kept in the graph, not in a worker, so a retry that lands on another worker or host finds it.
The node's id is a hash of subject and key (`api.idempotency`): the client's key is never stored,
and one subject's key can never name another's node. A claim is one statement: it takes a node
that is new, expired or abandoned (pending past its lease) and returns what the node holds, so
the caller learns in one round trip whether it owns the key, or which answer or conflict it meets.
FalkorDB runs writes one at a time, and Neo4j's MERGE is made atomic by a uniqueness constraint on
the id (`overrides.py`), so two concurrent claims of one key cannot both win.
"""

from typing import Final

from graph_model.statement import Statement

CLAIM_IDEMPOTENCY_KEY: Final = Statement(
    "CLAIM_IDEMPOTENCY_KEY",
    "MERGE (k:IdempotencyKey {id: $id}) "
    "WITH k, coalesce(k.expires, 0) < $now OR (k.state = 'pending' AND k.claimed < $stale) AS free "
    "SET k.claim = CASE WHEN free THEN $claim ELSE k.claim END, "
    "k.fingerprint = CASE WHEN free THEN $fingerprint ELSE k.fingerprint END, "
    "k.state = CASE WHEN free THEN 'pending' ELSE k.state END, "
    "k.claimed = CASE WHEN free THEN $now ELSE k.claimed END, "
    "k.expires = CASE WHEN free THEN $expires ELSE k.expires END, "
    "k.response = CASE WHEN free THEN '' ELSE k.response END, "
    "k.subjects = CASE WHEN free THEN [] ELSE k.subjects END "
    "RETURN k.claim AS claim, k.fingerprint AS fingerprint, k.state AS state, k.response AS response, "
    "k.subjects AS subjects",
)
COMPLETE_IDEMPOTENCY_KEY: Final = Statement(
    "COMPLETE_IDEMPOTENCY_KEY",
    "MATCH (k:IdempotencyKey {id: $id}) WHERE k.claim = $claim "
    "SET k.state = 'done', k.response = $response, k.subjects = $subjects "
    "RETURN count(k) AS completed",
)
RELEASE_IDEMPOTENCY_KEY: Final = Statement(
    "RELEASE_IDEMPOTENCY_KEY",
    "MATCH (k:IdempotencyKey {id: $id}) WHERE k.claim = $claim DELETE k RETURN count(*) AS released",
)
DELETE_EXPIRED_IDEMPOTENCY_KEYS: Final = Statement(
    "DELETE_EXPIRED_IDEMPOTENCY_KEYS",
    "MATCH (k:IdempotencyKey) WHERE k.expires < $now WITH k LIMIT $limit DELETE k RETURN count(*) AS deleted",
)
