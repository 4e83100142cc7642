#!/usr/bin/env bash
# On any x86-64 machine with an NVIDIA GPU: which execution provider really runs the default model,
# and its figures against the CPU, with `edge-agent bench` on the camera-trap pictures.
# ONNX Runtime 1.31's GPU build needs CUDA 13 and cuDNN 9 (libcublasLt.so.13, libcudnn.so.9) on the
# library path, and TensorRT 10 (libnvinfer.so.10) for the TensorRT provider.
# Usage: deploy/gpu-check.sh [PICTURES=../shared/testdata/camera-trap] [REPEAT=5]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pictures=${1:-$root/../shared/testdata/camera-trap}
repeat=${2:-5}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "gpu-check: nvidia-smi not found: no NVIDIA driver here"
"$root/models/fetch-default-model.sh" >/dev/null
dotnet build "$root/src/EdgeAgent" -c Release -v quiet -nologo >/dev/null || exit 1
agent="$root/src/EdgeAgent/bin/Release/net10.0/edge-agent.dll"
for provider in cpu cuda tensorrt; do
  echo "== --provider $provider"
  if output=$(dotnet "$agent" bench "$pictures" --repeat "$repeat" --provider "$provider" --detect-workers 1 2>&1); then
    # The provider that really ran, in the agent's own words, then the figures.
    grep -E "runs .* on the .* execution provider|TensorRT engine ready" <<<"$output" | sed 's/.*ONNX Runtime/ONNX Runtime/'
    grep -E "^(provider|run |pipeline|bare loop)" <<<"$output"
  else
    grep -E "^edge-agent:" <<<"$output"
  fi
done
