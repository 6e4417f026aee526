"""The per-request context every resolver reads: who asks, the request's loaders, the limits."""

from dataclasses import dataclass

from joserfc.jwk import OKPKey
from starlette.requests import HTTPConnection
from strawberry.types import Info as StrawberryInfo

from api.audit_draft import AuditDraft
from api.case.feed import EventFeed
from api.case.services import CaseServices
from api.limits import Limits
from authz.engine import PolicyEngine
from authz.gate import Access
from authz.policy_service import PolicyService
from authz.principal import Principal
from graph_model.store import GraphStore
from loaders.registry import Loaders


@dataclass
class Context:
    """`access` starts empty (nothing readable) and is filled by the gate before execution."""

    request: HTTPConnection  # a Request, or the WebSocket of a subscription's connection
    principal: Principal
    loaders: Loaders
    store: GraphStore  # for the compiled reads (api.extensions.compiled); resolvers read through loaders
    limits: Limits
    access: Access
    policy: PolicyEngine
    admin: PolicyService
    purpose: str | None  # the declared purpose in canonical form, `case:<id>` or `reason:<code>` (api.purpose)
    audit: AuditDraft
    cases: CaseServices  # per worker: grid router, working-time calendar, clock
    audit_key: OKPKey | None = None  # verifies the audit checkpoints; None where no writer signs them
    feed: EventFeed | None = None  # per worker: wakes the subscriptions when a case step commits
    # The hash naming this mutation's Idempotency-Key (api.idempotency), for writes that make the key
    # part of their own statement (reportCase), so a retry after an unknown outcome finds their work.
    idempotency_key: str | None = None


Info = StrawberryInfo[Context, None]
