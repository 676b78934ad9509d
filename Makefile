# BidScript: `make run` and `make test` are all a newcomer needs.
# Python 3.12 comes from .python-version (pyenv) or PYTHON=/path/to/python3.12.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# uv's own pin lives in requirements.lock, with every other dependency.
UV_VERSION := $(shell sed -n 's/^uv==\([^ ]*\).*/\1/p' requirements.lock)

ADDRPORT ?= 127.0.0.1:8000

# Local runs and tests are development mode unless the environment says otherwise.
export DEBUG ?= true

.PHONY: help install run test lint format bench stop lock clean

help:
	@echo "make run    set up, migrate, then serve http://127.0.0.1:8000 with a worker"
	@echo "make test   run the test suite against real PostgreSQL+pgvector and Redis"
	@echo "make lint   ruff, ruff format --check, mypy, makemigrations --check"
	@echo "make bench  startup time, and the cached bid list under load (cold vs warm cache)"
	@echo "            ingestion, a 3,000-document ingestion soak with a worker killed mid-run,"
	@echo "            search latency and quality (nDCG@10, recall@100), chat latency,"
	@echo "            register extraction over a 100-page tender (target <= 10 s)"
	@echo "make stop   stop the embedded PostgreSQL and Redis"
	@echo "make lock   recompile requirements.lock from pyproject.toml"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else "BidScript needs Python 3.12; set PYTHON=/path/to/python3.12")'
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: requirements.lock | $(BIN)/uv
	$(BIN)/uv pip sync --python $(PY) --require-hashes --compile-bytecode requirements.lock
	@touch $@

install: $(VENV)/.installed

# migrate starts the embedded services if needed and checks pgvector before it applies anything.
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py serve --addrport $(ADDRPORT)

test: install
	$(PY) -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(PY) bench/startup.py
	$(PY) bench/bid_list.py
	$(PY) bench/ingest.py
	$(PY) bench/ingest_soak.py
	$(PY) bench/search.py
	$(PY) bench/quality.py
	$(PY) bench/chat_latency.py
	$(PY) bench/extraction.py

stop: install
	$(PY) manage.py embedded stop

lock: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 \
		--no-header --quiet -o requirements.lock

clean: stop
	rm -rf $(VENV) .mypy_cache .ruff_cache
