"""The `wangge` command line. Each command parses options and calls a plain function."""

import asyncio
import json
import sys
import time
from typing import TYPE_CHECKING

import typer
from typer._click.exceptions import NoArgsIsHelpError, UsageError  # typer 0.29 bundles its own click

from graph_model.cypher.grant import LIST_GRANTS
from graph_model.cypher.maintenance import COUNT_NODES_BY_LABEL, COUNT_RELATIONSHIPS_BY_TYPE
from graph_model.cypher.schema import SCHEMA
from graph_model.store import GraphUnavailable
from ops.errors import OperatorError
from ops.preflight import check_audit_trail, check_bind, check_issuer, check_scale, check_writable
from ops.runtime import opened_store
from ops.seeding import DEMO_SCALE, prepare_graph
from ops.settings import load_settings

if TYPE_CHECKING:
    from authz.audit.verify import VerifyReport

app = typer.Typer(help="Wangge (网格): grid-governance information platform of 衢州.", no_args_is_help=True)
db_app = typer.Typer(help="Graph schema maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
audit_app = typer.Typer(help="The audit trail: verify its integrity, sign checkpoints.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
open311_app = typer.Typer(help="API keys of Open311 clients (hotlines, resident apps).", no_args_is_help=True)
app.add_typer(open311_app, name="open311-key")


@app.command()
def serve(
    bind: str = typer.Option(None, help="HOST:PORT to listen on (default WANGGE_BIND or 127.0.0.1:8000)."),
    workers: int = typer.Option(None, help="Gunicorn worker processes (default WANGGE_WORKERS or 2)."),
    demo_scale: str = typer.Option("demo", help="Demo data loaded into an empty graph: tiny|demo|city."),
) -> None:
    """Run the GraphQL service under gunicorn; starts the embedded graph when none is configured."""
    from ops.serve import serve as run

    settings = load_settings()
    check_issuer(settings)
    check_scale(demo_scale, "--demo-scale")
    if workers is not None and workers < 1:
        raise OperatorError(f"--workers {workers}: at least one worker is needed, e.g. --workers 2")
    bind = bind or settings.bind
    check_bind(bind)
    check_writable(settings.data_dir)  # keys, telemetry and gunicorn's control socket, whichever graph
    run(settings, bind, workers or settings.workers, demo_scale)


@app.command()
def seed(
    scale: str = typer.Option("demo", help="tiny (~2k persons) | demo (~50k) | city (~2.3M)."),
    seed_value: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same data."),
    reset: bool = typer.Option(False, help="Delete whatever the graph holds first."),
    history: bool = typer.Option(True, help="Add two years of historical cases (city: about 1,000,000)."),
) -> None:
    """Generate the deterministic 衢州 demo data and load it into the graph."""
    from ops.seeding import GraphNotEmpty
    from ops.seeding import seed as run

    check_scale(scale, "--scale")

    async def go() -> None:
        async with opened_store(load_settings()) as store:
            report = await run(store, scale, seed_value, reset, history=history)
        rate = report.rows / report.seconds if report.seconds else 0.0
        typer.echo(f"seeded {scale}: {json.dumps(report.totals)} in {report.seconds:.1f} s ({rate:,.0f} rows/s)")

    try:
        asyncio.run(go())
    except GraphNotEmpty as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@db_app.command("migrate")
def migrate() -> None:
    """Create the indexes every read path relies on (idempotent)."""

    async def go() -> None:
        async with opened_store(load_settings()) as store:
            await store.migrate(SCHEMA)

    asyncio.run(go())
    typer.echo(f"schema ready ({len(SCHEMA)} indexes)")


@db_app.command("stats")
def stats() -> None:
    """Nodes per label and relationships per type, as one JSON object."""

    async def go() -> dict[str, dict[str, int]]:
        async with opened_store(load_settings()) as store:
            nodes = {r["label"]: r["n"] for r in await store.read(COUNT_NODES_BY_LABEL)}
            edges = {r["type"]: r["n"] for r in await store.read(COUNT_RELATIONSHIPS_BY_TYPE)}
            return {"nodes": nodes, "relationships": edges}

    typer.echo(json.dumps(asyncio.run(go()), ensure_ascii=False))


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk every chain; exit 0 if the trail is intact, 1 naming the first bad record.

    It only reads: a data directory without the audit key (or without the embedded graph) is refused
    before anything starts, instead of verifying an empty trail with a key made up on the spot."""
    from authz.audit.checkpoint import load_or_create_key
    from authz.audit.verify import verify

    settings = load_settings()
    check_audit_trail(settings)

    async def go() -> "VerifyReport":
        async with opened_store(settings) as store:
            return await verify(store, load_or_create_key(settings.data_dir))

    started = time.perf_counter()
    report = asyncio.run(go())
    seconds = time.perf_counter() - started
    summary = (
        f"{report.records} records in {report.chains} chains, {report.checkpoints} signed checkpoints, {seconds:.1f} s"
    )
    if report.ok and not report.chains:
        typer.echo("error: this graph holds no audit trail; check WANGGE_GRAPH_URL and WANGGE_DATA_DIR", err=True)
        raise typer.Exit(1)
    if report.ok:
        typer.echo(f"audit trail intact: {summary}")
        return
    typer.echo(f"audit trail BROKEN: {report.problem} ({summary})", err=True)
    raise typer.Exit(1)


@audit_app.command("reindex")
def audit_reindex() -> None:
    """Index by data subject the records appended before that index existed (safe to run again).
    Neo4j only: FalkorDB finds them through each record's own `data_subjects`, so there it says so."""
    from authz.audit.reindex import reindex

    async def go() -> int | None:
        async with opened_store(load_settings()) as store:
            return await reindex(store)

    visited = asyncio.run(go())
    if visited is None:
        typer.echo(
            "nothing to do: this engine finds records by their own indexed data_subjects (only Neo4j keeps entries)"
        )
        return
    typer.echo(f"{visited} audit records indexed by data subject")


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign a checkpoint of every chain's head now (workers also sign one every 30 s while busy)."""
    from authz.audit.checkpoint import load_or_create_key, write_checkpoint

    settings = load_settings()

    async def go() -> dict[str, object]:
        async with opened_store(settings) as store:
            return await write_checkpoint(store, load_or_create_key(settings.data_dir))

    content = asyncio.run(go())
    typer.echo(f"checkpoint signed over {len(content['heads'])} chains")  # type: ignore[arg-type]


@app.command()
def token(
    sub: str = typer.Option(None, help="Subject the token names."),
    ttl: int = typer.Option(3600, help="Lifetime in seconds."),
    list_subjects: bool = typer.Option(False, "--list", help="List demo subjects and their role grants."),
) -> None:
    """Print a token from the development issuer (trusted only with WANGGE_DEV=1), or list subjects."""
    from authz.tokens import LocalIssuer

    settings = load_settings()
    if list_subjects:

        async def go() -> list[dict[str, object]]:
            async with opened_store(settings) as store:
                if settings.embedded:  # as `wangge serve` would: the demo subjects exist from the start
                    await prepare_graph(store, DEMO_SCALE)
                return await store.read(LIST_GRANTS)

        for grant in asyncio.run(go()):
            line = {"sub": grant["subject"], "role": grant["role"], "jurisdiction": grant["jurisdiction"],
                    "department": grant["department"]}  # fmt: skip
            typer.echo(json.dumps(line, ensure_ascii=False))
        return
    if not sub:
        typer.echo("error: --sub is required (or --list)", err=True)
        raise typer.Exit(2)
    if ttl <= 0:
        typer.echo("error: --ttl must be positive", err=True)
        raise typer.Exit(2)
    check_writable(settings.data_dir)
    issuer = LocalIssuer.load_or_create(settings.data_dir, settings.issuer, settings.audience)
    typer.echo(issuer.issue(sub, ttl))


@open311_app.command("create")
def open311_key_create(
    client: str = typer.Argument(..., help="Client name, e.g. hotline-12345."),
    source: str = typer.Option("hotline", help="Case source of its reports: hotline | resident."),
    jurisdiction: str = typer.Option("3308", help="Division code where it may file and follow cases."),
) -> None:
    """Make a key for a client (granting it open311_client in the jurisdiction); prints the key once."""
    from ops.open311_keys import create_client_key

    async def go() -> str:
        async with opened_store(load_settings()) as store:
            return await create_client_key(store, client, source, jurisdiction)

    typer.echo(asyncio.run(go()))


@open311_app.command("revoke")
def open311_key_revoke(client: str = typer.Argument(..., help="Client name.")) -> None:
    """Revoke every live key of a client at once."""
    from ops.open311_keys import revoke_client

    async def go() -> list[str]:
        async with opened_store(load_settings()) as store:
            return await revoke_client(store, client)

    revoked = asyncio.run(go())
    typer.echo(f"revoked {len(revoked)} key(s) of {client}: {', '.join(revoked) or '-'}")


@open311_app.command("list")
def open311_key_list() -> None:
    """Every key ever made (id, client, source, created, revoked), one JSON object a line; never a secret."""
    from authz.api_keys import list_keys

    async def go() -> list[dict[str, object]]:
        async with opened_store(load_settings()) as store:
            return await list_keys(store)

    for row in asyncio.run(go()):
        typer.echo(json.dumps(row, ensure_ascii=False))


@app.command("neo4j-local")
def neo4j_local(
    bolt_port: int = typer.Option(7687, help="Bolt port on 127.0.0.1 (0 picks a free one)."),
) -> None:
    """Run a local Neo4j Community server (from Maven Central jars) in the foreground, for dev and tests."""
    from ops.neo4j_local import run_neo4j_local

    sys.exit(run_neo4j_local(load_settings().data_dir, bolt_port))


def main() -> None:
    """Run the CLI; operator mistakes and usage errors end as one line on stderr and status 2.

    Typer's standalone mode would print usage errors as a framed panel of several lines."""
    try:
        code = app(standalone_mode=False)
    except OperatorError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except GraphUnavailable as exc:
        typer.echo(f"error: {exc}: the graph stopped answering; check that it runs, then retry", err=True)
        sys.exit(1)
    except NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "wangge"
        typer.echo(f"error: {exc.format_message()} (see {command} --help)", err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
