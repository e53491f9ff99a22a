#!/usr/bin/env bash
# Dispatch benchmark: prints storage round trip, assignment latency p50/p99, lifecycle throughput,
# storage requests per job and claim latency at two queue depths, from one run on a fresh Azurite.
#   scripts/benchmark.sh [--samples 200] [--jobs 1000] [--agents 50] [--deep 10000]
#   scripts/benchmark.sh --only dispatch   # assignment latency (empty and deep queue), throughput with requests per job, preemption latency
#   scripts/benchmark.sh --only scale [--agents 5000] [--rate 50] [--deep 2000] [--speed 1]   # scale model of one region
#     (in-memory stores, simulated clock paced to wall time, about 6 min): hottest partition's entities/s per phase;
#     exits 1 when one exceeds 1,000 (the full run above ends with it too, printing only)
#   scripts/benchmark.sh --only events [--watchers 500] [--reports 200]   # live events fanned out to watchers: report cost to the agent with and without, delivery latency, storage requests
#   scripts/benchmark.sh --only fairness [--agents 20] [--a 300] [--b 60] [--c 60] [--every 20] [--seed 7]
#     (in-memory stores, simulated clock, unpaced: seconds): each tenant's wait from submission to first lease,
#     p50/p99, with fair share off, on (weights 1:1:1) and on (3:1:1), for a burst, a smaller burst and a trickle
# Results with the machine they ran on are kept in docs/benchmarks.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ ! -x node_modules/.bin/azurite || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
mvn -B -q -DskipTests -pl benchmarks -am package
# scripts/load.sh runs the load run's main class from the same jar.
exec java -Xmx2g -cp benchmarks/target/controlplane-benchmarks.jar "${BENCH_MAIN:-io.controlplane.bench.DispatchBenchmark}" "$@"
