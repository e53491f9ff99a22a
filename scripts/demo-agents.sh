#!/usr/bin/env bash
# Runs simulated agents against a local control plane (scripts/run-local.sh, http://127.0.0.1:7071).
# Builds the simulator if its jar is missing, then starts SimulatorMain with local defaults; extra
# arguments are passed through and, coming last, win:
#   scripts/demo-agents.sh --agents 10 --job-ms 5000 --fail-fraction 0.1
#   scripts/demo-agents.sh --help
# One key=value line per event on stdout. Ctrl-C stops the agents: running jobs write a final
# checkpoint and release their leases (reason shutdown).
# Environment: CONTROLPLANE_URL (default http://127.0.0.1:7071), AGENTS (default 3), JAVA_OPTS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

JAR=simulator/target/controlplane-simulator.jar
if [[ ! -f "$JAR" ]]; then
  echo "demo-agents: building the simulator (mvn package, tests skipped)" >&2
  mvn -B -q -DskipTests -pl simulator package >&2
fi
# Each agent's token comes from scripts/dev-token.sh, which builds the standalone host on first use;
# build it once here rather than racing one build per agent.
if [[ ! -f standalone/target/controlplane-standalone.jar ]] && [[ " $* " != *" --token "* ]]; then
  echo "demo-agents: building the standalone host for scripts/dev-token.sh" >&2
  mvn -B -q -DskipTests -pl standalone -am package >&2
fi

exec java ${JAVA_OPTS:-} -jar "$JAR" \
  --url "${CONTROLPLANE_URL:-http://127.0.0.1:7071}" \
  --agents "${AGENTS:-3}" \
  --region westeurope \
  --pool shared \
  --capabilities azure-devops,git \
  --slots 1 \
  --job-ms 2000 \
  --token-command "scripts/dev-token.sh --tenant agents --roles Agents.Run --subject {agentId}" \
  "$@"
