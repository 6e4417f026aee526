"""Every Open311 key statement on both engines, through the functions that use them: the same
answers, a key verifies only with its own secret and only until it is revoked, no hash leaves."""

from authz.api_keys import create_key, list_keys, revoke_keys, verify_key
from graph_model.cypher import open311
from graph_model.statement import Statement
from graph_model.store import GraphStore

OPEN311_STATEMENTS = {s.name for s in vars(open311).values() if isinstance(s, Statement)}


async def test_key_statements_agree(seeded_stores: dict[str, GraphStore]) -> None:
    answers = []
    for store in seeded_stores.values():
        key = await create_key(store, "contract-client", "hotline")
        key_id, _, secret = key.partition(".")
        holder = await verify_key(store, key)
        assert holder is not None and holder.principal.subject == "open311:contract-client"
        forged = key_id + "." + ("A" if secret[0] != "A" else "B") + secret[1:]
        assert await verify_key(store, forged) is None
        listed = [r for r in await list_keys(store) if r["id"] == key_id]
        assert len(listed) == 1 and "hash" not in listed[0] and listed[0]["revoked_at"] is None
        revoked = await revoke_keys(store, "contract-client")
        assert key_id in revoked and await verify_key(store, key) is None
        assert await revoke_keys(store, "contract-client") == []
        answers.append((holder.client, holder.source, len(revoked) >= 1))
    assert answers[0] == answers[1]
    assert {"CREATE_API_KEY", "GET_API_KEY", "LIST_API_KEYS", "REVOKE_API_KEYS"} == OPEN311_STATEMENTS
