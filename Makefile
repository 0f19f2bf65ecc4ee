# Huainan public-services workbook. `make help` lists the targets.
# Every target bootstraps .venv itself: on a fresh machine `make briefs` and `make test` are enough.

SHELL        := /bin/bash
.SHELLFLAGS  := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
KERNEL := huainan
STAMP  := $(VENV)/.installed
BATCH  ?= annual
PORT   ?= 8866

.PHONY: help venv briefs test app bench lint clean

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

venv: $(STAMP) ## Create .venv if missing, install the package with test extras, register the Jupyter kernel "huainan"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python 3 (huainan)" >/dev/null
	@touch $(STAMP)

briefs: $(STAMP) ## Main job: run the batch of briefs (BATCH=annual) on the shipped data into outputs/
	$(BIN)/huainan briefs $(BATCH)

test: $(STAMP) ## Run the test suite (exit code 5, "no tests collected", counts as failure)
	@rc=0; $(BIN)/python -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

app: $(STAMP) ## Serve the Voila apps for officials on http://127.0.0.1:8866/ (PORT=N to change)
	$(BIN)/huainan serve --port $(PORT)

bench: $(STAMP) ## Run the speed benchmarks in benchmarks/ (figures, not pass/fail tests)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

lint: $(STAMP) ## ruff check + ruff format --check (package, tests, benchmarks, notebooks) + mypy (the package)
	$(BIN)/ruff check huainan tests benchmarks notebooks
	$(BIN)/ruff format --check huainan tests benchmarks notebooks
	$(BIN)/mypy

clean: ## Remove outputs/ and caches (keeps .venv)
	rm -rf outputs .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
