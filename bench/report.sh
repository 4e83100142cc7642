#!/usr/bin/env bash
# The biodiversity report at scale: a records database made by `edge-agent run` (its schema) and
# filled with DETECTIONS camera-trap detections from CAMERAS cameras over 30 days (3 detections a
# picture, 8 labels, bursts of 3 pictures), then `edge-agent report` timed with its peak memory,
# alone and with the Camtrap DP package. With BASELINE set to another build's edge-agent, that build's
# report is timed too, alternately with this one's, three times each, on the same database.
#
# Usage: [BASELINE=/path/to/edge-agent] bench/report.sh [DETECTIONS=1000000] [CAMERAS=100]
# Needs: models/fetch-default-model.sh run, ../shared beside the checkout, python3, GNU time.
set -euo pipefail
detections=${1:-1000000}
cameras=${2:-100}
. "$(dirname "$0")/common.sh"

mkdir -p "$work/drop"
python3 - "$work" "$cameras" <<'PY'
import json, sys
work, cameras = sys.argv[1], int(sys.argv[2])
zones = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "core", "name": "Core"},
         "geometry": {"type": "Polygon", "coordinates": [[[35.0, -1.5], [35.2, -1.5], [35.2, -1.3], [35.0, -1.3], [35.0, -1.5]]]}}]}
json.dump(zones, open(f"{work}/zones.geojson", "w"))
config = {"Alerting": {"DeviceId": "bench"}, "Database": {"Path": "state/edge-agent.db"},
          "Geofencing": {"ZonesFile": "zones.geojson", "Cameras": [
              {"Id": f"CT-{i:03}", "Latitude": -1.5 + (i % 10) * 0.04, "Longitude": 35.0 + (i // 10) * 0.04, "TimeZone": "Africa/Nairobi"} for i in range(cameras)]},
          "Sources": {"DropFolders": [{"Id": "CT-000", "Path": "drop"}]}, "Metrics": {"Enabled": False}, "Station": {"Enabled": False}}
json.dump(config, open(f"{work}/agent.json", "w"))
PY

# The agent makes the database with its own schema.
start_agent "$work/agent.json" "watching"
stop_agent

python3 - "$work/state/edge-agent.db" "$detections" "$cameras" <<'PY'
import random, sqlite3, sys
from datetime import datetime, timedelta, timezone
db = sqlite3.connect(sys.argv[1]); total, cameras = int(sys.argv[2]), int(sys.argv[3])
random.seed(1)
labels = [("zebra", "animal"), ("elephant", "animal"), ("giraffe", "animal"), ("cow", "animal"), ("bird", "animal"), ("dog", "animal"), ("person", "person"), ("car", "vehicle")]
start = datetime(2026, 10, 1, tzinfo=timezone.utc)
def text(at):  # as the agent writes a time: UTC, seven fractional digits, Z
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
pictures, detections, n = [], [], 0
while n < total:
    camera = random.randrange(cameras)
    label, category = random.choice(labels)
    trigger = start + timedelta(seconds=random.uniform(0, 30 * 86400))
    for shot in range(3):
        at = trigger + timedelta(seconds=shot)
        path = f"CT-{camera:03}/IMG_{len(pictures):07}.JPG"
        pictures.append((f"CT-{camera:03}", path, 1000, len(pictures), text(at), 3, text(at), 2048, 1536))
        for box in range(3):
            detections.append((f"CT-{camera:03}", text(at), label, category, random.uniform(0.3, 0.95), 100 * box, 100, 80, 60,
                               -1.5 + (camera % 10) * 0.04, 35.0 + (camera // 10) * 0.04, 30, "camera", path))
            n += 1
db.executemany("""insert into files_done (source_id, path, size, modified_ticks, done_at, detections, captured_at, width, height) values (?,?,?,?,?,?,?,?,?)""", pictures)
db.executemany("""insert into detections (source_id, captured_at, label, category, confidence, x, y, width, height, latitude, longitude, uncertainty_m, placed_by, file_path)
                  values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", detections)
db.commit()
print(f"{len(detections)} detections in {len(pictures)} pictures from {cameras} cameras")
PY

measure() {
  local build=$1; shift
  /usr/bin/time -f "%e s, %M KB peak" -o "$work/time.txt" "$build" report --config "$work/agent.json" --from 2026-10-01 --to 2026-10-31 "$@" >/dev/null
  echo "report $*: $(cat "$work/time.txt")"
}
if [ -n "${BASELINE:-}" ]; then
  for run in 1 2 3; do
    echo -n "baseline "; measure "$BASELINE" --output "$work/baseline"
    echo -n "this     "; measure "$agent" --output "$work/report"
  done
fi
measure "$agent" --output "$work/report"
measure "$agent" --output "$work/report" --camtrap-dp "$work/package"
echo "package: $(wc -l < "$work/package/media.csv") media lines, $(wc -l < "$work/package/observations.csv") observation lines, $(du -sh "$work/package" | cut -f1)"
