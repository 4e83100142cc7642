#!/usr/bin/env bash
# End-to-end benchmark of the daemon: N live streams (UDP MPEG-TS from ffmpeg, 640×480 at 15 fps, a
# scene that is empty for a second and shows a person for a second) into `edge-agent run` at 5
# detections/s each, alerts to a local smtp4dev. Reports the latency from the frame's arrival to the
# SMTP server's 250 (p50/p99), frames dropped, CPU and resident memory. With KLV=1 each stream also
# carries real MISB KLV (Fort A.P. Hill footage, looped), every frame is posed from it and the zone
# lies where that camera looks: the cost of live telemetry, against the same run without it. With
# ANIMALS=1 the scene shows elephants instead of the person and any animal alerts; CLASSIFIER=1 adds
# the species classifier (MobileNetV2) to that: the cost of naming each track's animals. SYNC=1 ships
# the records and alert thumbnails to a local PostgreSQL/PostGIS (bench/central.sh) every 10 s: the
# cost of the sync stage.
#
# Usage: [KLV=1] [ANIMALS=1 [CLASSIFIER=1]] [SYNC=1] bench/daemon-latency.sh [STREAMS=4] [SECONDS=60]
# Needs: ffmpeg, smtp4dev (dotnet tool), models/fetch-default-model.sh run, ../shared beside the checkout.
set -euo pipefail
streams=${1:-4}
seconds=${2:-60}
rule='"Name": "person-in-rhino", "Objects": ["person"], "Where": "Inside", "Zones": ["rhino", "aphill"]'
if [ -n "${ANIMALS:-}" ]; then
  SCENE=sn__african_elephants.jpg
  rule='"Name": "animals", "Objects": ["animal"], "Where": "Anywhere"'
fi
. "$(dirname "$0")/common.sh"
detector='{}'
[ -n "${CLASSIFIER:-}" ] && detector="{ \"Classifier\": { \"Model\": \"$root/models/classifiers/mobilenet-v2-imagenet.json\" } }"
clip="$work/clip.mp4"; telemetry=""; cameras=""
if [ -n "${KLV:-}" ]; then
  ffmpeg -loglevel error -stream_loop 4 -i "$work/clip.mp4" -i "$root/../shared/testdata/drone/aphill_klv_10s.ts" \
    -map 0:v -map 1:d -c copy -t 10 -f mpegts "$work/clip.ts"
  clip="$work/clip.ts"; telemetry=',"Telemetry":{"Kind":"Klv"}'
fi

smtp_port=$(free_port); web_port=$(free_port); metrics_port=$(free_port)
ServerOptions__DisableHtmlValidation=true "${SMTP4DEV:-$HOME/.dotnet/tools/smtp4dev}" --smtpport="$smtp_port" --urls="http://127.0.0.1:$web_port" \
  --db= --tlsmode=StartTls --hostname=localhost --imapport=0 --pop3port=0 --nousersettings --bindaddress=127.0.0.1 \
  --baseappdatapath="$work/smtp4dev" --messagestokeep=100000 >"$work/smtp4dev.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$web_port/api/messages" >/dev/null; do sleep 0.5; done

stream_json=""
for i in $(seq 1 "$streams"); do
  port=$(free_port)
  ffmpeg -loglevel error -re -stream_loop -1 -i "$clip" -map 0 -c copy -f mpegts "udp://127.0.0.1:$port" &
  pids+=($!)
  stream_json+="${stream_json:+,}{\"Id\":\"CAM-$i\",\"Url\":\"udp://127.0.0.1:$port\",\"DetectionFps\":5$telemetry}"
  cameras+="${cameras:+,}{\"Id\":\"CAM-$i\",\"Latitude\":-1.4,\"Longitude\":35.1}"
done

# The second zone covers where the KLV footage's camera looks, 2.8 km from the aircraft.
cat >"$work/zones.geojson" <<'JSON'
{ "type": "FeatureCollection", "features": [
  { "type": "Feature", "properties": { "id": "rhino", "name": "Rhino Sanctuary" },
    "geometry": { "type": "Polygon", "coordinates": [ [[35.0,-1.5],[35.3,-1.5],[35.3,-1.2],[35.0,-1.2],[35.0,-1.5]] ] } },
  { "type": "Feature", "properties": { "id": "aphill", "name": "A.P. Hill range" },
    "geometry": { "type": "Polygon", "coordinates": [ [[-77.4,38.15],[-77.3,38.15],[-77.3,38.22],[-77.4,38.22],[-77.4,38.15]] ] } } ] }
JSON
sync='{}'
if [ -n "${SYNC:-}" ]; then
  . "$(dirname "$0")/central.sh"
  start_central
  "$agent" sync --init --database "$central_address" >/dev/null
  export Sync__Password=$PGPASSWORD
  sync="{ \"Enabled\": true, \"Database\": \"$central_address\", \"Agent\": \"bench\" }"
fi
cat >"$work/bench.json" <<JSON
{
  "Alerting": { "DeviceId": "bench", "Rules": [ { $rule, "Severity": "Critical", "Cooldown": "00:00:00" } ] },
  "Detector": $detector,
  "Geofencing": { "ZonesFile": "zones.geojson", "Cameras": [ $cameras ] },
  "Database": { "Path": "state/edge-agent.db" },
  "Email": { "Host": "localhost", "Port": $smtp_port, "TrustedCertificate": "$work/smtp4dev/selfsigned-certificate.cer", "From": "bench@example.org", "To": [ "ranger@example.org" ] },
  "Sources": { "Streams": [ $stream_json ] },
  "Tracking": { "Inertia": 2, "MaxAge": "00:00:00.5" },
  "Recording": { "SnapshotFolder": "state/snapshots" },
  "Metrics": { "Listen": "127.0.0.1:$metrics_port" },
  "Sync": $sync
}
JSON

# Warm-up: from the first alert e-mailed (models loaded, streams open, SMTP connected), 15 s in which
# the alerts of the start drain; they are reported apart from the measured period.
start_agent "$work/bench.json" "sent by email"

tree_ticks() { # CPU ticks of the agent and its ffmpeg children
  local total=0
  for p in "$agent_pid" $(pgrep -P "$agent_pid" || true); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}

sleep 15
t0=$(tree_ticks); s0=$(date +%s.%N); since=$(date -u +%H:%M:%S); peak_rss=0
for _ in $(seq 1 "$seconds"); do
  sleep 1
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status")
  [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
done
t1=$(tree_ticks); s1=$(date +%s.%N)
metrics=$(curl -s "http://127.0.0.1:$metrics_port/metrics")
[ -n "${SHOW_METRICS:-}" ] && echo "$metrics" | grep -E "^edge_agent_((commit|inference)_seconds_(sum|count)|detector_wait)" >&2
stop_agent

python3 - "$work/agent.log" "$streams" "$seconds" "$t0" "$t1" "$s0" "$s1" "$peak_rss" "$(getconf CLK_TCK)" "$(nproc)" "$since" <<'PY' "$metrics"
import os, re, sys
log, streams, seconds, t0, t1, s0, s1, rss, hz, cores, since = sys.argv[1:12]
metrics = sys.argv[12]
sent = re.findall(r"^(\d\d:\d\d:\d\d) .*sent by email .*?; (\d+) ms after the picture arrived", open(log).read(), re.M)
lat = sorted(float(m) for t, m in sent if t >= since)
warm = sorted(float(m) for t, m in sent if t < since)
def pct(p, lat=lat): return lat[min(len(lat) - 1, max(0, int(-(-p * len(lat) // 1)) - 1))] if lat else float("nan")
def total(name): return sum(float(v) for v in re.findall(rf"^{name}\{{[^}}]*\}} ([0-9.e+]+)$", metrics, re.M))
cpu = (int(t1) - int(t0)) / int(hz) / (float(s1) - float(s0)) * 100
scene = (' with KLV' if os.environ.get('KLV') else '') + (', elephants' if os.environ.get('ANIMALS') else '') + (', species classifier' if os.environ.get('CLASSIFIER') else '') + (', records shipped' if os.environ.get('SYNC') else '')
print(f"streams: {streams} × 15 fps{scene}, detection 5 fps each, {seconds} s measured on {cores} cores")
print(f"alerts e-mailed: {len(lat)}, arrival → SMTP 250: p50 {pct(0.5):.0f} ms, p99 {pct(0.99):.0f} ms, max {lat[-1] if lat else float('nan'):.0f} ms")
print(f"(warm-up, the first 15 s of alerts: {len(warm)}, p50 {pct(0.5, warm):.0f} ms, p99 {pct(0.99, warm):.0f} ms)")
print(f"frames offered to the detector dropped: {total('edge_agent_frames_dropped_total'):.0f} of {total('edge_agent_frames_read_total'):.0f} read")
print(f"CPU (agent + ffmpeg readers): {cpu:.0f} % of one core; agent resident memory peak: {int(rss) / 1024:.0f} MB")
PY
