#!/usr/bin/env bash
# Puts the default detector, YOLOX-Nano (COCO), at models/yolox-nano/yolox_nano.onnx, and the
# species classifier beside its manifest in models/classifiers/.
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

# The species-stage classifier (MobileNetV2 on ImageNet) with its labels, when the shared copy is
# beside the checkout; its manifest and taxonomy are in models/classifiers/.
classifier_shared="$here/../../shared/models/mobilenet-v2-imagenet"
classifier="$here/classifiers/mobilenet-v2-imagenet"
if [ -d "$classifier_shared" ]; then
  mkdir -p "$classifier"
  for file in mobilenet_v2_1.0_224_imagenet.onnx imagenet1000.labels; do
    [ -s "$classifier/$file" ] || cp "$classifier_shared/$file" "$classifier/$file"
  done
  echo "classifier in place: $classifier"
fi
