"""`python -m bench.variants VARIANT serve …`: `wangge serve` with one of issue 12's cheap wins taken back out.

Benchmark-only. Each cheap win is measured on its own by serving the same code with just that
win undone, in the same run as the shipped configuration. The undoing happens here, in the
gunicorn master before the app is imported; workers are forked from it and inherit it.

- `shipped`: as installed and configured.
- `stdlib-json`: responses encoded with `json.dumps` instead of orjson.
- `per-request-limiters`: the depth and alias limiters built per request, as before (the
  validation cache then never hits: their rule classes are new every request).
- `asyncio-h11`: the uvicorn worker on asyncio and h11 instead of uvloop and httptools.
- `no-rust-ext`: the neo4j driver's pure-Python PackStream instead of neo4j-rust-ext.
- `none`: all of the above undone together (the state before the cheap wins).
- `resolvers`: every read through strawberry's resolvers and the loaders, no compiled statements
  (not a cheap win: the compiler of issue 12 part 1, measured against the path it replaces).
- `echo`: not Wangge at all but the HTTP it is served through: the same gunicorn master and uvicorn
  workers, whose app answers each POST with the bytes the shipped service answered to the same body
  (files named by the body's SHA-256 in `WANGGE_BENCH_ECHO`). No token, gate, graph, audit or
  telemetry: what HTTP alone costs on this machine, the part of a served figure no server-side work
  can remove.
"""

import hashlib
import json
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

UNDO = ("stdlib-json", "per-request-limiters", "asyncio-h11", "no-rust-ext")
VARIANTS = ("shipped", *UNDO, "none", "resolvers", "echo")


def _no_rust_ext() -> None:
    sys.modules["neo4j._rust"] = None  # type: ignore[assignment]  # the driver falls back on ImportError


def _stdlib_json() -> None:
    from api.graphql_view import WanggeGraphQL

    def encode_json(self: WanggeGraphQL, data: object) -> str:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    WanggeGraphQL.encode_json = encode_json  # type: ignore[assignment,method-assign]


def _per_request_limiters() -> None:
    from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

    import api.schema
    from api.limits import Limits

    shipped = api.schema.build_extensions

    def build_extensions(limits: Limits, gate: bool = True, compiled: bool = True) -> list[Callable[[], object]]:
        factories = [
            partial(QueryDepthLimiter, max_depth=limits.max_depth),
            partial(MaxAliasesLimiter, max_alias_count=limits.max_aliases),
        ]
        extensions = list(shipped(limits, gate, compiled))
        extensions[2:3] = factories  # the shared AddValidationRules, as api/schema.py places it
        return extensions

    api.schema.build_extensions = build_extensions  # type: ignore[assignment]


def _asyncio_h11() -> None:
    from uvicorn_worker import UvicornWorker

    UvicornWorker.CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "loop": "asyncio", "http": "h11"}


def _resolvers() -> None:
    import api.schema
    from api.limits import Limits

    shipped = api.schema.build_extensions

    def build_extensions(limits: Limits, gate: bool = True, compiled: bool = True) -> list[Callable[[], object]]:
        return shipped(limits, gate, False)

    api.schema.build_extensions = build_extensions  # type: ignore[assignment]


def echo_name(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _echo() -> None:
    import ops.asgi

    answers = {p.name: p.read_bytes() for p in Path(os.environ["WANGGE_BENCH_ECHO"]).iterdir()}
    json_type = [(b"content-type", b"application/json")]

    async def app(scope: dict[str, Any], receive: Callable[[], Any], send: Callable[[dict[str, Any]], Any]) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        answer = b"{}" if scope["path"] == "/readyz" else answers.get(echo_name(body))
        await send({"type": "http.response.start", "status": 200 if answer else 404, "headers": json_type})
        await send({"type": "http.response.body", "body": answer or b""})

    ops.asgi.create_from_env = lambda: app


UNDOERS: dict[str, Callable[[], None]] = {
    "stdlib-json": _stdlib_json,
    "per-request-limiters": _per_request_limiters,
    "asyncio-h11": _asyncio_h11,
    "no-rust-ext": _no_rust_ext,
    "resolvers": _resolvers,
    "echo": _echo,
}


def main() -> None:
    variant, sys.argv = sys.argv[1], [sys.argv[0], *sys.argv[2:]]
    if variant not in VARIANTS:
        raise SystemExit(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    if variant in ("no-rust-ext", "none"):
        _no_rust_ext()  # before anything imports neo4j
    for name in UNDO if variant == "none" else (variant,) if variant in UNDOERS else ():
        UNDOERS[name]()
    from ops.cli import main as wangge

    wangge()


if __name__ == "__main__":
    main()
