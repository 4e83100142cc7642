#!/usr/bin/env bash
# The station page's cost. A database of N_RECORDS camera-trap records (placed in the zone, over the
# last week) and N_ALERTS alerts (copies of one real alert, with its picture) is served by
# `edge-agent run`; each endpoint is asked 200 times in a row and its p50/p99 printed (the map and
# the counts are then drawn once and kept). Then the map and the counts drawn afresh: 12 times, each
# after a picture was committed and the 10 s they are kept have passed. Last, the CPU the agent
# spends in a minute with the page open (the page's own polling: every fragment every 5 s, with its
# ETag) against a minute without, as a share of one core.
#
# Usage: bench/station.sh [N_RECORDS=10000] [N_ALERTS=1000]
# Needs: models/fetch-default-model.sh run, ../shared beside the checkout, python3.
set -euo pipefail
records=${1:-10000}
alerts=${2:-1000}
. "$(dirname "$0")/common.sh"

port=$(free_port)
mkdir -p "$work/drop"
cat >"$work/zones.geojson" <<'JSON'
{ "type": "FeatureCollection", "features": [ { "type": "Feature", "properties": { "id": "rhino", "name": "Rhino Sanctuary" },
  "geometry": { "type": "Polygon", "coordinates": [ [[35.0,-1.5],[35.3,-1.5],[35.3,-1.2],[35.0,-1.2],[35.0,-1.5]] ] } } ] }
JSON
cat >"$work/agent.json" <<JSON
{ "Alerting": { "DeviceId": "bench", "Rules": [ { "Name": "people", "Objects": [ "person" ], "Where": "Inside", "Zones": [ "rhino" ] } ] },
  "Geofencing": { "ZonesFile": "zones.geojson", "Cameras": [ { "Id": "CT-01", "Latitude": -1.4, "Longitude": 35.1 } ] },
  "Mqtt": { "Host": "127.0.0.1", "Port": $(free_port) },
  "Database": { "Path": "state/edge-agent.db" },
  "Sources": { "DropFolders": [ { "Id": "CT-01", "Path": "drop", "StableFor": "00:00:00" } ], "RescanInterval": "00:00:01" },
  "Metrics": { "Enabled": false }, "Station": { "Listen": "127.0.0.1:$port" } }
JSON

# One real alert (its row in the outbox, picture and all), then the agent stops and the database is filled.
start_agent "$work/agent.json" "Station page on"
cp "$shared/sn__human.jpg" "$work/drop/IMG_0001.JPG"
until python3 -c 'import sqlite3,sys; sys.exit(0 if sqlite3.connect(sys.argv[1]).execute("select count(*) from outbox").fetchone()[0] else 1)' "$work/state/edge-agent.db" 2>/dev/null; do sleep 0.2; done
stop_agent
python3 - "$work/state/edge-agent.db" "$records" "$alerts" <<'PY'
import random, sqlite3, sys, time
from datetime import datetime, timedelta, timezone
db = sqlite3.connect(sys.argv[1]); records, alerts = int(sys.argv[2]), int(sys.argv[3])
random.seed(1)
now = datetime.now(timezone.utc)
labels = [("zebra", "animal"), ("elephant", "animal"), ("giraffe", "animal"), ("person", "person"), ("car", "vehicle")]
rows = []
for i in range(records):
    label, category = random.choice(labels)
    at = (now - timedelta(seconds=random.uniform(0, 6.5 * 86400))).isoformat()
    rows.append(("CT-01", at, label, category, random.uniform(0.3, 0.95), 10, 10, 50, 50,
                 -1.4 + random.uniform(-0.05, 0.05), 35.1 + random.uniform(-0.05, 0.05), 30, "camera"))
db.executemany("""insert into detections (source_id, captured_at, label, category, confidence, x, y, width, height,
                  latitude, longitude, uncertainty_m, placed_by) values (?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
template = db.execute("select channel, alert, picture from outbox limit 1").fetchone()
ms = int(time.time() * 1000)
for i in range(alerts):
    db.execute("""insert into outbox (id, channel, state, attempts, next_attempt_at, created_at, sent_at, alert, picture, reply)
                  values (?, ?, 'sent', 1, ?, ?, ?, ?, ?, '250 OK')""",
               (f"{i:032x}", template[0], ms, ms - i * 1000, ms - i * 1000, template[1], template[2]))
db.commit()
PY

start_agent "$work/agent.json" "Station page on"
python3 - "$port" "$agent_pid" "$shared/sn__blank.jpg" "$work/drop" <<'PY'
import http.client, shutil, sqlite3, statistics, sys, time
port, pid, blank, drop = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
conn = http.client.HTTPConnection("127.0.0.1", port)
def get(path, headers={}):
    conn.request("GET", path, headers=headers); r = conn.getresponse(); body = r.read(); return r, body
alert = get("/fragments/alerts")[1].decode().split('data-alert="')[1].split('"')[0]
paths = ["/", "/fragments/sources", "/fragments/alerts", "/fragments/map", "/fragments/counts", f"/alerts/{alert}/picture"]
for path in paths:
    get(path)
    times = []
    for _ in range(200):
        t = time.perf_counter(); r, body = get(path); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"{path:42} {len(body):7} bytes  p50 {statistics.median(times):6.1f} ms  p99 {times[197]:6.1f} ms")

database = sqlite3.connect(f"file:{drop}/../state/edge-agent.db?mode=ro", uri=True)
cold = {"map": [], "counts": []}
for i in range(12):
    before = database.execute("select count(*) from files_done").fetchone()[0]
    shutil.copy(blank, f"{drop}/BLANK_{i}.JPG")
    while database.execute("select count(*) from files_done").fetchone()[0] == before:
        time.sleep(0.1)
    time.sleep(10.5)
    for section in cold:
        t = time.perf_counter(); get(f"/fragments/{section}"); cold[section].append((time.perf_counter() - t) * 1000)
for section, times in cold.items():
    print(f"/fragments/{section:33} drawn afresh: median {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms of 12")

def cpu():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100
def minute(watching):
    tags = {}
    start, began = cpu(), time.time()
    while time.time() - began < 60:
        if watching:
            for section in ["sources", "alerts", "map", "counts"]:
                r, body = get(f"/fragments/{section}", {"If-None-Match": tags.get(section, "")})
                tags[section] = r.getheader("ETag") or tags.get(section, "")
        time.sleep(5)
    return cpu() - start
idle, watched = minute(False), minute(True)
print(f"CPU in a minute: {idle:.2f} s idle, {watched:.2f} s with the page open: {(watched - idle) / 60 * 100:.2f} % of one core for the page")
PY
