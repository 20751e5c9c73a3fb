# Two commands on a fresh machine (only Python 3.11 and make needed):
#   make demo   install, generate demo data, build every model and check on the embedded DuckDB
#   make test   install, then run every test (lint, then pytest: dbt build with unit and data tests, Great
#               Expectations validation, and the Python suites)
#   make test-postgres   the same data built on DuckDB and on a local PostgreSQL: all tests green, marts identical
#   make test-spark      the same data built on DuckDB and on local Spark (PySpark): all tests green, marts identical
#   make test-integrations   the consumers: Dagster materializes the asset graph; Superset in headless Chromium; the
#                            HubSpot sync through Prism (npm)
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)
export SEGMENTS_DUCKDB_PATH ?= $(CURDIR)/warehouse/segments.duckdb

DEMO_CONTACTS ?= 10000
SEED ?= 42
AS_OF ?= $(or $(SEGMENTS_AS_OF_DATE),$(shell date -u +%F))
# dbt gets the date through the environment (SEGMENTS_AS_OF_DATE), not --vars: a new date every day then keeps
# dbt's partial parse. DBT_VARS overrides other vars (segment rules).
DBT_VARS ?= {}

PHONY_CONSUMERS := install-orchestration orchestrate bi
.PHONY: $(PHONY_CONSUMERS) help install install-spark demo generate build validate publish bench test test-postgres test-integrations test-spark test-spark-events pytest test-fast lint fmt docs clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/$$(DEMO_CONTACTS)/$(DEMO_CONTACTS)/' \
		| awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	@echo "Installing into $(VENV): pinned dependencies (dbt, DuckDB, Great Expectations...), about a minute on a fresh machine"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar off -e '.[dev]'
	@touch $@

install: $(BIN)/.installed ## Create .venv and install the project with its pinned dependencies

# One step line each, so a first run shows where it is (the install is the long silent part otherwise)
demo: ## Install, generate demo data ($(DEMO_CONTACTS) contacts), dbt build, validate, publish for BI
	@echo "[1/5] install: .venv with the pinned dependencies"
	@$(MAKE) --no-print-directory install AS_OF=$(AS_OF)
	@echo "[2/5] generate: $(DEMO_CONTACTS) contacts of dirty raw data as of $(AS_OF)"
	@$(MAKE) --no-print-directory generate AS_OF=$(AS_OF)
	@echo "[3/5] build: dbt build (seeds, models, unit and data tests)"
	@$(MAKE) --no-print-directory build AS_OF=$(AS_OF)
	@echo "[4/5] validate: Great Expectations on the marts"
	@$(MAKE) --no-print-directory validate AS_OF=$(AS_OF)
	@echo "[5/5] publish: the file BI reads, warehouse/published/segments.duckdb"
	@$(MAKE) --no-print-directory publish AS_OF=$(AS_OF)
	@echo "Done. Open the published file read-only: .venv/bin/python -c \"import duckdb; print(duckdb.connect('warehouse/published/segments.duckdb', read_only=True).sql('select * from marts.agg_segment_summary limit 20'))\""

generate: install ## Generate demo raw data into the DuckDB file
	$(BIN)/segments generate --contacts $(DEMO_CONTACTS) --seed $(SEED) --as-of $(AS_OF)

build: install ## dbt build (seeds, models, unit and data tests) on the current raw data
	@mkdir -p "$(dir $(SEGMENTS_DUCKDB_PATH))"
	@# the custom segments' generated models, the segment registry in full (dbt checks only what its SQL needs),
	@# its lock and the YAML it generates
	@$(BIN)/segments custom compile --check && $(BIN)/segments registry check && $(BIN)/segments registry sync --check
	SEGMENTS_AS_OF_DATE=$(AS_OF) $(BIN)/dbt build --vars '$(DBT_VARS)'

BENCH_CONTACTS ?= 10000,100000
bench: install ## Benchmark generation and the build at BENCH_CONTACTS (writes docs/benchmarks.md)
	$(BIN)/segments bench --contacts $(BENCH_CONTACTS)

validate: install ## Great Expectations on the built marts (pass/fail table, Data Docs in target/gx)
	$(BIN)/segments validate

publish: install ## Publish the marts of the last green run to the file BI reads (atomically)
	$(BIN)/segments publish

test: install lint pytest ## Every test: sqlfluff lint, then pytest (which runs dbt build end to end)

# Installs PostgreSQL (Debian package) if missing and runs its own server on 127.0.0.1, stopped on exit.
test-postgres: install ## Build on DuckDB and on a local PostgreSQL, all tests green, every mart identical
	BIN=$(BIN) scripts/test_postgres.sh

$(BIN)/.installed-spark: $(BIN)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	@touch $@

install-spark: $(BIN)/.installed-spark ## Add the Spark extra (dbt-spark session method, PySpark: ~450 MB) to .venv

# Needs Java 17 (installed from the Debian packages if missing, as root). Small data: Spark is slow to start.
test-spark: install-spark ## Build on DuckDB and on local Spark, all tests green, every mart identical (~4 min)
	BIN=$(BIN) scripts/test_spark.sh

# The event adapters' chain only (Segment, RudderStack, Snowplow with their CRM and billing partners): models on
# Spark, every relation compared with DuckDB's, data tests on DuckDB (~10 min on 2 cores). SPARK_TEST_ADAPTERS
# picks combinations by name (e.g. SPARK_TEST_ADAPTERS=hubspot_segment, about 4 min). Not in CI: .ci/run says why.
test-spark-events: install-spark ## The three event adapters on local Spark: every relation they build identical
	SPARK_TEST_GENERIC=0 ADAPTER_TEST_SELECT="+seg_behavioral +seg_technographic" ADAPTER_TEST_DATA_TESTS=0 \
		BIN=$(BIN) scripts/test_spark.sh

# Two workers, a test file to each (--dist loadfile: a file's module fixtures build once): dbt's own work is mostly
# one Python thread, so two files at a time use both cores of a 2-core machine. PYTEST_WORKERS=0 runs in-process.
PYTEST_WORKERS ?= 2
# The integration tests (a tool from outside the Python packages) run in make test-integrations
pytest: install
	$(BIN)/python -m pytest -m "not integration" -n $(PYTEST_WORKERS) --dist loadfile

test-fast: install ## The tests that run no dbt build (generator, vocabularies, structure, user-agent rules): about a minute
	$(BIN)/python -m pytest -m "not slow and not integration" -n $(PYTEST_WORKERS) --dist loadfile

$(BIN)/.installed-orchestration: $(BIN)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,orchestration,bi]'
	@touch $@

install-orchestration: $(BIN)/.installed-orchestration ## Add the orchestration and bi extras (Dagster, dagster-dbt, its UI; Selenium) to .venv

DAGSTER_PORT ?= 3000
orchestrate: install-orchestration ## Start the Dagster UI on 127.0.0.1 (the dbt project as assets, daily and hourly jobs)
	@mkdir -p warehouse/dagster "$(dir $(SEGMENTS_DUCKDB_PATH))"
	@# one step at a time touches the DuckDB file (the assets' pool, segments_warehouse/orchestration.py)
	@test -f warehouse/dagster/dagster.yaml || printf 'concurrency:\n  pools:\n    default_limit: 1\n' > warehouse/dagster/dagster.yaml
	$(BIN)/dbt parse --target-path target/dagster --quiet
	DAGSTER_HOME=$(CURDIR)/warehouse/dagster PATH=$(CURDIR)/$(BIN):$$PATH \
		$(BIN)/dagster dev -m segments_warehouse.orchestration -h 127.0.0.1 -p $(DAGSTER_PORT)

# Superset in its own venv (.venv-bi, pinned by bi/requirements.lock), its metadata in warehouse/superset
BI_PORT ?= 8088
bi: install ## Superset on 127.0.0.1 reading the published file, the dashboard of bi/dashboard.yml imported (make demo first)
	@test -n "$$SUPERSET_ADMIN_USER" -a -n "$$SUPERSET_ADMIN_PASSWORD" || { echo "Set SUPERSET_ADMIN_USER and SUPERSET_ADMIN_PASSWORD (the Superset admin make bi creates)"; exit 2; }
	@test -f "$${SEGMENTS_PUBLISHED_PATH:-warehouse/published/segments.duckdb}" || { echo "No published warehouse: run make demo first"; exit 2; }
	scripts/superset.sh venv
	scripts/superset.sh setup warehouse/superset
	BIN=$(BIN) scripts/superset.sh serve warehouse/superset $(BI_PORT)

# Installs Node.js and npm (Debian packages) if missing, then Prism from npm (pinned by tests/contracts/package-lock.json)
test-integrations: install-orchestration ## The consumers: Dagster, Superset in Chromium, the HubSpot sync through Prism
	BIN=$(BIN) scripts/test_integrations.sh

# The dbt templater opens a connection: give it a scratch file, so lint works on a fresh clone and never
# touches the warehouse. scripts/lint_sql.py: sqlfluff with dbt's sqlparse limits, failing on a file it cannot compile;
# `adapters`: the source adapters' models, which the default vars disable, linted with each adapter's vars.
# --processes 0: one sqlfluff process per core (a file dbt cannot compile still fails the run).
lint: install ## ruff on the Python, then sqlfluff lint on models, macros and tests
	$(BIN)/ruff check .
	@mkdir -p target
	SEGMENTS_DUCKDB_PATH=$(CURDIR)/target/lint.duckdb $(BIN)/python scripts/lint_sql.py lint --processes 0 models macros tests
	SEGMENTS_DUCKDB_PATH=$(CURDIR)/target/lint.duckdb $(BIN)/python scripts/lint_sql.py adapters

fmt: install ## Fix what sqlfluff can fix
	@mkdir -p target
	SEGMENTS_DUCKDB_PATH=$(CURDIR)/target/lint.duckdb $(BIN)/python scripts/lint_sql.py fix models macros tests

# Its own target path: docs generate writes run_results.json too, and must never replace the build's, which
# `segments validate` and `segments publish` check
DOCS_TARGET := target/docs
docs: install ## Generate the dbt docs site into target/docs and say how to open it
	@mkdir -p "$(dir $(SEGMENTS_DUCKDB_PATH))"
	SEGMENTS_AS_OF_DATE=$(AS_OF) $(BIN)/dbt docs generate --vars '$(DBT_VARS)' --target-path $(DOCS_TARGET)
	@echo "Docs site in $(DOCS_TARGET). Open it with: $(BIN)/dbt docs serve --target-path $(DOCS_TARGET) --host 127.0.0.1 --port 8080"

clean: ## Remove build output and the local warehouse (keeps .venv)
	rm -rf target logs warehouse .pytest_cache
