#!/usr/bin/env bash
# Set everything up, then start the chat UI on the bundled models (ingesting seeds/ first
# when the store is empty). Prints the local URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/newsdesk ui "$@"
