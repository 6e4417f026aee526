"""`caseEvents` as a subscription: the change feed pushed over a websocket, on any worker.

It follows the same feed as the `caseEvents` query, with the same statement and the same case
scope: this worker's `EventFeed` says when a step committed (on any worker or host), then the
subscription reads its own page after its cursor. Before the first page, and before each one after
it, the gate decides again, with
fresh loaders, as for a new request: a grant revoked or narrowed since the subscription began
takes effect at the next page (the subscription ends with FORBIDDEN), and a case that left the
subscriber's scope is not delivered. Each delivered event is audited as a read
(`api.extensions.stream_audit`); the connection ends when the token expires (`api.sockets`).
"""

from collections.abc import AsyncGenerator

import strawberry
from opentelemetry import trace

from api.case.events import CaseEvent
from api.context import Info
from api.errors import ApiError, Code, bad_input
from api.extensions.gate import admit
from api.fields import classified
from api.sockets import SocketContext
from authz.classes import DataClass
from authz.gate import Needs

_tracer = trace.get_tracer("wangge.authz")


@strawberry.type
class CaseEventSubscription:
    @classified(
        DataClass.CASE_BASIC,
        "Steps of the cases in the subscriber's scope as they commit, oldest first; after `afterEvent` "
        "(an `event` number already received, to resume without a gap), or from now.",
        is_subscription=True,
    )
    async def case_events(self, info: Info, after_event: int | None = None) -> AsyncGenerator[CaseEvent, None]:
        context = info.context
        if not isinstance(context, SocketContext) or context.feed is None:
            raise bad_input("subscriptions are served over a websocket (graphql-transport-ws) on /graphql")
        if (context.purpose or "").startswith("case:"):  # checked per request (api/extensions/case_purpose.py)
            raise ApiError("A case as purpose serves one request; a subscription declares a reason code.",
                           Code.FORBIDDEN, reason="PURPOSE_CASE")  # fmt: skip
        if after_event is not None and after_event < 0:
            raise bad_input("afterEvent must not be negative")
        feed, size = context.feed, context.limits.max_page_size
        asked = Needs(tuple(context.audit.needs))  # what the gate collected from the operation
        cursor = after_event if after_event is not None else await feed.current()
        seen = cursor  # the newest step number this subscription has read past, in scope or not
        while True:
            context.renew()
            with _tracer.start_as_current_span("wangge.gate") as span:
                refusal = await admit(context, asked, span)
            if refusal is not None:
                raise refusal
            rows = await context.loaders.cases.events(cursor, size)
            for row in rows:
                yield CaseEvent.from_record(row, context.access.cases.as_staff)
            # The cursor moves with what was delivered only: like a client of the query, the subscriber
            # gets a case's earlier steps when the case comes into its scope later (dispatched to it).
            cursor = rows[-1]["event"] if rows else cursor
            if len(rows) < size:
                seen = await feed.beyond(max(seen, cursor))
