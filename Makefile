# Two commands set everything up: `make run` (install, import the sample data, materialize every day)
# and `make test` (install, run the whole suite). `make dev` opens the Dagster UI.
SHELL := /bin/bash
export DAGSTER_HOME := $(CURDIR)/.dagster_home
VENV_BIN := $(CURDIR)/.venv/bin
WA := $(VENV_BIN)/wa-pipeline
DEV_PORT ?= 3000

.PHONY: install run test dev bench eval sample-data clean

install:
	@scripts/install.sh

run: install
	$(WA) import sample_data
	$(WA) run

test: install
	$(VENV_BIN)/pytest

dev: install
	$(VENV_BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p $(DEV_PORT)

bench: install
	$(VENV_BIN)/python -m benchmarks.run_all $(BENCH_ARGS)

eval: install
	$(VENV_BIN)/python scripts/evaluate_nlp.py

sample-data: install
	$(VENV_BIN)/python scripts/make_sample_data.py

clean:
	rm -rf data .dagster_home .pytest_cache
