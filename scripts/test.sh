#!/usr/bin/env bash
# The test command: installs the pinned npm tools (Azurite; tree-sitter and the Bicep grammar for the
# template check; esbuild, MSAL.js and playwright-core for the web console) with npm ci, Debian's
# chromium for the console's browser tests when it is missing, and runs every test with Maven
# (unit tests, Table Storage tests on Azurite, the standalone end-to-end test, and the staged
# Azure Functions app check after `package`). Tests start and stop their own Azurite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ ! -x node_modules/.bin/azurite || ! -d node_modules/tree-sitter-bicep || ! -d node_modules/playwright-core \
      || ! -d node_modules/esbuild || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# ConsoleBrowserTest drives headless Chromium (Debian's package; playwright-core downloads no browser).
if [[ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "test: installing chromium for the console's browser tests (apt-get)"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
mvn -B verify "$@"
