# flavorhost: every target sets itself up; `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install node-flavors protos test lint demo bench clean

install: $(STAMP) node-flavors

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Flavors written in JavaScript install their npm dependencies from their committed lock file;
# without npm they are skipped (their tests skip too).
NODE_FLAVOR := flavors/node_local_artifact_store
NODE_STAMP := $(NODE_FLAVOR)/node_modules/.installed
NPM := $(shell command -v npm 2>/dev/null)

ifneq ($(NPM),)
node-flavors: $(NODE_STAMP)
else
node-flavors:
	@echo "npm is not on PATH: skipping the Node.js flavors (node_local); install Node.js >= 18 to use them"
endif

$(NODE_STAMP): $(NODE_FLAVOR)/package-lock.json $(NODE_FLAVOR)/package.json
	cd $(NODE_FLAVOR) && npm ci --no-audit --no-fund
	touch $@

protos: $(STAMP)
	$(BIN)/python scripts/generate_protos.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/typecheck.py

# Two workers (pytest-xdist): most tests wait on processes starting, so two halve the wall time
# on two cores (13 min serially, under 8 with both).
test: install lint
	$(BIN)/python -m pytest -q -n 2 $(PYTEST_ARGS)

demo: install
	$(BIN)/python examples/quickstart/run.py

# Not part of `make test` (which runs only a smoke run of it): takes minutes, writes
# bench/results/latest.json and latest.md.
bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
