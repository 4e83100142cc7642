#!/usr/bin/env bash
# The GPU check for a machine with an NVIDIA GPU and no .NET, reached only by copying files in parts
# (as a lent test machine is): `pack` publishes a self-contained linux-x64 build with a few test
# pictures, compresses it and splits it into parts of at most 60 MB; `run` on the GPU machine joins
# the parts and measures: the provider that runs, the first inference with cuDNN's HEURISTIC and
# EXHAUSTIVE convolution search, throughput with one decoder and with decoders sized from the cores,
# decoding alone, process and GPU memory with and without the arena cap, and `detect` on 15 pictures.
# ONNX Runtime 1.31's GPU build needs CUDA 13 and cuDNN 9; where they come from Python packages
# (nvidia-cublas, nvidia-cudnn-cu13), `run` puts their folders on the library path.
#
# Usage: deploy/gpu-bundle.sh pack [PARTS_DIR=.gpu] [PICTURES=../shared/testdata/camera-trap]
#        deploy/gpu-bundle.sh run  [PARTS_DIR=.gpu] [REPEAT=20]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:?pack or run}
parts=${2:-$root/.gpu}

if [ "$mode" = pack ]; then
  pictures=${3:-$root/../shared/testdata/camera-trap}
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  "$root/models/fetch-default-model.sh" >/dev/null
  dotnet publish "$root/src/EdgeAgent" -c Release -r linux-x64 --self-contained -o "$work/edge-agent/bin" -v quiet -nologo
  mkdir -p "$work/edge-agent/pictures"
  find "$pictures" -maxdepth 1 \( -iname '*.jpg' -o -iname '*.png' \) -exec cp {} "$work/edge-agent/pictures/" \;
  rm -rf "$parts"; mkdir -p "$parts"
  # xz: the GPU machine may lack zstd, and where it lacks xz too, Python's lzma reads it.
  tar -C "$work" -cf - edge-agent | xz -T0 -6 | split -b 60M -d - "$parts/part-"
  echo "gpu-bundle: $(du -sh "$work/edge-agent/bin" | cut -f1) published, $(ls "$parts" | wc -l) parts in $parts:"
  ls -la "$parts"
  exit 0
fi

repeat=${3:-20}
dest=/tmp/gpu-bundle
rm -rf "$dest"; mkdir -p "$dest"
unxz() { if command -v xz >/dev/null; then xz -dc; else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.stdin.buffer), sys.stdout.buffer)'; fi; }
cat "$parts"/part-* | unxz | tar -C "$dest" -xf -
for lib in /opt/torch/.venv/lib/python3*/site-packages/nvidia/*/lib /usr/local/lib/python3*/dist-packages/nvidia/*/lib /usr/local/cuda/lib64; do
  [ -d "$lib" ] && LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}" && echo "gpu-bundle: CUDA libraries from $lib"
done
export LD_LIBRARY_PATH DOTNET_CLI_TELEMETRY_OPTOUT=1
agent="$dest/edge-agent/bin/edge-agent"
pictures="$dest/edge-agent/pictures"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "gpu-bundle: nvidia-smi not found: no NVIDIA driver here"
echo "cores: $(nproc)"

# Peak GPU memory of whatever runs meanwhile, sampled every 0.2 s.
gpu_peak() {
  local peak=0 m
  while kill -0 "$1" 2>/dev/null; do
    m=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits 2>/dev/null | head -1)
    [ "${m:-0}" -gt "$peak" ] && peak=$m
    sleep 0.2
  done
  echo "$peak"
}
bench() {
  local label=$1; shift
  "$agent" bench "$pictures" --repeat "$repeat" "$@" >"$dest/out" 2>&1 & local pid=$!
  local peak; peak=$(gpu_peak "$pid"); wait "$pid" || true
  echo "== $label ($*): GPU memory peak ${peak} MiB (idle card included)"
  grep -E "runs .* on the .* execution provider|^(provider|first inference|pipeline|bare loop|decode)|^edge-agent:" "$dest/out" | sed 's/.*ONNX Runtime runs/ONNX Runtime runs/'
}
bench "CPU, default decoders" --provider cpu
bench "CUDA, HEURISTIC, one decoder" --provider cuda --decode-workers 1
bench "CUDA, EXHAUSTIVE, one decoder" --provider cuda --decode-workers 1 --cudnn-search EXHAUSTIVE
bench "CUDA, default decoders (all cores but one)" --provider cuda
bench "CUDA, no arena cap" --provider cuda --gpu-memory-limit-mb 0
bench "decoding alone" --decode-only
echo "== detect, 15 pictures, CUDA"
start=$(date +%s%N)
"$agent" detect "$pictures" --output "$dest/results.json" --provider cuda 2>&1 | grep -E "Warm-up:|^edge-agent:" || true
echo "detect wall time: $(( ($(date +%s%N) - start) / 1000000 )) ms for $(ls "$pictures" | wc -l) pictures, process start and model load included"
