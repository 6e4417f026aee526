"""Operator mistakes end at once, as one line saying what is wrong and how to fix it (issue 14, point 5).

Each case runs the real `wangge` command in a subprocess and checks the exit status, that stderr is
exactly one line naming the problem, that it took under 5 s (the issue's bound: before, some took
35 s or failed only after seeding), and that nothing was started or created on the way.
"""

import json
import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from joserfc.jwk import OKPKey

from ops.processes import free_port
from tests.common.server import WANGGE

SETTINGS = ("WANGGE_GRAPH_URL", "WANGGE_DEV", "WANGGE_JWKS_URL", "WANGGE_BIND", "WANGGE_WORKERS")


Outcome = tuple[subprocess.CompletedProcess[str], float]


def wangge(data_dir: Path, *args: str, **env: str) -> Outcome:
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    started = time.monotonic()
    done = subprocess.run(
        [*WANGGE, *args], env={**base, "WANGGE_DATA_DIR": str(data_dir), **env},
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    return done, time.monotonic() - started


def assert_one_line(done: subprocess.CompletedProcess[str], seconds: float, *words: str) -> None:
    assert done.returncode != 0, done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert all(word in lines[0] for word in words), lines[0]
    assert seconds < 5, f"took {seconds:.1f} s"


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    words: tuple[str, ...]
    env: dict[str, str] = field(default_factory=lambda: {"WANGGE_DEV": "1"})
    data_dir: Callable[[Path], Path] = lambda tmp: tmp / "var"


def under_a_file(tmp: Path) -> Path:
    """Run as root here, so a mode bit would not stop a write: a regular file stands where a directory must."""
    (tmp / "file").write_text("")
    return tmp / "file" / "var"


NOWHERE = free_port()  # nothing listens there
TAKEN = socket.create_server(("127.0.0.1", 0))  # listens for the whole module
CASES = {
    "scale": Case(("seed", "--scale", "nonsense"), ("'nonsense'", "tiny, demo, city")),
    "demo scale": Case(("serve", "--demo-scale", "huge"), ("'huge'", "tiny, demo, city")),
    "port not a number": Case(("serve", "--bind", "127.0.0.1:abc"), ("1 to 65535",)),
    "port out of range": Case(("serve", "--bind", "127.0.0.1:99999"), ("1 to 65535",)),
    "no port": Case(("serve", "--bind", "nonsense"), ("not HOST:PORT",)),
    "unknown host": Case(("serve", "--bind", "nonsense.invalid:8000"), ("'nonsense.invalid' is unknown",)),
    "port in use": Case(("serve", "--bind", f"127.0.0.1:{TAKEN.getsockname()[1]}"), ("is already in use",)),
    "no issuer": Case(("serve",), ("WANGGE_JWKS_URL", "WANGGE_DEV=1"), env={}),
    "workers option": Case(("serve", "--workers", "many"), ("--workers", "--help")),
    "workers variable": Case(("serve",), ("WANGGE_WORKERS='0'",), env={"WANGGE_DEV": "1", "WANGGE_WORKERS": "0"}),
    "graph url scheme": Case(("db", "stats"), ("not a graph URL",), env={"WANGGE_GRAPH_URL": "http://h:7474"}),
    "graph url credentials": Case(("db", "stats"), ("_PASSWORD",), env={"WANGGE_GRAPH_URL": "neo4j://u:secret@h"}),
    "nothing at bolt url": Case(("db", "stats"), ("no graph answers at bolt://", "WANGGE_GRAPH_URL"),
                                env={"WANGGE_GRAPH_URL": f"bolt://127.0.0.1:{NOWHERE}"}),
    "nothing at neo4j url": Case(("serve",), ("no graph answers at neo4j://",),
                                 env={"WANGGE_DEV": "1", "WANGGE_GRAPH_URL": f"neo4j://127.0.0.1:{NOWHERE}"}),
    "nothing at falkordb url": Case(("seed", "--scale", "tiny"), ("no graph answers at falkordb://",),
                                    env={"WANGGE_GRAPH_URL": f"falkordb://127.0.0.1:{NOWHERE}"}),
    "unwritable data dir (serve)": Case(("serve",), ("is not writable", "WANGGE_DATA_DIR"), data_dir=under_a_file),
    "unwritable data dir (serve, external graph)": Case(
        ("serve",), ("is not writable",), env={"WANGGE_DEV": "1", "WANGGE_GRAPH_URL": f"bolt://127.0.0.1:{NOWHERE}"},
        data_dir=under_a_file,
    ),
    "unwritable data dir (seed)": Case(("seed",), ("is not writable",), data_dir=under_a_file),
    "unwritable data dir (token)": Case(("token", "--sub", "x"), ("is not writable",), data_dir=under_a_file),
    "audit verify, empty data dir": Case(("audit", "verify"), ("no audit signing key", "WANGGE_DATA_DIR"), env={}),
}  # fmt: skip


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Outcome, Path]]]:
    """Every case once, two at a time (each is mostly interpreter start-up)."""

    folders = {name: tmp_path_factory.mktemp("case") for name in CASES}  # mktemp is not thread-safe

    def run(name: str) -> tuple[Outcome, Path]:
        tmp = folders[name]
        return wangge(CASES[name].data_dir(tmp), *CASES[name].args, **CASES[name].env), tmp

    with ThreadPoolExecutor(2) as pool:
        yield dict(zip(CASES, pool.map(run, CASES), strict=True))
    TAKEN.close()


@pytest.mark.parametrize("name", CASES)
def test_a_mistake_is_one_line_at_once_and_starts_nothing(name: str, outcomes: dict[str, tuple[Outcome, Path]]) -> None:
    (done, seconds), tmp = outcomes[name]
    assert_one_line(done, seconds, *CASES[name].words)
    assert "secret" not in done.stderr
    created = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*"))
    assert created in ([], ["var"], ["file"]), created  # no graph, no keys: at most the (empty) data dir


def test_audit_verify_on_a_graph_without_a_trail(tmp_path: Path) -> None:
    """The key is there but the graph holds no chain: not 'intact: 0 records', a failure."""
    key = OKPKey.generate_key("Ed25519", private=True)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "audit-signing.jwk.json").write_text(json.dumps(key.as_dict(private=True)))
    assert_one_line(*wangge(tmp_path, "audit", "verify"), "no embedded graph under")
    (tmp_path / "falkordb").mkdir()
    done, seconds = wangge(tmp_path, "audit", "verify")
    assert_one_line(done, seconds, "holds no audit trail")


def test_a_data_dir_too_long_for_the_graph_socket(tmp_path: Path) -> None:
    """The embedded graph's unix socket must fit sun_path (107 bytes): say so, and how to avoid it, at once."""
    deep = tmp_path / ("d" * 100)
    done, seconds = wangge(deep, "db", "stats")
    assert_one_line(done, seconds, "too long for the embedded graph's unix socket", "WANGGE_GRAPH_PORT")
    assert not (deep / "falkordb").exists(), "no graph was started"
