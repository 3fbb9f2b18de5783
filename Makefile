# Zhenggai — the two commands a newcomer needs:
#   make demo   create .venv, install, migrate, load the demo data, serve http://127.0.0.1:$(PORT)/
#   make test   lint, migration check, the whole suite on SQLite and then on PostgreSQL
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The PostgreSQL server the second test pass uses (pytest-django creates test_<name> on it).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/zhenggai
export ZHENGGAI_SEEDS ?= $(abspath ../shared/seeds)

.PHONY: help install demo serve test lint check-migrations test-sqlite test-postgres messages clean bench bench-national loadtest

help:
	@echo "make demo   - install, migrate, load demo data, serve on http://127.0.0.1:$(PORT)/"
	@echo "make test   - ruff, makemigrations --check, tests on SQLite then PostgreSQL"

$(BIN)/zhenggai: pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(f"Python 3.12 or newer is needed (this python3 is {v.major}.{v.minor}); with pyenv the committed .python-version selects 3.13.0, or run: make PYTHON=python3.13 ...") if v < (3, 12) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@$(BIN)/python -c 'import django, sys; sys.exit(0 if django.VERSION[:2] == (6, 1) else f"Django 6.1 expected, got {django.get_version()}")'
	@touch $@

install: $(BIN)/zhenggai

demo: install
	$(BIN)/zhenggai migrate --noinput
	$(BIN)/zhenggai load_demo
	$(BIN)/zhenggai warnings --save
	$(MAKE) --no-print-directory serve

# The web server plus the background worker (warnings scan, digests) in one terminal; Ctrl-C stops both.
serve: install
	$(BIN)/zhenggai warnings --schedule
	$(BIN)/zhenggai snapshots --schedule
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/zhenggai db_worker --no-reload --interval 5 & \
	$(BIN)/zhenggai runserver 127.0.0.1:$(PORT)

test: install lint check-migrations test-sqlite test-postgres

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: install
	DATABASE_URL=sqlite:///:memory: $(BIN)/zhenggai makemigrations --check --dry-run

test-sqlite: install
	DATABASE_URL=sqlite:///:memory: $(BIN)/pytest

# Outside CI a missing PostgreSQL is a clear skip; under CI=true it is a failure.
test-postgres: install
	@if $(BIN)/python tools/pg_ready.py "$(TEST_DATABASE_URL)"; then \
		DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "FAIL: PostgreSQL is not reachable at $(TEST_DATABASE_URL) (CI=true)"; exit 1; \
	else \
		echo "SKIP: PostgreSQL is not reachable at $(TEST_DATABASE_URL); the PostgreSQL pass did not run."; \
	fi

# Speed is measured here, never in timed tests: bench/RESULTS.md explains the numbers.
bench: install
	$(BIN)/python bench/ledger_list.py --db sqlite --scale medium && $(BIN)/python bench/ledger_list.py --db postgres --scale medium
	$(BIN)/python bench/importer_parse.py
	cd bench && ../$(BIN)/python warnings_job.py --db sqlite && ../$(BIN)/python warnings_job.py --db postgres
	$(BIN)/python bench/ledger_export.py --db sqlite && $(BIN)/python bench/ledger_export.py --db postgres
	$(BIN)/python bench/cases_import.py --db sqlite && $(BIN)/python bench/cases_import.py --db postgres
	$(MAKE) --no-print-directory bench-national

# Issue 8: `zhenggai generate --scale national` into each database, then pages, API and jobs against their
# raw-SQL floors (bench/national.py; figures in bench/results/national.json and bench/RESULTS.md).
bench-national: install
	$(BIN)/python bench/national.py --db sqlite --scale national
	$(BIN)/python bench/national.py --db postgres --scale national

# 20 users on gunicorn + PostgreSQL + the task worker; every write verified afterwards (bench/loadtest/).
loadtest: install
	$(BIN)/python bench/loadtest/run.py --users 20 --duration 60 --max-requests 6000 --workers 4

messages: install
	cd src/zhenggai && ../../$(BIN)/zhenggai makemessages -l zh_Hans --no-obsolete && ../../$(BIN)/zhenggai compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var test-artifacts
