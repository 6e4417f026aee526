"""A department's back office for webhook tests: a real HTTP endpoint on loopback that checks each
request's Standard Webhooks signature and answers 503 as long as the test tells it to, or a redirect
to its `/landing` path (which counts what reaches it) when told to."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Receiver:
    secret: str = ""  # set once the webhook is registered
    failing: int = 0  # answer 503 to this many requests more (-1: to every request)
    attempts: list[str] = field(default_factory=list)  # webhook-id of every request, in arrival order
    accepted: list[dict[str, Any]] = field(default_factory=list)  # verified bodies answered 200
    forged: int = 0
    signed: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)  # body and headers of the accepted
    redirect: bool = False  # answer 307 to /landing instead
    landed: int = 0  # requests that followed a redirect

    @property
    def accepted_ids(self) -> Counter[str]:
        return Counter(body["webhook-id"] for body in self.accepted)

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            body = await request.body()
            self.attempts.append(request.headers.get("webhook-id", ""))
            try:
                payload = Webhook(self.secret).verify(body, dict(request.headers))
            except WebhookVerificationError:
                self.forged += 1
                return Response(status_code=400)
            if self.redirect:
                return Response(status_code=307, headers={"location": "/landing"})
            if self.failing:
                self.failing -= 1 if self.failing > 0 else 0
                return Response(status_code=503)
            self.accepted.append({"webhook-id": request.headers["webhook-id"], **payload})
            self.signed.append((body, dict(request.headers)))
            return Response(status_code=204)

        async def landing(request: Request) -> Response:
            self.landed += 1
            return Response(status_code=204)

        return Starlette(routes=[Route("/hook", hook, methods=["POST"]), Route("/landing", landing, methods=["POST"])])
