# stancewatch: `make serve` and `make test` are the whole quickstart on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup serve test lint pytest model bench clean

setup: $(STAMP)

# Reinstall when the project's dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: setup
	$(BIN)/stancewatch serve --host 127.0.0.1 --port 8000

# Static checks and every test. Tests that need ../shared/corpora or Chromium skip with a
# message when those are absent.
test: setup lint pytest

lint: setup
	$(BIN)/ruff check model training service stancewatch tests benchmarks
	$(BIN)/ruff format --check model training service stancewatch tests benchmarks
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

model: setup
	$(BIN)/stancewatch train

bench: setup
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_lexicon.py

clean:
	rm -rf $(VENV) data/models .pytest_cache .mypy_cache .ruff_cache
