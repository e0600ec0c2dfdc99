# corptier — the two commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DIR ?= demo

.PHONY: demo test lint bench system-deps clean mutants

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev,spark,postgres]"
	touch $(STAMP)

# Debian packages the reports and Spark need; installed only when missing and when we can.
system-deps:
	@bash scripts/system-deps.sh

demo: $(STAMP) system-deps
	$(BIN)/corptier demo $(DEMO_DIR)

test: $(STAMP) system-deps
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports
	$(BIN)/mypy
	bash scripts/audit-deps.sh $(BIN)
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=25

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

# Mutation testing of publish, staging, hysteresis and overrides ([tool.mutmut]); slow, by hand.
mutants: $(STAMP)
	PYTHONPATH=src:tests $(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache .mypy_cache
