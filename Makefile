# Simpul developer tasks. Run `make help` for the list.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; pip runs again whenever pyproject.toml is newer.
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# Extra pytest arguments: make test ARGS="-k referral -x"
ARGS ?=
# The demo always runs on this SQLite file, whatever DATABASE_URL says (shell or .env), and
# as the product does: DEBUG off, so errors show the project's own 404/500 pages (never
# Django's debug pages) and WhiteNoise serves the collected static files.
DEMO_DB ?= $(CURDIR)/var/simpul.sqlite3
DEMO_ENV := DATABASE_URL=sqlite:///$(DEMO_DB) BACKGROUND_ENGINE=embedded DEBUG=false

.PHONY: help venv install demo test lint bench

help:
	@echo "make install   create .venv ($(PYTHON)) and pip install -e '.[dev]'"
	@echo "make demo      migrate + load regions + demo data on SQLite, then runserver 127.0.0.1:8000 (DEBUG off)"
	@echo "make test      pytest on SQLite, then on a throwaway PostgreSQL (ARGS=\"...\" for pytest)"
	@echo "make lint      ruff check + ruff format --check + lint-imports (layers) + mypy (services, selectors, core)"
	@echo "make bench     page response times on the demo data (benchmarks/pages.py)"

venv install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# make demo PORT=8080 serves the demo on another port.
PORT ?= 8000

demo: $(STAMP)
	mkdir -p $(dir $(DEMO_DB))
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) load_regions
	$(DEMO_ENV) $(MANAGE) load_demo
	$(DEMO_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	bash scripts/test.sh $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python scripts/check_sizes.py

bench: $(STAMP)
	$(BIN)/python benchmarks/pages.py
