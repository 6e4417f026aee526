"""Workers booting together must end up with one key, not crash and not hold different ones."""

import json
import multiprocessing
import stat
from pathlib import Path

from authz.key_files import load_or_create


def _racer(path: str, start: "multiprocessing.synchronize.Event", out: "multiprocessing.Queue[str]") -> None:
    start.wait()
    made = load_or_create(Path(path), lambda: {"owner": multiprocessing.current_process().name, "pad": "x" * 65536})
    out.put(made["owner"])


def test_processes_racing_to_create_all_load_the_first_ones_content(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "k.json"
    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    racers = [ctx.Process(target=_racer, args=(str(path), start, out), name=f"w{i}") for i in range(8)]
    for racer in racers:
        racer.start()
    start.set()
    for racer in racers:
        racer.join(30)
    assert [racer.exitcode for racer in racers] == [0] * 8, "no racer may fail"
    owners = {out.get(timeout=5) for _ in racers}
    assert owners == {json.loads(path.read_text())["owner"]}, "every racer holds the file's one content"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["k.json"], "no temporary file is left behind"


def test_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    first = load_or_create(path, lambda: {"n": 1})
    assert load_or_create(path, lambda: {"n": 2}) == first == {"n": 1}
