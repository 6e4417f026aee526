"""Issue 14 point 4: a grid page's spans cost less than 2 KB in the telemetry file (7.7 KB before).

A real `wangge serve` (one worker, file telemetry) answers the grid page 30 times; the spans of
each request's trace, as written, plus its share of the batch headers, stay under 2,048 bytes,
and none of them carries an attribute that only repeats another or the client's free text.
"""

import json
from pathlib import Path

import httpx

from api import global_id
from bench.read_api import GRID_PAGE
from ops.telemetry import DROPPED_ATTRIBUTES, read_spans
from tests.common.server import Server, cli

PAGE = GRID_PAGE.replace("query(", "query GridPage(", 1)  # bench/read_api's grid page, named
REQUESTS = 30
BOUND = 2048


def test_a_grid_page_costs_less_than_2_kb_of_spans(serve_dir: Path) -> None:
    server = Server(serve_dir, workers=1)
    try:
        server.wait_ready()
        chief = next(g for g in map(json.loads, cli(server.env, "token", "--list").splitlines())
                     if g["role"] == "grid_chief")  # fmt: skip
        token = cli(server.env, "token", "--sub", chief["sub"]).strip()
        variables = {"id": global_id.encode("Grid", chief["jurisdiction"])}
        headers = {"authorization": f"Bearer {token}", "wangge-purpose": "reason:base-data"}
        server.query(token, "{ divisions { code } }")  # loads the chief's grants: not a grid page's cost
        for _ in range(REQUESTS):
            body = {"query": PAGE, "variables": variables}
            answer = httpx.post(f"{server.url}/graphql", json=body, headers=headers, timeout=30).json()
            assert "errors" not in answer and answer["data"]["grid"]["households"]["nodes"], answer
    finally:
        assert server.stop() == 0  # the worker flushes its spans as it stops
    path = serve_dir / "telemetry" / "spans.jsonl"
    spans = read_spans(path)
    requests = {s["trace_id"] for s in spans if s["name"] == "query GridPage"}
    assert len(requests) == REQUESTS, "every grid page traced"

    cost = dict.fromkeys(requests, 0)
    headers = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        batch = json.loads(line)
        parts = {t: len(json.dumps({t: members}, separators=(",", ":"))) for t, members in batch["traces"].items()}
        headers += len(line) + 1 - sum(parts.values())
        for trace_id, size in parts.items():
            if trace_id in cost:
                cost[trace_id] += size
    per_request = [size + headers / len(requests) for size in cost.values()]
    print(f"grid page spans: max {max(per_request):.0f} B, mean {sum(per_request) / len(per_request):.0f} B")
    assert max(per_request) < BOUND, sorted(per_request)[-3:]
    assert not [(s["name"], k) for s in spans for k in s.get("attributes", {}) if k in DROPPED_ATTRIBUTES]
