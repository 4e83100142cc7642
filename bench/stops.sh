#!/usr/bin/env bash
# Stops at any moment: `edge-agent run` started RUNS times and sent SIGTERM at a random moment 0–5 s
# after its start, while a live stream (UDP MPEG-TS) flows, a drop folder holds the camera-trap
# pictures and one large, slow-to-decode PNG, and clients fetch the health endpoint and the station
# page without pause. Each run starts on a fresh records database, so every run has pictures to
# decode. Counts the exit codes (0; 143 only for a signal before the runtime runs the agent's first
# line, which the README documents; anything else — 134, 139 — is a crash), stack traces in the
# log, records databases that fail SQLite's integrity check, and the stop's duration (signal to exit).
#
# Usage: bench/stops.sh [RUNS=200]
# Needs: ffmpeg, python3, curl, models/fetch-default-model.sh run, ../shared beside the checkout.
set -euo pipefail
runs=${1:-200}
. "$(dirname "$0")/common.sh"

metrics_port=$(free_port); station_port=$(free_port); stream_port=$(free_port)
mkdir -p "$work/drop"
cp "$shared"/*.jpg "$work/drop/"
# 48 megapixels of noise: a PNG decodes whole (no scaled decode as for a JPEG), the slowest picture.
ffmpeg -loglevel error -f lavfi -i "nullsrc=s=8000x6000,geq=random(1)*255:random(2)*255:random(3)*255" -frames:v 1 "$work/drop/large.png"
ffmpeg -loglevel error -re -stream_loop -1 -i "$work/clip.mp4" -c copy -f mpegts "udp://127.0.0.1:$stream_port" &
pids+=($!)

cat >"$work/stops.json" <<JSON
{
  "Alerting": { "DeviceId": "stops" },
  "Database": { "Path": "state/edge-agent.db" },
  "Sources": { "Streams": [ { "Id": "CAM-1", "Url": "udp://127.0.0.1:$stream_port", "DetectionFps": 5 } ],
               "DropFolders": [ { "Id": "CT-07", "Path": "drop", "StableFor": "00:00:00.2" } ] },
  "Metrics": { "Listen": "127.0.0.1:$metrics_port" },
  "Station": { "Listen": "127.0.0.1:$station_port" }
}
JSON

for url in "http://127.0.0.1:$metrics_port/healthz" "http://127.0.0.1:$metrics_port/metrics" "http://127.0.0.1:$station_port/"; do
  ( while true; do curl -s -m 5 -o /dev/null "$url" || true; sleep 0.02; done ) &
  pids+=($!)
done

: >"$work/results.txt"
for run in $(seq 1 "$runs"); do
  rm -rf "$work/state"
  moment=$(python3 -c 'import random; print(f"{random.uniform(0, 5):.3f}")')
  "$agent" run --config "$work/stops.json" >/dev/null 2>"$work/run.log" &
  pid=$!
  sleep "$moment"
  signalled=$(date +%s.%N)
  kill -TERM "$pid" 2>/dev/null || true
  code=0; wait "$pid" || code=$?
  took=$(python3 -c "import time; print(f'{time.time() - $signalled:.3f}')")
  traces=$(grep -c '   at ' "$work/run.log" || true)
  quiet=$([ -s "$work/run.log" ] && echo 0 || echo 1)
  integrity=none
  if [ -f "$work/state/edge-agent.db" ]; then
    integrity=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])" "$work/state/edge-agent.db" 2>&1 | tr ' ' '_')
  fi
  echo "$run $moment $code $took $traces $quiet $integrity" >>"$work/results.txt"
  if [ "$code" -ne 0 ] && { [ "$code" -ne 143 ] || [ "$quiet" -ne 1 ]; }; then
    echo "run $run: stopped at $moment s, exit code $code:" >&2; tail -5 "$work/run.log" >&2
  fi
done

python3 - "$work/results.txt" <<'PY'
import collections, sys
rows = [line.split() for line in open(sys.argv[1])]
codes = collections.Counter(int(r[2]) for r in rows)
early = sum(1 for r in rows if r[2] == "143" and r[5] == "1")
traces = sum(1 for r in rows if int(r[4]) > 0)
broken = [r for r in rows if r[6] not in ("ok", "none")]
took = sorted(float(r[3]) for r in rows)
pct = lambda p: took[min(len(took) - 1, int(p * len(took)))]
print(f"{len(rows)} stops at 0-5 s: exit codes {dict(sorted(codes.items()))} "
      f"({early} of the 143s before the agent wrote a line); runs with a stack trace: {traces}; "
      f"databases failing the integrity check: {len(broken)}")
print(f"signal to exit: p50 {pct(0.5):.2f} s, p95 {pct(0.95):.2f} s, max {took[-1]:.2f} s")
PY
