#!/usr/bin/env bash
# Puts the default detector, YOLOX-Nano (COCO), at models/yolox-nano/yolox_nano.onnx.
# Model files are never committed: this copies the shared copy beside the checkout when there is
# one, and otherwise downloads the official YOLOX release asset.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target="$here/yolox-nano/yolox_nano.onnx"
shared="$here/../../shared/models/yolox-nano/yolox_nano.onnx"
release="https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/yolox_nano.onnx"

mkdir -p "$(dirname "$target")"
if [ -s "$target" ]; then
  echo "model already in place: $target"
elif [ -f "$shared" ]; then
  cp "$shared" "$target"
  echo "copied $shared -> $target"
else
  echo "downloading $release"
  curl --fail --location --retry 3 --output "$target.part" "$release"
  mv "$target.part" "$target"
  echo "downloaded -> $target"
fi
