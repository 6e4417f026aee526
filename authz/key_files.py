"""Secrets kept under `<data_dir>/keys/`, created once however many processes ask at the same moment.

Every gunicorn worker loads the dev issuer's key, the audit signing key and the web secrets
as it boots. Two workers finding the file missing both create one; a shared temporary name
let one worker's rename pull the file from under the other (its boot failed, and gunicorn
stopped the whole service), and replacing made workers sign with different keys. Here each
writer has its own temporary file and links it into place: the first link wins, every
later writer reads the winner's content.
"""

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def load_or_create(path: Path, create: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The JSON object at `path` (mode 0600), made by `create` if no process has made it yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(create(), handle)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        tmp.unlink()
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded
