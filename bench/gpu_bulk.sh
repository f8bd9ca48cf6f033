#!/usr/bin/env bash
# On a GPU machine that reaches no registry, with this repository and the folder bench/gpu_bulk_prepare.py made
# (pages, models, wheels; default .gpu): installs the wheels beside the machine's own PyTorch, ONNX and OpenCV,
# then prints bench/gpu_bulk.py's JSON. Usage: bash bench/gpu_bulk.sh [DATA_DIR] [gpu_bulk.py options...]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-.gpu}
shift || true
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/docintel-site \
	"$data"/wheels/*.whl
export PYTHONPATH=/tmp/docintel-site${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
python3 bench/gpu_bulk.py --data "$data" "$@"
