"""The operator's side of Open311 API keys: make a client's key and its grant, revoke, list.

A key is operator business, like the IdP's client secrets: it is made where the server runs and
shown once on the terminal, never through the API (an answer holding a secret would pass
through proxies, logs and the client's own storage). What the client may do is policy: the
`open311_client` grant in a jurisdiction, applied as a versioned policy change authored by the
operator (as seeding does), so it is on the policy history and a security officer can revoke it.
A graph whose policy was installed before the role existed gets the role's shipped rules with it.
"""

from authz.api_keys import SUBJECT_PREFIX, check_client, create_key, revoke_keys
from authz.changes import ChangeSet
from authz.classes import Role
from authz.grants import Grant
from authz.policy_store import PolicyStore
from authz.rules import default_rules
from graph_model.cypher.policy import GET_POLICY_RULES
from graph_model.store import GraphStore
from ops.errors import OperatorError

AUTHOR = "operator"


async def create_client_key(store: GraphStore, client: str, source: str, jurisdiction: str) -> str:
    """A new key for `client`; grants `open311_client` in `jurisdiction` unless the client holds it."""
    try:
        check_client(client, source)
    except ValueError as exc:
        raise OperatorError(str(exc)) from None
    policy = PolicyStore(store)
    await policy.ensure_initialized()
    role = Role.OPEN311_CLIENT.value
    grant = Grant(SUBJECT_PREFIX + client, role, jurisdiction)
    in_force = {row["role"] for row in await store.read(GET_POLICY_RULES)}
    rules = () if role in in_force else tuple(r for r in default_rules() if r.role == role)
    if rules or grant not in await policy.grants_of(grant.subject):
        change = ChangeSet(add_rules=rules, add_grants=(grant,))
        await policy.apply(change, await policy.version(), AUTHOR, f"Open311 client {client}")
    return await create_key(store, client, source)


async def revoke_client(store: GraphStore, client: str) -> list[str]:
    """Revoke the client's keys (its grant stays until a security officer removes it)."""
    return await revoke_keys(store, client)
