#!/usr/bin/env bash
# Load run: concurrent clients poll status and submit at a stated rate while simulated agents work;
# prints status-query and submit p50/p99, submit throughput and the error count.
#   scripts/load.sh [--clients 50] [--rate 200] [--submit-percent 5] [--agents 20] [--seconds 60]
# Results with the machine they ran on are kept in docs/benchmarks.md.
set -euo pipefail
# The same build and Azurite check as the benchmarks, then the load run's main class.
BENCH_MAIN=io.controlplane.bench.LoadRun exec "$(dirname "${BASH_SOURCE[0]}")/benchmark.sh" "$@"
