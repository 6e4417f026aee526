"""The audit trail's integrity for auditors: where each chain stands, and `wangge audit verify` on demand.

Both need the audit key (it verifies the signed checkpoints); a server whose audit writer signs
nothing cannot check them, and says so in the answer (checkpoint not valid, verification not ok,
with the reason) instead of reporting an unverified trail as sound. They walk the trail with
`authz.audit`'s own reads, as the CLI does: whole-trail checks, not request loaders.
"""

from datetime import UTC, datetime

import strawberry

from api.context import Info
from api.fields import classified
from authz.audit.status import chain_status
from authz.audit.verify import VerifyReport, verify
from authz.classes import Action, DataClass

NO_KEY = "this server holds no audit key: its checkpoints cannot be checked"


def _moment(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


@strawberry.type(description="One writer's hash chain: its head, and how far the newest signed checkpoint fixed it.")
class AuditChain:
    chain: str
    head: int = strawberry.field(description="Records in the chain, by its head.")
    signed: int | None = strawberry.field(description="Records fixed by the newest checkpoint; null if newer than it.")


@strawberry.type
class AuditChains:
    chains: list[AuditChain]
    checkpoint_at: datetime | None = strawberry.field(description="When the newest checkpoint was signed.")
    checkpoint_valid: bool = strawberry.field(description="Whether its signature verifies with this server's key.")


@strawberry.type(description="The result of walking every chain and checkpoint, as `wangge audit verify` does.")
class AuditVerification:
    ok: bool
    problem: str | None = strawberry.field(description="The first break found: which record or chain, and how.")
    records: int
    chains: int
    checkpoints: int
    verified_at: datetime


@strawberry.type
class AuditIntegrityQuery:
    @classified(DataClass.AUDIT, "Every audit chain's head and last signed checkpoint.", action=Action.READ_AUDIT)
    async def audit_chains(self, info: Info) -> AuditChains:
        status = await chain_status(info.context.store, info.context.audit_key)
        return AuditChains(
            chains=[AuditChain(chain=c.chain, head=c.head, signed=c.signed) for c in status.chains],
            checkpoint_at=_moment(status.checkpoint_at),
            checkpoint_valid=status.checkpoint_valid,
        )

    @classified(
        DataClass.AUDIT, "Verify the whole trail now (reads every record: seconds per 100k).", action=Action.READ_AUDIT
    )
    async def audit_verification(self, info: Info) -> AuditVerification:
        key = info.context.audit_key
        report = await verify(info.context.store, key) if key else VerifyReport(problem=NO_KEY)
        return AuditVerification(
            ok=report.ok, problem=report.problem, records=report.records, chains=report.chains,
            checkpoints=report.checkpoints, verified_at=datetime.now(UTC),
        )  # fmt: skip
