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

.PHONY: demo demo-s3 demo-all test setup services lint typecheck bench docs clean

demo: setup  ## set everything up, run the sandbox ClickUp → DuckDB pipeline, show what was loaded
	$(BIN)/meltano --environment=sandbox run clickup-to-duckdb
	@echo
	@$(BIN)/brainhub tables --environment=sandbox

demo-s3: setup  ## the sandbox ClickUp → Parquet files in S3 (moto's server on 127.0.0.1:5010), listed
	$(BIN)/python scripts/demo_s3.py
# The sandbox app database of `brainhub services up postgres` (its fixed local user).
APP_PSQL := PGPASSWORD=brainhub psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 55432 -U brainhub -d app
APP_MARIADB := mariadb --no-defaults -h 127.0.0.1 -P 53306 -u brainhub -pbrainhub app

demo-all: setup services  ## the demo plus the database jobs: local servers up, app database seeded, synced both ways
	$(BIN)/meltano install extractor tap-postgres
	$(BIN)/meltano install loader target-postgres
	$(BIN)/meltano install extractor tap-mysql
	$(BIN)/brainhub services up
	$(APP_PSQL) -f scripts/app-db/postgres-seed.sql
	$(APP_MARIADB) < scripts/app-db/mariadb-seed.sql
	$(BIN)/meltano --environment=sandbox run clickup-to-duckdb
	$(BIN)/meltano --environment=sandbox run postgres-to-duckdb
	$(APP_PSQL) -f scripts/app-db/postgres-changes.sql
	$(BIN)/meltano --environment=sandbox run postgres-to-duckdb
	$(BIN)/meltano --environment=sandbox run duckdb-to-postgres
	$(BIN)/meltano --environment=sandbox run mariadb-to-duckdb duckdb-to-mariadb
	@echo
	@$(BIN)/brainhub tables --environment=sandbox
	@echo
	@$(APP_PSQL) -c "SELECT list_name, status, tasks FROM marts.tasks_by_status ORDER BY 1, 2 LIMIT 5"
	@echo "servers still running; stop them with: $(BIN)/brainhub services down"

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
	if [ -x $(BIN)/brainhub ]; then $(BIN)/brainhub services down >/dev/null; fi
	rm -rf $(VENV) $(TOOLS) .meltano data/sandbox.duckdb data/sandbox.duckdb.wal data/sandbox data/services
