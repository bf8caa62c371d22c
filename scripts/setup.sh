#!/usr/bin/env bash
# Creates .venv and installs the project with the given extras (default: all). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-all}"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip 2>/dev/null || true
# torch==2.13.0 is pinned in the "st" extra: a CPU build that pip finds locally; an unpinned torch pulls CUDA.
.venv/bin/python -m pip install --quiet -e ".[${extras}]"
