#!/usr/bin/env bash
# Installs edge-agent on a Jetson as a systemd service, without Docker.
#
# Usage (as root, on the Jetson):  deploy/jetson/install.sh PUBLISHED_FOLDER [CONFIG_FILE]
#   PUBLISHED_FOLDER  the output of `dotnet publish src/EdgeAgent -c Release -r linux-arm64 --self-contained -o DIR`,
#                     with the GPU libonnxruntime*.so and OpenCV/libOpenCvSharpExtern.so added (see README.md here)
#   CONFIG_FILE       the site's configuration (default: the Jetson example, to edit afterwards)
# Creates the edge-agent user (in the video group), /opt/edge-agent, /etc/edge-agent and the
# upload folder, installs and enables the unit. Run it again to upgrade: the configuration is kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
published=${1:?usage: install.sh PUBLISHED_FOLDER [CONFIG_FILE]}
config=${2:-$here/edge-agent.jetson.json}
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root" >&2; exit 2; }
[ -x "$published/edge-agent" ] || { echo "install.sh: $published/edge-agent not found: publish for linux-arm64 first" >&2; exit 2; }

if ! id edge-agent >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/edge-agent --shell /usr/sbin/nologin edge-agent
fi
usermod -aG video edge-agent

install -d -m 0755 /opt/edge-agent /etc/edge-agent
install -d -m 0700 /etc/edge-agent/credentials
install -d -o edge-agent -g edge-agent -m 0750 /srv/camera-traps
cp -a "$published/." /opt/edge-agent/
chown -R root:root /opt/edge-agent

if [ ! -f /etc/edge-agent/edge-agent.json ]; then
  install -m 0640 -g edge-agent "$config" /etc/edge-agent/edge-agent.json
  [ -f "$here/../zones.example.geojson" ] && install -m 0644 "$here/../zones.example.geojson" /etc/edge-agent/zones.geojson
  echo "install.sh: edit /etc/edge-agent/edge-agent.json and /etc/edge-agent/zones.geojson for this site"
fi

install -m 0644 "$here/edge-agent.service" /etc/systemd/system/edge-agent.service
systemd-analyze verify /etc/systemd/system/edge-agent.service
systemctl daemon-reload

if /opt/edge-agent/edge-agent check-config --config /etc/edge-agent/edge-agent.json >/dev/null; then
  systemctl enable --now edge-agent
  echo "install.sh: edge-agent enabled and started; follow it with: journalctl -u edge-agent -f"
else
  echo "install.sh: the configuration has problems; see: /opt/edge-agent/edge-agent check-config --config /etc/edge-agent/edge-agent.json" >&2
  echo "install.sh: then: systemctl enable --now edge-agent" >&2
  exit 2
fi
