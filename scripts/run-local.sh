#!/usr/bin/env bash
# Runs the control plane locally: installs what is missing (npm packages), builds, starts Azurite
# (data kept in .local/azurite) and the standalone host on http://127.0.0.1:7071. Ctrl-C stops both.
# Settings: environment variables (see docs/operations.md), e.g. CONTROLPLANE_REGIONS=westeurope,northeurope.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "run-local: '$1' is missing; install $2" >&2; exit 1; }
}
need java "a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless)"
need mvn "Apache Maven 3.8+ (e.g. apt-get install maven)"
need npm "Node.js 20 with npm (e.g. apt-get install nodejs npm)"

if [[ ! -x node_modules/.bin/azurite || ! -d node_modules/esbuild || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "run-local: installing Azurite and the console's build tools (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "run-local: building (mvn package, tests skipped; scripts/test.sh runs them)"
mvn -B -q -DskipTests -pl standalone -am package

scripts/azurite.sh start
if [[ "${KEEP_AZURITE:-0}" != "1" ]]; then
  trap 'scripts/azurite.sh stop' EXIT
fi

export STORAGE_CONNECTION_STRING="${STORAGE_CONNECTION_STRING:-$(scripts/azurite.sh connection-string)}"
export CONTROLPLANE_REGIONS="${CONTROLPLANE_REGIONS:-westeurope}"
export CONTROLPLANE_ENVIRONMENT="${CONTROLPLANE_ENVIRONMENT:-Development}"
# The development token issuer (scripts/dev-token.sh) is an explicit opt-in, for local runs only; set
# AUTH_METADATA_URL and AUTH_AUDIENCE instead to use Entra ID.
if [[ -z "${AUTH_METADATA_URL:-}" && -z "${AUTH_JWKS_URL:-}" ]]; then
  export AUTH_DEV_ISSUER="${AUTH_DEV_ISSUER:-true}"
fi
export PORT="${PORT:-7071}"
echo "run-local: control plane on http://127.0.0.1:$PORT/api (regions: $CONTROLPLANE_REGIONS), its console on http://127.0.0.1:$PORT/ (token: scripts/dev-token.sh); Ctrl-C stops it"
java ${JAVA_OPTS:-} -jar standalone/target/controlplane-standalone.jar
