#!/usr/bin/env bash
# The test command: installs the pinned npm tools (Azurite; tree-sitter and the Bicep grammar for the template check) with npm ci and runs every test with Maven
# (unit tests, Table Storage tests on Azurite, the standalone end-to-end test, and the staged
# Azure Functions app check after `package`). Tests start and stop their own Azurite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ ! -x node_modules/.bin/azurite || ! -d node_modules/tree-sitter-bicep || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
mvn -B verify "$@"
