#!/usr/bin/env bash
# Shows jobs flowing through the tiers on a local control plane (start scripts/run-local.sh first):
# submits 3 Standard, then 3 Premium, then 3 Platinum jobs, runs one simulated agent, and prints the
# order in which the agent leased them (Platinum first, then Premium, then Standard) and the final
# state of each job.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
URL="${CONTROLPLANE_URL:-http://127.0.0.1:7071}"
curl -sf "$URL/api/health/ready" >/dev/null || { echo "demo: no control plane at $URL; run scripts/run-local.sh first" >&2; exit 1; }

TOKEN=$(scripts/dev-token.sh --tenant demo --roles Jobs.Submit,Jobs.Read,Jobs.Manage)
declare -A TIER_OF
for tier in Standard Standard Standard Premium Premium Premium Platinum Platinum Platinum; do
  id=$(sed "s/\"tier\": \"Premium\"/\"tier\": \"$tier\"/" docs/examples/job-spec.json \
    | curl -s -X POST "$URL/api/jobs" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @- \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  TIER_OF[$id]=$tier
  echo "submitted $tier job $id"
done

echo "running one agent for 15 s (each job takes 1 s)..."
scripts/demo-agents.sh --agents 1 --job-ms 1000 --run-seconds 15 --id-prefix demo 2>/dev/null \
  | grep -o 'event=lease .*jobId=[0-9a-z]*' | sed 's/.*jobId=//' > "${TMPDIR:-/tmp}/demo-order.txt" || true

echo "lease order:"
n=0
while read -r id; do
  n=$((n + 1))
  echo "  $n. ${TIER_OF[$id]:-?} $id"
done < "${TMPDIR:-/tmp}/demo-order.txt"

echo "final states:"
curl -s "$URL/api/jobs?limit=500" -H "Authorization: Bearer $TOKEN" \
  | python3 -c 'import json,sys; [print("  %-9s %-9s %s" % (j["tier"], j["state"], j["id"])) for j in json.load(sys.stdin)["items"]]'
