#!/usr/bin/env bash
# Start, stop or inspect the local Azurite (Table, Queue, Blob emulator) used by run-local.sh.
#   scripts/azurite.sh start    persistent data under .local/azurite, 127.0.0.1 only
#   scripts/azurite.sh stop     stops it by PID (SIGTERM, then SIGKILL: Azurite may ignore SIGTERM)
#   scripts/azurite.sh status
# Ports: AZURITE_BLOB_PORT (10000), AZURITE_QUEUE_PORT (10001), AZURITE_TABLE_PORT (10002).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.local"
PIDFILE="$STATE/azurite.pid"
BLOB_PORT="${AZURITE_BLOB_PORT:-10000}"
QUEUE_PORT="${AZURITE_QUEUE_PORT:-10001}"
TABLE_PORT="${AZURITE_TABLE_PORT:-10002}"

running() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  if running; then
    echo "azurite: already running (pid $(cat "$PIDFILE"))"
    return 0
  fi
  if [[ ! -x "$ROOT/node_modules/.bin/azurite" ]]; then
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  mkdir -p "$STATE/azurite"
  "$ROOT/node_modules/.bin/azurite" --silent --skipApiVersionCheck --disableTelemetry \
    --location "$STATE/azurite" \
    --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" \
    --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
    --tableHost 127.0.0.1 --tablePort "$TABLE_PORT" \
    >"$STATE/azurite.log" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 100); do
    if listening "$TABLE_PORT" && listening "$QUEUE_PORT"; then
      echo "azurite: running (pid $(cat "$PIDFILE")), tables on 127.0.0.1:$TABLE_PORT, queues on 127.0.0.1:$QUEUE_PORT, data in .local/azurite"
      return 0
    fi
    if ! running; then
      echo "azurite: exited at start; see $STATE/azurite.log" >&2
      cat "$STATE/azurite.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "azurite: not listening after 20 s; see $STATE/azurite.log" >&2
  return 1
}

stop() {
  if ! running; then
    rm -f "$PIDFILE"
    echo "azurite: not running"
    return 0
  fi
  local pid
  pid="$(cat "$PIDFILE")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  echo "azurite: stopped"
}

connection_string() {
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE_PORT/devstoreaccount1;"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "azurite: running (pid $(cat "$PIDFILE"))"; else echo "azurite: not running"; exit 1; fi ;;
  connection-string) connection_string ;;
  *) echo "usage: $0 start|stop|status|connection-string" >&2; exit 2 ;;
esac
