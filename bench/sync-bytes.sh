#!/usr/bin/env bash
# What shipping records to the central database costs on the wire: N camera-trap pictures (the shared
# ones, over and over) into `edge-agent run` with Sync on, through a byte-counting relay to a local
# PostgreSQL/PostGIS over TLS; once with Pictures=None and once with Pictures=Thumbnails. Prints the
# bytes (both directions, TLS and the protocol included) per picture, per record and per alert thumbnail.
#
# Usage: bench/sync-bytes.sh [PICTURES=60]
# Needs: PostgreSQL with PostGIS (Debian: postgresql postgresql-15-postgis-3), openssl, models/fetch-default-model.sh run.
set -euo pipefail
pictures=${1:-60}
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/central.sh"
start_central
"$agent" sync --init --database "$central_address" >/dev/null
mapfile -t sources < <(ls "$shared"/*.jpg | sort)
cat >"$work/zones.geojson" <<'JSON'
{ "type": "FeatureCollection", "features": [ { "type": "Feature", "properties": { "id": "rhino", "name": "Rhino Sanctuary" },
  "geometry": { "type": "Polygon", "coordinates": [ [[35.0,-1.5],[35.3,-1.5],[35.3,-1.2],[35.0,-1.2],[35.0,-1.5]] ] } } ] }
JSON

count() { python3 -c "import sqlite3,sys; print(sqlite3.connect('file:$1?mode=ro', uri=True).execute(sys.argv[1]).fetchone()[0])" "$2" 2>/dev/null || echo -1; }

for mode in None Thumbnails; do
  run="$work/$mode"; mkdir -p "$run/drop"
  for i in $(seq 0 $((pictures - 1))); do cp "${sources[$((i % ${#sources[@]}))]}" "$run/drop/IMG_$(printf %04d "$i").JPG"; done
  relay "$central_port" "$run/bytes"
  address="postgresql://central@localhost:$relay_port/postgres?sslmode=verify-full&sslrootcert=$work/central/server.crt"
  cat >"$run/agent.json" <<JSON
{ "Alerting": { "DeviceId": "bench", "Rules": [ { "Name": "poacher", "Objects": ["person", "vehicle"], "Where": "Inside", "Zones": ["rhino"], "Severity": "Critical", "Cooldown": "00:00:00" } ] },
  "Geofencing": { "ZonesFile": "$work/zones.geojson", "Cameras": [ { "Id": "CT-07", "Latitude": -1.4, "Longitude": 35.1 } ] },
  "Database": { "Path": "$run/agent.db" }, "Recording": { "SnapshotFolder": "$run/snapshots" },
  "Email": { "Host": "127.0.0.1", "Port": $(free_port), "From": "a@example.org", "To": ["r@example.org"] }, "Outbox": { "MaxAttempts": 1 },
  "Metrics": { "Enabled": false }, "Station": { "Enabled": false },
  "Sources": { "DropFolders": [ { "Id": "CT-07", "Path": "$run/drop", "StableFor": "00:00:00.2" } ] },
  "Sync": { "Enabled": true, "Database": "$address", "Agent": "bench-$mode", "Interval": "00:00:02", "Pictures": "$mode", "DailyPictureMegabytes": 100 } }
JSON
  Sync__Password=$PGPASSWORD "$agent" run --config "$run/agent.json" >"$run/agent.out" 2>"$run/agent.log" &
  agent_pid=$!; pids+=("$agent_pid")
  until [ "$(count "$run/agent.db" 'SELECT COUNT(*) FROM files_done')" = "$pictures" ] \
    && [ "$(count "$run/agent.db" "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')")" = 0 ] \
    && [ "$(count "$run/agent.db" 'SELECT (SELECT COUNT(*) FROM sync_queue) + (SELECT COUNT(*) FROM sync_pictures)')" = 0 ]; do
    kill -0 "$agent_pid" 2>/dev/null || { cat "$run/agent.log" >&2; exit 1; }
    sleep 0.5
  done
  kill -TERM "$agent_pid"; wait "$agent_pid" || true
  read -r up down <"$run/bytes"
  records=$(count "$run/agent.db" 'SELECT (SELECT COUNT(*) FROM files_done) + (SELECT COUNT(*) FROM detections) + (SELECT COUNT(*) FROM suppressed) + (SELECT COUNT(*) FROM outbox)')
  alerts=$(count "$run/agent.db" 'SELECT COUNT(DISTINCT id) FROM outbox')
  eval "up_$mode=$up down_$mode=$down records_$mode=$records alerts_$mode=$alerts"
  echo "Pictures=$mode: $pictures pictures, $records records ($alerts alerts): $up bytes up, $down down; $(( (up + down) / pictures )) bytes per picture, $(( (up + down) / records )) per record"
done
thumbs=$(psql "$central_address" -Atc "SELECT COALESCE(SUM(length(jpeg)), 0) FROM alert_pictures WHERE agent_id = 'bench-Thumbnails'")
echo "alert thumbnails: $alerts_Thumbnails, $(( thumbs / alerts_Thumbnails )) bytes each stored; on the wire $(( (up_Thumbnails + down_Thumbnails - up_None - down_None) / alerts_Thumbnails )) bytes each more than without pictures"
