#!/usr/bin/env bash
# Set everything up (browser included), then run the whole test suite: the fast tier with
# fakes and the real tier with the bundled models, real Chroma, Gradio and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
.venv/bin/ruff check rag ui eval tests
.venv/bin/mypy rag ui eval  # types (pyproject's [tool.mypy])
exec .venv/bin/python -m pytest "$@"
