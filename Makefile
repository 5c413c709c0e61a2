PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test check bench clean

$(BIN)/coshore: pyproject.toml
	@test -n "$(PY)" || { echo "Python 3.11+ not found; set PY=..."; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[semantic]'
	touch $@

$(VENV)/.dev: $(BIN)/coshore
	$(BIN)/pip install -q -e '.[dev,semantic]'
	touch $@

demo: $(BIN)/coshore
	$(BIN)/coshore migrate --no-input
	PORT=$(PORT) $(BIN)/coshore load-demo
	$(BIN)/coshore runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev
	$(BIN)/pytest

check: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy coshore config
	$(BIN)/lint-imports
	$(BIN)/coshore makemigrations --check --dry-run

bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/*.sqlite3*
