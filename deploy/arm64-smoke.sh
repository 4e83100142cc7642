#!/usr/bin/env bash
# Publishes edge-agent for linux-arm64 (the Jetson) and starts it under qemu user emulation.
#
# What runs there: --version, and check-config (configuration, alerting checks, options binding)
# up to the model. Inference does not: ONNX Runtime's arm64 library crashes with SIGSEGV under
# qemu 7.2 user emulation when a session is created (seen here), so the model is pointed at a
# missing manifest and the expected answer is that configuration error, exit code 2.
#
# Needs: qemu-user-static, libc6-arm64-cross, libstdc++6-arm64-cross, libgcc-s1-arm64-cross.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet publish "$root/src/EdgeAgent" -c Release -r linux-arm64 --self-contained -o "$out/edge-agent" -v quiet -nologo
file "$out/edge-agent/edge-agent" | grep -q "ARM aarch64" || { echo "arm64-smoke: the published executable is not ARM64" >&2; exit 1; }

run() { DOTNET_EnableWriteXorExecute=0 qemu-aarch64-static -L /usr/aarch64-linux-gnu "$out/edge-agent/edge-agent" "$@"; }

version=$(run --version)
echo "arm64-smoke: edge-agent --version under qemu: $version"
[ -n "$version" ]

cat >"$out/smoke.json" <<'JSON'
{ "Alerting": { "DeviceId": "arm64-smoke" }, "Database": { "Path": "edge-agent.db" },
  "Detector": { "Model": "no-such-manifest.json" }, "Metrics": { "Enabled": false } }
JSON
set +e
answer=$(run check-config --config "$out/smoke.json" 2>&1)
code=$?
set -e
echo "$answer" | sed 's/^/arm64-smoke: /'
if [ "$code" -ne 2 ] || ! grep -q "model manifest .*no-such-manifest.json" <<<"$answer"; then
  echo "arm64-smoke: expected check-config to stop at the missing manifest with exit code 2, got $code" >&2
  exit 1
fi
echo "arm64-smoke: ok"
