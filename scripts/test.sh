#!/usr/bin/env bash
# The test command: installs the pinned Azurite (npm ci) and runs every test with Maven
# (unit tests, Table Storage tests on Azurite, the standalone end-to-end test, and the staged
# Azure Functions app check after `package`). Tests start and stop their own Azurite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ ! -x node_modules/.bin/azurite || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
mvn -B verify "$@"
