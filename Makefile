# The two commands a newcomer needs: `make demo` and `make test`.
# Everything is installed into .venv from the package registries.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install viewer lint test test-fast demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The browser viewer: npm packages from the committed lock file, built into viewer/dist.
# `npm run check` is the client's drift check: the committed types must be what
# openapi-typescript makes of api/openapi.json, and tsc must find the viewer using
# nothing the contract lacks (api/openapi.json against the app: tests/api/test_openapi.py).
viewer/node_modules/.package-lock.json: viewer/package-lock.json
	cd viewer && npm ci --no-audit --no-fund

viewer: viewer/node_modules/.package-lock.json
	cd viewer && npm run check
	cd viewer && npm run build

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint viewer
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not samples" -x -q

# Generates, registers and serves the demo building (6 storeys, 300 rooms) with
# simulated devices and allocations on http://127.0.0.1:8000 (Ctrl-C stops it).
demo: install viewer
	$(BIN)/twin demo

bench: install viewer
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/route.py
	$(BIN)/python bench/telemetry.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/viewer.py

clean:
	rm -rf out test-artifacts .pytest_cache .ruff_cache .mypy_cache
