# The two commands a newcomer needs: `make demo` and `make test`.
# Everything is installed into .venv from the package registries.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= out/demo
export TWIN_CACHE_DIR ?= $(CURDIR)/out/cache

.PHONY: install lint test test-fast demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not samples" -x -q

demo: install
	$(BIN)/twin demo-model $(DEMO_DIR)/office.ifc --storeys 6 --rooms-per-storey 50
	$(BIN)/twin ingest $(DEMO_DIR)/office.ifc
	$(BIN)/twin demo-allocations $(DEMO_DIR)/office.ifc --out $(DEMO_DIR)/allocations.csv
	$(BIN)/twin compliance $(DEMO_DIR)/office.ifc --allocations $(DEMO_DIR)/allocations.csv \
		--level municipal --xlsx $(DEMO_DIR)/compliance.xlsx
	$(BIN)/twin compliance $(DEMO_DIR)/office.ifc --allocations $(DEMO_DIR)/allocations.csv \
		--level municipal | head -30

bench: install
	$(BIN)/python bench/ingest.py

clean:
	rm -rf out test-artifacts .pytest_cache .ruff_cache .mypy_cache
