"""Where every audit chain stands: its head, and how far the newest signed checkpoint fixed it.

Each checkpoint signs the heads of all chains at once, so the newest checkpoint is every chain's
last signed one (a chain begun after it has none yet). Its signature is checked before anything
in it is reported: an unverifiable checkpoint is shown as such, never as a fixed point.
"""

from dataclasses import dataclass, field

from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from authz.audit.checkpoint import chain_heads, open_signed
from graph_model.cypher.audit import GET_LATEST_AUDIT_CHECKPOINT
from graph_model.store import GraphStore


@dataclass(frozen=True)
class ChainState:
    chain: str
    head: int  # records the chain holds, by its head
    signed: int | None  # how far the newest checkpoint fixed it; None if the chain is newer


@dataclass
class ChainsStatus:
    chains: list[ChainState] = field(default_factory=list)
    checkpoint_at: int | None = None  # epoch ms of the newest checkpoint
    checkpoint_valid: bool = False


async def chain_status(store: GraphStore, key: OKPKey | None) -> ChainsStatus:
    """Without a key nothing in the checkpoint can be trusted: it is reported, never as valid."""
    status = ChainsStatus()
    signed: dict[str, int] = {}
    latest = await store.read(GET_LATEST_AUDIT_CHECKPOINT)
    if latest:
        status.checkpoint_at = latest[0]["at"]
        try:
            if key is not None:
                signed = {h["chain"]: h["seq"] for h in open_signed(key, latest[0]["signed"])["heads"]}
                status.checkpoint_valid = True
        except (JoseError, ValueError):
            signed = {}
    heads = await chain_heads(store)
    status.chains = [ChainState(h["chain"], h["seq"], signed.get(h["chain"])) for h in heads]
    return status
