#!/usr/bin/env bash
# Prints a development bearer token signed by the local development issuer
# (key in .local/dev-issuer-key.json, created on first use; refused by Production configurations).
#   scripts/dev-token.sh --tenant contoso --roles Jobs.Submit,Jobs.Read [--subject agent-1] [--ttl-minutes 60]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR=standalone/target/controlplane-standalone.jar
if [[ ! -f "$JAR" ]]; then
  mvn -B -q -DskipTests -pl standalone -am package >&2
fi
exec java -cp "$JAR" io.controlplane.api.auth.DevTokenCli "$@"
