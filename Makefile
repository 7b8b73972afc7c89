# flavorhost: every target sets itself up; `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install protos test lint demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

protos: $(STAMP)
	$(BIN)/python scripts/generate_protos.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/typecheck.py

# Two workers (pytest-xdist): most tests wait on processes starting, so two halve the wall time
# on two cores (13 min serially, under 8 with both).
test: $(STAMP) lint
	$(BIN)/python -m pytest -q -n 2 $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/python examples/quickstart/run.py

# Not part of `make test` (which runs only a smoke run of it): takes minutes, writes
# bench/results/latest.json and latest.md.
bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
