# brainhub — two commands: `make demo` and `make test`. Everything else is setup they share.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export MELTANO_SEND_ANONYMOUS_USAGE_STATS := false
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo demo-s3 test setup services lint typecheck bench docs clean

demo: setup  ## set everything up, run the sandbox ClickUp → DuckDB pipeline, show what was loaded
	$(BIN)/meltano --environment=sandbox run clickup-to-duckdb
	@echo
	@$(BIN)/brainhub tables --environment=sandbox

demo-s3: setup  ## the sandbox ClickUp → Parquet files in S3 (moto's server on 127.0.0.1:5010), listed
	$(BIN)/python scripts/demo_s3.py

test: setup services  ## set everything up, check lint and types, run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup

setup: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python $(PYTHON)
	touch $@

services:  ## install the database servers some connector tests talk to (Debian packages)
	bash scripts/install-services.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/run_all.py

docs: setup  ## regenerate docs that are generated from code (checked by tests)
	$(BIN)/brainhub docs --write

clean:  ## remove the environment and everything the sandbox wrote (never the prod warehouse)
	rm -rf $(VENV) $(TOOLS) .meltano data/sandbox.duckdb data/sandbox.duckdb.wal data/sandbox
