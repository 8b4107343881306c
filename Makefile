# Task targets; each one sets up first (idempotent). CI runs `bash .ci/run` = scripts/test.sh.
.PHONY: setup run test test-fast lint eval eval-seeds eval-multihop calibrate bench

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

test-fast: setup
	.venv/bin/python -m pytest -m "not real and not server and not browser and not fuzz"

lint: setup
	.venv/bin/ruff check rag ui eval tests
	.venv/bin/mypy

eval: eval-seeds eval-multihop

eval-seeds: setup
	.venv/bin/newsdesk eval --set seeds --compare latest

eval-multihop: setup
	.venv/bin/newsdesk eval --set multihop-dev --retrieval-only --compare latest

calibrate: setup
	.venv/bin/newsdesk eval calibrate

bench: setup
	.venv/bin/newsdesk bench
