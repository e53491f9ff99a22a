#!/usr/bin/env bash
# The crash suite, several runs in a row (default 3), each on a fresh Azurite data directory:
# the standalone host, a persistent Azurite and simulated agents as real processes run 240 jobs
# while the control plane is killed with -9 mid-dispatch and restarted (twice), agent processes are
# killed with -9 mid-job and replaced (three times), and Azurite is restarted on its data (twice).
# Then storage is checked: every job ended exactly once as expected, no double lease, no lost
# checkpoint or mapping. Prints each run's counts; stops at the first failing run.
#   scripts/crash-suite.sh [runs] [extra Maven arguments, e.g. -o or -Dcrash.jobs=300]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${1:-3}"
if [[ ! "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/crash-suite.sh [runs] [Maven arguments]" >&2
  exit 2
fi
shift || true
if [[ ! -x node_modules/.bin/azurite || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
COUNTS="$(mktemp)"
BUILD_LOG="$(mktemp)"
trap 'rm -f "$COUNTS" "$BUILD_LOG"' EXIT
REPORT=standalone/target/surefire-reports/io.controlplane.standalone.crash.CrashSuiteTest.txt
for run in $(seq 1 "$RUNS"); do
  echo "crash-suite: run $run of $RUNS"
  rm -f "$REPORT"
  before=$(wc -l < "$COUNTS")
  # -am builds shared and the simulator as well (nothing is installed in ~/.m2); only the crash
  # suite runs.
  if ! mvn -B -Dstyle.color=never -pl standalone -am test -Dtest=CrashSuiteTest -Dsurefire.failIfNoSpecifiedTests=false \
      -Dcrash.countsFile="$COUNTS" "$@" > "$BUILD_LOG" 2>&1; then
    if [[ -f "$REPORT" ]]; then cat "$REPORT"; else tail -n 60 "$BUILD_LOG"; fi
    echo "crash-suite: run $run of $RUNS FAILED (counts so far below; logs and data of a failed run are kept in standalone/target/crash-suite/)" >&2
    cat "$COUNTS"
    exit 1
  fi
  if [[ $(wc -l < "$COUNTS") -le $before ]]; then
    tail -n 60 "$BUILD_LOG"
    echo "crash-suite: run $run of $RUNS printed no counts: did the crash suite run?" >&2
    exit 1
  fi
  tail -n 1 "$COUNTS"
done
echo "crash-suite: $RUNS of $RUNS runs passed"
