#!/usr/bin/env bash
# Soak benchmark: the daemon for MINUTES with 4 live streams (UDP MPEG-TS, a person every other
# second), a burst of 15 camera-trap pictures into a drop folder every minute, and the mail server
# stopped and started again every 5 minutes, while the station page is fetched every 5 s as a browser
# on the station PC does. Every minute it prints the agent's resident memory, open file descriptors,
# threads, outbox depth (alerts waiting) and the e-mail latency of that minute; at the end, resident
# memory's slope (least squares, MB a minute) over the second half of the run. Then the sources stop,
# the outbox drains, and every alert stored is checked against the mail server: an alert stored and
# never delivered is lost. Not run in CI.
#
# Usage: bench/soak.sh [MINUTES=30]
# Needs: ffmpeg, smtp4dev (dotnet tool), python3, models/fetch-default-model.sh run, ../shared beside the checkout.
set -euo pipefail
minutes=${1:-30}
. "$(dirname "$0")/common.sh"

smtp_port=$(free_port); web_port=$(free_port); metrics_port=$(free_port); station_port=$(free_port)
start_smtp() {
  # A database file, so that what was received survives the restarts.
  ServerOptions__DisableHtmlValidation=true "${SMTP4DEV:-$HOME/.dotnet/tools/smtp4dev}" --smtpport="$smtp_port" --urls="http://127.0.0.1:$web_port" \
    --db="$work/smtp4dev.db" --tlsmode=StartTls --hostname=localhost --imapport=0 --pop3port=0 --nousersettings --bindaddress=127.0.0.1 \
    --baseappdatapath="$work/smtp4dev" --messagestokeep=100000 >>"$work/smtp4dev.log" 2>&1 &
  smtp_pid=$!
  pids+=("$smtp_pid")
  until curl -sf "http://127.0.0.1:$web_port/api/messages?pageSize=1" >/dev/null; do sleep 0.5; done
}
start_smtp

mkdir -p "$work/drop"
streams=""
for i in 1 2 3 4; do
  port=$(free_port)
  ffmpeg -loglevel error -re -stream_loop -1 -i "$work/clip.mp4" -c copy -f mpegts "udp://127.0.0.1:$port" &
  pids+=($!)
  streams+="${streams:+,}{\"Id\":\"CAM-$i\",\"Url\":\"udp://127.0.0.1:$port\",\"DetectionFps\":5}"
  cameras+="${cameras:+,}{\"Id\":\"CAM-$i\",\"Latitude\":-1.4,\"Longitude\":35.1}"
done

cat >"$work/zones.geojson" <<'JSON'
{ "type": "Feature", "properties": { "id": "rhino", "name": "Rhino Sanctuary" },
  "geometry": { "type": "Polygon", "coordinates": [ [[35.0,-1.5],[35.3,-1.5],[35.3,-1.2],[35.0,-1.2],[35.0,-1.5]] ] } }
JSON
cat >"$work/soak.json" <<JSON
{
  "Alerting": { "DeviceId": "soak", "Rules": [ { "Name": "person-in-rhino", "Objects": ["person"], "Where": "Inside", "Zones": ["rhino"], "Severity": "Critical", "Cooldown": "00:00:00" } ] },
  "Geofencing": { "ZonesFile": "zones.geojson", "Cameras": [ $cameras, {"Id":"CT-07","Latitude":-1.4,"Longitude":35.1} ] },
  "Database": { "Path": "state/edge-agent.db" },
  "Email": { "Host": "localhost", "Port": $smtp_port, "TrustedCertificate": "$work/smtp4dev/selfsigned-certificate.cer", "From": "soak@example.org", "To": [ "ranger@example.org" ] },
  "Outbox": { "InitialRetryDelay": "00:00:02", "MaxRetryDelay": "00:00:10" },
  "Sources": { "Streams": [ $streams ], "DropFolders": [ { "Id": "CT-07", "Path": "drop", "AfterProcessing": "Move", "StableFor": "00:00:00.5" } ] },
  "Tracking": { "Inertia": 2, "MaxAge": "00:00:00.5" },
  "Recording": { "SnapshotFolder": "state/snapshots" },
  "Metrics": { "Listen": "127.0.0.1:$metrics_port" },
  "Station": { "Listen": "127.0.0.1:$station_port" }
}
JSON

start_agent "$work/soak.json"
until curl -sf "http://127.0.0.1:$metrics_port/healthz" >/dev/null; do sleep 0.5; done
# The station page, as its browser asks for it: the whole page, then its sections every 5 s.
( while true; do
    curl -sf "http://127.0.0.1:$station_port/" >/dev/null || true
    for section in sources alerts counts map; do curl -sf "http://127.0.0.1:$station_port/fragments/$section" >/dev/null || true; done
    sleep 5
  done ) &
pids+=($!)

outbox_depth() { python3 -c "import sqlite3,sys; c=sqlite3.connect('file:$work/state/edge-agent.db?mode=ro', uri=True); print(c.execute(\"SELECT COUNT(*) FROM outbox WHERE state IN ('pending','sending')\").fetchone()[0])"; }
minute_latency() { # p50 and max of the e-mails sent since $1 (HH:MM:SS)
  python3 - "$work/agent.log" "$1" <<'PY'
import re, sys
lat = sorted(int(m) for t, m in re.findall(r"^(\d\d:\d\d:\d\d) .*sent by email .*?; (\d+) ms after", open(sys.argv[1]).read(), re.M) if t >= sys.argv[2])
print(f"{len(lat):4d} e-mails, p50 {lat[len(lat) // 2] if lat else 0:5d} ms, max {lat[-1] if lat else 0:6d} ms")
PY
}

echo "minute  RSS MB  fds  threads  outbox  e-mails this minute"
for minute in $(seq 1 "$minutes"); do
  since=$(date -u +%H:%M:%S)
  for f in "$shared"/*.jpg; do cp "$f" "$work/drop/m${minute}-$(basename "$f")"; done
  if [ $((minute % 5)) -eq 0 ]; then
    # The mail server goes away for 20 s: alerts wait in the outbox and go when it is back.
    kill "$smtp_pid"; wait "$smtp_pid" 2>/dev/null || true; sleep 20; start_smtp; sleep 40
  else
    sleep 60
  fi
  rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$agent_pid/status")
  fds=$(ls "/proc/$agent_pid/fd" | wc -l)
  threads=$(awk '/Threads/ {print $2}' "/proc/$agent_pid/status")
  printf "%6d  %6d  %3d  %7d  %6d  %s\n" "$minute" "$rss" "$fds" "$threads" "$(outbox_depth)" "$(minute_latency "$since")"
  echo "$minute $rss" >>"$work/memory.txt"
done
python3 - "$work/memory.txt" <<'PY'
import sys
points = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
half = points[len(points) // 2:]
n = len(half); mx = sum(x for x, _ in half) / n; my = sum(y for _, y in half) / n
slope = sum((x - mx) * (y - my) for x, y in half) / max(1e-9, sum((x - mx) ** 2 for x, _ in half))
print(f"resident memory: {points[0][1]:.0f} MB at minute 1, {max(y for _, y in points):.0f} MB at most; "
      f"slope over minutes {half[0][0]:.0f}-{half[-1][0]:.0f}: {slope:+.2f} MB a minute")
PY

# Drain: no new alerts, wait for the outbox to empty (or give up after 3 minutes), then account.
for p in "${pids[@]}"; do [ "$p" != "$agent_pid" ] && [ "$p" != "$smtp_pid" ] && kill "$p" 2>/dev/null || true; done
for _ in $(seq 1 180); do [ "$(outbox_depth)" -eq 0 ] && break; sleep 1; done
stop_agent
python3 - "$work/state/edge-agent.db" "http://127.0.0.1:$web_port" <<'PY'
import json, sqlite3, sys, urllib.request
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
stored = {row[0] for row in db.execute("SELECT id FROM outbox WHERE channel = 'email'")}
states = dict(db.execute("SELECT state, COUNT(*) FROM outbox WHERE channel = 'email' GROUP BY state").fetchall())
done = db.execute("SELECT COUNT(*), SUM(failure IS NOT NULL) FROM files_done").fetchone()
messages = json.load(urllib.request.urlopen(sys.argv[2] + "/api/messages?pageSize=100000"))["results"]
received = set()
for m in messages:
    raw = urllib.request.urlopen(f"{sys.argv[2]}/api/messages/{m['id']}/raw").read().decode("utf-8", "replace")
    for line in raw.splitlines():
        if line.lower().startswith("message-id:"):
            received.add(line.split(":", 1)[1].strip().strip("<>").split("@")[0])
lost = stored - received
print(f"alerts stored: {len(stored)} ({states}); e-mails received: {len(messages)}, distinct alerts {len(received & stored)}; lost: {len(lost)}")
print(f"camera-trap pictures recorded: {done[0]} ({done[1] or 0} failed)")
PY
