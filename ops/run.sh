#!/usr/bin/env bash
# One command from a fresh clone to a running Wangge in development mode: installs
# into .venv, starts the embedded graph, loads the 衢州 demo data on first run and
# serves GraphQL with the local token issuer. Extra arguments go to `wangge serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
bash api/web/assets/build.sh   # GraphiQL and the console's browser files, from the npm lockfile (needs npm)
.venv/bin/python -m pip install -q -e .
export WANGGE_DEV="${WANGGE_DEV:-1}"
exec .venv/bin/wangge serve "$@"
