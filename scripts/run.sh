#!/usr/bin/env bash
# Install, then the main job on the bundled letters: build the index, answer a question, run the benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
.venv/bin/qa index
.venv/bin/qa ask "Hoeveel draagt Nederland bij aan het Revolving Fund?"
.venv/bin/qa ask "What did the ministers decide about the NATO mission in Iraq?"
.venv/bin/qa eval --config hybrid --config bm25 --out eval-results
