#!/usr/bin/env bash
# Load run: concurrent clients poll status and submit at a stated rate while simulated agents work;
# prints status-query and submit p50/p99, submit throughput and the error count.
#   scripts/load.sh [--clients 50] [--rate 200] [--submit-percent 5] [--agents 20] [--seconds 60]
# Results with the machine they ran on are kept in docs/benchmarks.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ ! -x node_modules/.bin/azurite || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
mvn -B -q -DskipTests -pl benchmarks -am package
exec java -Xmx2g -cp benchmarks/target/controlplane-benchmarks.jar io.controlplane.bench.LoadRun "$@"
