#!/usr/bin/env bash
# `detect` as a user times it — from the process's start to its exit — against the pipeline's steady
# state (`bench`, the same pictures, three passes in one process), and where the start-up goes: the
# .NET runtime alone (`--version`) and `detect` on one picture (start-up, model load and one picture).
# RUNS runs of each, alternately; medians. AGENT=<an edge-agent> times another build (a published
# one, say, with or without ReadyToRun) instead of this checkout's Release build.
#
# Usage: bench/startup.sh [COPIES=8] [RUNS=5]
# Needs: models/fetch-default-model.sh run, ../shared beside the checkout, python3.
set -euo pipefail
copies=${1:-8}
runs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/testdata/camera-trap"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "${AGENT:-}" ]; then
  built=$(dotnet build "$root/src/EdgeAgent" -c Release -v quiet -nologo 2>&1) || { echo "$built" >&2; exit 1; }
  AGENT="$root/src/EdgeAgent/bin/Release/net10.0/edge-agent"
fi

mkdir "$work/pictures"
for c in $(seq 1 "$copies"); do
  for f in "$shared"/*.jpg; do cp "$f" "$work/pictures/$c-$(basename "$f")"; done
done
total=$(find "$work/pictures" -name '*.jpg' | wc -l)
one=$(find "$work/pictures" -name '1-sn__human.jpg')

steady=$("$AGENT" bench "$work/pictures" --repeat 3 2>/dev/null | awk '$1 == "pipeline" && $2 ~ /^[0-9]+$/ { print $3 }')
seconds() {
  local start
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$start" "$(date +%s.%N)"
}
: >"$work/times"
for i in $(seq 1 "$runs"); do
  echo "version $(seconds "$AGENT" --version)" >>"$work/times"
  echo "one $(seconds "$AGENT" detect "$one" --output "$work/one-$i.json")" >>"$work/times"
  echo "all $(seconds "$AGENT" detect "$work/pictures" --output "$work/all-$i.json")" >>"$work/times"
done

python3 - "$work/times" "$total" "$steady" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    kind, value = line.split()
    times.setdefault(kind, []).append(float(value))
total, steady = int(sys.argv[2]), float(sys.argv[3])
med = {k: statistics.median(v) for k, v in times.items()}
rng = {k: f"{min(v):.2f}-{max(v):.2f}" for k, v in times.items()}
print(f"runtime alone (--version): {med['version']:.2f} s ({rng['version']})")
print(f"detect, one picture: {med['one']:.2f} s ({rng['one']})")
print(f"detect, {total} pictures: {med['all']:.2f} s ({rng['all']}): {total / med['all']:.1f} pictures/s as a user times it")
print(f"bench, steady state: {steady:.1f} pictures/s; detect as timed / bench: {total / med['all'] / steady:.2f}")
PY
