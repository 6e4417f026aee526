"""Article 21 gate benchmark: what enforcement costs per operation, and what it adds to a real request.

Run: `.venv/bin/python -m bench.authz [--n 1000] [--requests 300] [--engines falkordb,neo4j]`.

Part A (in process, no graph): a synthetic city policy (2,000 grids, 10,000 subjects, 100,000
rules and grants) and a 20-field department query parsed once. Per operation: cold (capabilities
compiled for a subject not in the cache, then `collect_needs` and `decide`) and warm (cached
capabilities), beside the naive alternative of one Casbin `enforce` per field with every grant
loaded. Part B (real graph): the grid page through two in-process apps over one seeded store, one
with the gate and one built without it, requests interleaved; latency and statements per request.
Neither app writes the audit trail (`audit=None`): bench/audit measures that, and here it would
only dilute the gate's share.

Prints figures; never asserts on time. Targets (from the issue): warm decision p50 <= 1 ms and
gate-on/gate-off p50 ratio <= 1.15 on the grid page.
"""

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import casbin
import httpx
from casbin.model import Model
from casbin.persist import Adapter, load_policy_line
from graphql import parse
from joserfc.jwk import RSAKey

from api import global_id
from api.app import create_app
from api.limits import Limits
from api.operation_needs import collect_needs
from api.schema import build_schema
from authz.capabilities import PERSONAL, Capabilities, compile_capabilities
from authz.classes import GOVERNANCE_ROLES
from authz.engine import PolicyEngine
from authz.gate import Needs, decide, deciding_rules
from authz.grants import Grant
from authz.reference import casbin_subject, jurisdiction_covers, reference_enforcer
from authz.rules import MODEL, Rule
from authz.tokens import LocalIssuer, TokenValidator
from bench.harness import Figures, figures, grant_reader, seeded_graphs, time_sync
from bench.read_api import GRID_PAGE
from bench.synthetic_policy import SyntheticPolicy, synthetic_policy
from graph_model.cypher.grid import GET_ALL_GRID_CODES
from graph_model.cypher.policy import GET_POLICY_HEAD
from graph_model.store import GraphStore
from ops.graph import open_store
from tests.common.counting import CountingStore

# A 民政 officer's persons page: 20 classified fields; ID numbers come masked, tags (L4) raw.
DEPARTMENT_QUERY = """
query Elderly($division: String!) {
  persons(first: 50, filter: {division: $division, ageMin: 60}) {
    nodes {
      id name gender birthDate residency relation tags phone idNumber
      household { id kind dwelling { unit room } members { name gender } }
      grid { code name }
    }
  }
}"""
PURPOSE = "reason:public-service"  # the structured form the API accepts
READER = "bench-reader-city"
ISSUER, AUDIENCE = "https://wangge.bench/issuer", "wangge-api"


def ms(figure: Figures) -> str:
    return f"p50 {figure.p50_ms:8.3f} ms  p95 {figure.p95_ms:8.3f} ms"


def _typical_officer(policy: SyntheticPolicy) -> tuple[str, list[Grant], str]:
    """A synthetic 民政 officer with about the average grant count and one grant at a whole county."""
    for subject, grants in policy.grants.items():
        kinds = {g.policy_role for g in grants}
        county = next((g.jurisdiction for g in grants if len(g.jurisdiction) == 6), None)
        if kinds == {"department_officer:minzheng"} and county and 9 <= len(grants) <= 11:
            return subject, grants, county
    raise RuntimeError("the synthetic policy has no typical 民政 officer")


class _MemoryAdapter(Adapter):
    """Loads rules and grants the way Casbin loads any store: line by line, then builds role links once."""

    def __init__(self, rules: Sequence[Rule], grants: Sequence[Grant]) -> None:
        self._rules, self._grants = rules, grants

    def load_policy(self, model: Model) -> None:
        for rule in self._rules:
            load_policy_line(", ".join(["p", *rule.as_casbin()]), model)
        for g in self._grants:
            load_policy_line(", ".join(["g", casbin_subject(g.subject), g.policy_role, g.jurisdiction]), model)


def part_a(n: int, api_grants: int) -> None:
    started = time.perf_counter()
    policy = synthetic_policy()
    rules, grids = tuple(policy.rules), policy.grids  # a tuple, as the policy engine holds them
    print(
        f"\nA. synthetic policy (built in {time.perf_counter() - started:.1f} s): {len(grids):,} grids, "
        f"{len(policy.grants):,} subjects, {policy.grant_count:,} grants + {len(rules)} rules "
        f"= {policy.grant_count + len(rules):,}"
    )
    subject, grants, county = _typical_officer(policy)
    print(f"   subject {subject}: {len(grants)} grants as department_officer:minzheng, one at county {county}")
    schema = build_schema(Limits())._schema
    document = parse(DEPARTMENT_QUERY)
    variables = {"division": county}

    def collected() -> Needs:
        operation = collect_needs(schema, document, None, variables)
        if not isinstance(operation, Needs):
            raise RuntimeError(f"the department query does not run: {operation}")
        return operation

    needs = collected()
    caps = compile_capabilities(subject, 1, grants, rules)
    decision = decide(caps, needs, grids, PURPOSE)
    print(
        f"   query: {len(needs.fields)} classified fields and filters over "
        f"{len({x.data_class for x in needs.fields})} data classes; "
        f"allowed={decision.allowed}, Person rows in {len(decision.access.grids.get('Person', ()))} grids"
    )

    def needs_only() -> None:
        collected()

    def decide_only() -> None:
        decide(caps, needs, grids, PURPOSE)

    def rules_only() -> None:
        deciding_rules(caps, rules, needs.fields)

    def gate_work() -> None:
        """What api/extensions/gate.py does per request once the capabilities are cached."""
        operation = collected()
        decide(caps, operation, grids, PURPOSE)
        deciding_rules(caps, rules, operation.fields)

    def warm() -> None:
        decide(caps, collected(), grids, PURPOSE)

    def cold() -> None:
        fresh = compile_capabilities(subject, 1, grants, rules)
        decide(fresh, collected(), grids, PURPOSE)

    samples, allowed = [], 0
    for other in random.Random(7).sample(sorted(policy.grants), n):
        started = time.perf_counter()
        other_caps = compile_capabilities(other, 1, policy.grants[other], rules)
        allowed += decide(other_caps, collected(), grids, PURPOSE).allowed
        samples.append(time.perf_counter() - started)
    rows = {
        "cold: compile + collect_needs + decide, this officer": time_sync(cold, n),
        f"cold: the same for {n:,} distinct random subjects": figures(samples),
        "warm: collect_needs + decide (capabilities cached)": time_sync(warm, n),
        "warm: collect_needs only": time_sync(needs_only, n),
        "warm: decide only": time_sync(decide_only, n),
        "warm: deciding_rules only (span and audit input)": time_sync(rules_only, n),
        "warm: all the gate does (the three above)": time_sync(gate_work, n),
    }
    print(f"\n   per operation, n={n:,} each")
    for label, figure in rows.items():
        print(f"   {label:54} {ms(figure)}")
    print(f"   ({allowed} of the {n:,} random subjects may run the query; the others are refused by the gate)")
    _naive_casbin(
        policy, subject, county, [(x.data_class.value, x.action.value) for x in needs.fields], caps, api_grants
    )


def _naive_casbin(
    policy: SyntheticPolicy,
    subject: str,
    county: str,
    fields: list[tuple[str, str]],
    caps: Capabilities,
    api_grants: int,
) -> None:
    """The design this gate replaces: one `enforce` per field against an enforcer holding every grant."""
    every = [g for grants in policy.grants.values() for g in grants]
    started = time.perf_counter()
    enforcer = casbin.Enforcer(str(MODEL))
    enforcer.add_named_domain_matching_func("g", jurisdiction_covers)
    governing = {casbin_subject(g.subject) for g in every if g.role in GOVERNANCE_ROLES}
    enforcer.add_function("separated", lambda sub, obj: sub in governing and obj in PERSONAL)  # as reference.py
    enforcer.set_adapter(_MemoryAdapter(policy.rules, every))
    enforcer.load_policy()
    loaded = time.perf_counter() - started
    print(
        f"\n   naive Casbin: {len(every):,} grants + {len(policy.rules)} rules loaded through an adapter in {loaded:.1f} s"
    )
    who = casbin_subject(subject)
    agree = all(bool(enforcer.enforce(who, county, c, a)) == caps.allows(c, a, county) for c, a in fields)
    print(f"   its {len(fields)} decisions at {county} agree with the compiled capabilities: {agree}")
    fresh = iter(sorted(g for g in policy.grids if g.startswith(county)))

    def per_field(where: str) -> None:
        for data_class, action in fields:
            enforcer.enforce(who, where, data_class, action)

    first = time_sync(lambda: per_field(next(fresh)), 50, warmup=0)
    warm = time_sync(lambda: per_field(county), 200)
    print(f"   {len(fields)} enforce calls, the first in their grid (n=50)       {ms(first)}")
    print(f"   {len(fields)} enforce calls, a domain asked before (n=200)        {ms(warm)}")
    if api_grants:
        subset = every[:api_grants]
        started = time.perf_counter()
        reference_enforcer(policy.rules, subset)
        took = time.perf_counter() - started
        print(f"   for contrast: reference_enforcer (add_grouping_policies) with {len(subset):,} grants: {took:.1f} s")


class _Side:
    """One in-process app over the shared store, with its own policy engine and statement counter."""

    def __init__(self, base: GraphStore, validator: TokenValidator, gate: bool) -> None:
        self.gate = gate
        self.store = CountingStore(base)
        self.engine = PolicyEngine(self.store)
        app = create_app(self.store, validator, self.engine, Limits(), None, gate=gate)
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wangge.bench")
        self.timings: list[float] = []
        self.statements: set[int] = set()

    async def request(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """One request: its time goes to `timings`; returns the statements it sent (policy polls aside)."""
        before = len(self.store.sent)
        started = time.perf_counter()
        response = await self.client.post("/graphql", json=body, headers=headers)
        self.timings.append(time.perf_counter() - started)
        sent = len([name for name in self.store.sent[before:] if name != GET_POLICY_HEAD.name])
        answer: dict[str, Any] = response.json()
        if "errors" in answer:
            raise RuntimeError(f"gate={self.gate}: {str(answer['errors'])[:300]}")
        self.statements.add(sent)
        return sent, answer

    async def close(self) -> None:
        await self.engine.stop()
        await self.client.aclose()


async def _session(url: str, n: int, warmup: int) -> list[str]:
    """Both apps over one store; runs alternate which side goes first, so drift hits both alike."""
    base = open_store(url)
    sides: list[_Side] = []
    try:
        await grant_reader(base, READER)
        grid = (await base.read(GET_ALL_GRID_CODES))[0]["code"]
        issuer = LocalIssuer(RSAKey.generate_key(2048, parameters={"kid": "bench"}, private=True), ISSUER, AUDIENCE)
        validator = TokenValidator(issuer.public_keys, ISSUER, AUDIENCE)
        on, off = _Side(base, validator, gate=True), _Side(base, validator, gate=False)
        sides = [on, off]
        for side in sides:
            await side.engine.start()
        headers = {"authorization": f"Bearer {issuer.issue(READER, 3600)}", "wangge-purpose": PURPOSE}
        body = {"query": GRID_PAGE, "variables": {"id": global_id.encode("Grid", grid)}}
        (on_first, on_answer), (off_first, off_answer) = (
            await on.request(body, headers),
            await off.request(body, headers),
        )
        for i in range(warmup + n):
            if i == warmup:
                for side in sides:
                    side.timings.clear()
                    side.statements.clear()
            for side in sides if i % 2 == 0 else sides[::-1]:
                await side.request(body, headers)
        on_figures, off_figures = figures(on.timings), figures(off.timings)
        cold = []
        for _ in range(100):
            started = time.perf_counter()
            compile_capabilities(READER, 1, await on.engine.records.grants_of(READER), on.engine.rules)
            cold.append(time.perf_counter() - started)
        households = on_answer["data"]["grid"]["households"]["nodes"]
        members = sum(len(h["members"]) for h in households)
        return [
            f"   grid page: {len(households)} households, {members} members; "
            f"same answer with and without the gate: {on_answer == off_answer}",
            f"   gate on   {ms(on_figures)}   statements/request {sorted(on.statements)} (first request {on_first})",
            f"   gate off  {ms(off_figures)}   statements/request {sorted(off.statements)} (first request {off_first})",
            f"   on/off ratio: p50 {on_figures.p50_ms / off_figures.p50_ms:.3f} (target <= 1.15), "
            f"p95 {on_figures.p95_ms / off_figures.p95_ms:.3f}",
            f"   cold capabilities on this graph (grants_of + compile, n=100): {ms(figures(cold))}",
        ]
    finally:
        for side in sides:
            await side.close()
        await base.close()


def part_b(engines: tuple[str, ...], scale: str, n: int, warmup: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, seeded_graphs(Path(tmp), scale, engines) as urls:
        reports = {engine: asyncio.run(_session(url, n, warmup)) for engine, url in urls.items()}
    print(f"\nB. grid page in process (httpx ASGITransport), {scale} data, {n} requests per side, interleaved")
    for engine, lines in reports.items():
        print(f"  {engine}")
        print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000, help="operations per part A figure")
    parser.add_argument("--api-grants", type=int, default=10_000, help="grants for the add_grouping_policies contrast")
    parser.add_argument("--requests", type=int, default=300, help="requests per side in part B")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--scale", default="demo")
    parser.add_argument("--engines", default="falkordb,neo4j", help="comma-separated; empty skips part B")
    args = parser.parse_args()
    part_a(args.n, args.api_grants)
    if args.engines:
        part_b(tuple(args.engines.split(",")), args.scale, args.requests, args.warmup)


if __name__ == "__main__":
    main()
