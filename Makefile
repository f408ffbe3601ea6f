# Two commands set everything up: `make run` (install, import the sample data, materialize every day)
# and `make test` (install, run the whole suite). `make dev` opens the Dagster UI.
SHELL := /bin/bash
export DAGSTER_HOME := $(CURDIR)/.dagster_home
VENV_BIN := $(CURDIR)/.venv/bin
WA := $(VENV_BIN)/wa-pipeline
DEV_PORT ?= 3000
# Test processes (pytest-xdist). More than the 2 cores pays: many tests wait on subprocesses, servers and fsync.
TEST_WORKERS ?= 4
# What `make test` runs: the whole suite by default; e.g. `make test TESTS=wa_pipeline_tests/ui` for one group.
TESTS ?=

.PHONY: install run test test-load lint dev bench eval sample-data clean

install:
	@scripts/install.sh

run: install
	$(WA) import sample_data
	$(WA) run

test: install lint
	$(VENV_BIN)/pytest -n $(TEST_WORKERS) $(TESTS)

# The suite on a busy machine: two CPU burners (bounded, stopped when the suite ends) beside `make test`.
test-load: install
	$(VENV_BIN)/python scripts/with_cpu_burners.py --burners 2 -- $(MAKE) test

# Style, then Dagster's own check that every definition loads (as `dagster dev` would load them).
lint: install
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .
	VIRTUAL_ENV=$(CURDIR)/.venv $(VENV_BIN)/dg check defs

# The UI and the daemon on workspace.yaml's code location and DAGSTER_HOME's instance: with -w, `dg dev` serves that
# file exactly as `dagster dev -w` did (without it, dg would write its own workspace from pyproject's [tool.dg]).
dev: install
	VIRTUAL_ENV=$(CURDIR)/.venv $(VENV_BIN)/dg dev -w workspace.yaml -h 127.0.0.1 -p $(DEV_PORT)

bench: install
	$(VENV_BIN)/python -m benchmarks.run_all $(BENCH_ARGS)

eval: install
	$(VENV_BIN)/python scripts/evaluate_nlp.py

sample-data: install
	$(VENV_BIN)/python scripts/make_sample_data.py

clean:
	rm -rf data .dagster_home .pytest_cache
