#!/usr/bin/env bash
# Install with the test extras and Debian's Chromium (for the browser test), then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all,test
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check .
# Tests build their indexes in temporary folders; nothing touches the user's data folder.
export QA_INDEX_DIR="$(mktemp -d)"
set +e
.venv/bin/python -m pytest -q "$@"
status=$?
set -e
[ "$status" -eq 5 ] && { echo "no tests ran" >&2; exit 1; }
exit "$status"
