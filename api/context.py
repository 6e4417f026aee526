"""The per-request context every resolver reads: who asks, the request's loaders, the limits."""

from dataclasses import dataclass

from starlette.requests import Request
from strawberry.types import Info as StrawberryInfo

from api.limits import Limits
from authz.principal import Principal
from loaders.registry import Loaders


@dataclass
class Context:
    request: Request
    principal: Principal
    loaders: Loaders
    limits: Limits


Info = StrawberryInfo[Context, None]
