#!/usr/bin/env bash
# The daemon's drop-folder throughput against `detect` on the same pictures and cores: the camera-trap
# pictures copied N times into a drop folder, `edge-agent run` started on it, timed from its first
# word ("watching") to the last picture in the ledger, and in steady state (from the picture at 20 %
# to the last, after start-up and JIT); then `edge-agent detect` on the same folder. Both use the
# default model, CPU provider and worker counts. Prints pictures/s of each and the ratios, and the CPU
# time each spent a picture (user + system, the whole process), which tells work from waiting.
#
# AGENT=<an edge-agent> measures another build (a published one, compiled ahead of time, say).
#
# Usage: bench/drop-folder.sh [COPIES=100]
# Needs: models/fetch-default-model.sh run, ../shared beside the checkout, python3.
set -euo pipefail
copies=${1:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/testdata/camera-trap"
work=$(mktemp -d)
agent_pid=""
cleanup() { [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

if [ -z "${AGENT:-}" ]; then
  built=$(dotnet build "$root/src/EdgeAgent" -c Release -v quiet -nologo 2>&1) || { echo "$built" >&2; exit 1; }
  AGENT="$root/src/EdgeAgent/bin/Release/net10.0/edge-agent"
fi
agent=$AGENT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/drop"
for c in $(seq 1 "$copies"); do
  for f in "$shared"/*.jpg; do cp "$f" "$work/drop/$c-$(basename "$f")"; done
done
# The copies must look finished (StableFor) before the clock starts.
touch -d '-1 minute' "$work"/drop/*
total=$(find "$work/drop" -name '*.jpg' | wc -l)

cat >"$work/agent.json" <<JSON
{ "Alerting": { "DeviceId": "bench" }, "Database": { "Path": "state/edge-agent.db" },
  "Sources": { "DropFolders": [ { "Id": "CT-01", "Path": "drop", "StableFor": "00:00:00" } ], "DecodeWorkers": 1 },
  "Recording": { "SnapshotFolder": "state/snapshots" }, "Metrics": { "Listen": "127.0.0.1:$port" } }
JSON

# Waits, in one process that stays asleep between looks, until the ledger holds every picture: a
# poller started anew every few milliseconds would take a share of the two cores being measured.
wait_until_done() {
  python3 - "$work/state/edge-agent.db" "$total" <<'PY'
import sqlite3, sys, time
while True:
    try:
        if sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("select count(*) from files_done").fetchone()[0] >= int(sys.argv[2]):
            break
    except sqlite3.Error:
        pass
    time.sleep(0.05)
PY
}

"$agent" run --config "$work/agent.json" 2>"$work/agent.log" &
agent_pid=$!
cpu_seconds() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }
until grep -qs "watching" "$work/agent.log"; do sleep 0.05; done
start=$(date +%s.%N); cpu_start=$(cpu_seconds "$agent_pid")
wait_until_done
end=$(date +%s.%N); cpu_end=$(cpu_seconds "$agent_pid")
steady=$(python3 -c 'import sqlite3,sys
from datetime import datetime
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
times = [datetime.fromisoformat(r[0][:26]) for r in db.execute("select done_at from files_done order by done_at")]
first = len(times) // 5
print((len(times) - 1 - first) / (times[-1] - times[first]).total_seconds())' "$work/state/edge-agent.db")
# Where the detector workers waited: for a frame (the hand-off from decoding) or for the next stage.
waits=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^edge_agent_detector_wait_seconds_total/ { sub(/.*for="/, "", $1); sub(/"}/, "", $1); printf "for %s %.1f s  ", $1, $2 }' || true)
kill -TERM "$agent_pid"; wait "$agent_pid" || true; agent_pid=""

detect_out=$(/usr/bin/time -f '%U %S' -o "$work/detect.cpu" "$agent" detect "$work/drop" --output "$work/results.json" 2>/dev/null)
detect_cpu=$(awk '{ print $1 + $2 }' "$work/detect.cpu")
detect_rate=$(echo "$detect_out" | grep -oE '[0-9.]+ pictures/s' | grep -oE '[0-9.]+' | head -1)
python3 - "$total" "$start" "$end" "$detect_rate" "$steady" "$cpu_start" "$cpu_end" "$detect_cpu" "$waits" <<'PY'
import sys
total, start, end, detect, steady, cpu_start, cpu_end, detect_cpu = int(sys.argv[1]), *map(float, sys.argv[2:9])
run = total / (end - start)
print(f"{total} pictures; run (drop folder): {run:.1f} pictures/s, {steady:.1f} in steady state; detect: {detect:.1f} pictures/s")
print(f"run / detect: {run / detect:.2f} (steady state: {steady / detect:.2f})")
# detect's CPU includes its start-up and model load; run's is counted from "watching" on.
print(f"run's detector workers waited (all together): {sys.argv[9]}")
print(f"CPU a picture: run {1000 * (cpu_end - cpu_start) / total:.1f} ms, detect {1000 * detect_cpu / total:.1f} ms (with its start-up)")
PY
