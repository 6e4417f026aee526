"""Open311 API keys: which outside channel (a hotline, a resident app) a key stands for.

Only a hash of each key's secret is stored; the key's id is its public half, looked up by equality.
A revoked key stays as a record of who held it when (`revoked_at`), and never verifies again.
"""

from typing import Final

from graph_model.statement import Statement

_KEY: Final = (
    "k.id AS id, k.client AS client, k.source AS source, k.hash AS hash, k.created_at AS created_at, "
    "k.revoked_at AS revoked_at"
)

CREATE_API_KEY: Final = Statement(
    "CREATE_API_KEY",
    "CREATE (k:ApiKey {id: $id, client: $client, source: $source, hash: $hash, created_at: $created_at}) "
    "RETURN " + _KEY,
)
GET_API_KEY: Final = Statement("GET_API_KEY", "MATCH (k:ApiKey {id: $id}) RETURN " + _KEY)
LIST_API_KEYS: Final = Statement(
    "LIST_API_KEYS", "MATCH (k:ApiKey) RETURN " + _KEY + " ORDER BY client, created_at, id"
)
REVOKE_API_KEYS: Final = Statement(
    "REVOKE_API_KEYS",
    "MATCH (k:ApiKey {client: $client}) WHERE k.revoked_at IS NULL SET k.revoked_at = $at RETURN k.id AS id ORDER BY id",
)
