#!/usr/bin/env bash
# Puts the default model into the Triton model repository beside this script.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/../../models/fetch-default-model.sh"
cp "$here/../../models/yolox-nano/yolox_nano.onnx" "$here/model_repository/yolox-nano/1/model.onnx"
echo "model in $here/model_repository/yolox-nano/1/model.onnx"
