#!/usr/bin/env bash
# Puts the default model, and the species classifier where it is in place, into the Triton model
# repository beside this script.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/../../models/fetch-default-model.sh"
cp "$here/../../models/yolox-nano/yolox_nano.onnx" "$here/model_repository/yolox-nano/1/model.onnx"
echo "model in $here/model_repository/yolox-nano/1/model.onnx"
classifier="$here/../../models/classifiers/mobilenet-v2-imagenet/mobilenet_v2_1.0_224_imagenet.onnx"
if [ -s "$classifier" ]; then
  cp "$classifier" "$here/model_repository/mobilenet-v2-imagenet/1/model.onnx"
  echo "classifier in $here/model_repository/mobilenet-v2-imagenet/1/model.onnx"
fi
