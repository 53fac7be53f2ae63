# eCITES: `make run` serves on SQLite; `make test` runs the whole suite; `make bench` measures.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export ECITES_DATA_DIR ?= var

.PHONY: help install run migrate test lint types contracts pytest postgres translations bench clean

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)  ## Create .venv and install the service with its dev tools

migrate: install  ## Bring the database (ECITES_DATABASE_URL, default SQLite in var/) up to date
	$(BIN)/ecites migrate

run: migrate  ## Set up, migrate, first administrator, species reference data; serve on 127.0.0.1:8000
	$(BIN)/ecites bootstrap
	$(BIN)/ecites species import
	$(BIN)/ecites serve --host 127.0.0.1 --port 8000

lint: install  ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install  ## mypy (strict)
	$(BIN)/mypy .

contracts: install  ## import-linter: layering and framework-free domain core
	$(BIN)/lint-imports

postgres:  ## Install what the tests use from Debian if missing: PostgreSQL, xmlsec1, Chromium, DejaVu fonts
	@missing=""; \
	if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  missing="$$missing postgresql"; fi; \
	command -v xmlsec1 >/dev/null || missing="$$missing xmlsec1"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "installing with apt:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

translations: install  ## Re-extract the browser pages' messages; update the .pot and the fr/es .po files
	$(BIN)/python -m app.web.catalogue
	$(BIN)/python -m app.web.catalogue --check

pytest: install postgres  ## The tests, on SQLite and on a real PostgreSQL
	$(BIN)/pytest -q

test: lint types contracts pytest  ## Everything CI runs

bench: install postgres  ## Benchmarks (figures, not assertions); results in bench/results/
	$(BIN)/python -m bench

clean:  ## Remove the virtual environment and local data
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
