# ForgeLab: `make lab` to use it, `make test` to test it. Both set everything up first, once:
# a second run reinstalls nothing unless a lock file or a source changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMPS := .make
CHROMIUM ?= /usr/bin/chromium

export PATH := $(BIN):$(PATH)
export KERAS_BACKEND ?= torch
export PIP_DISABLE_PIP_VERSION_CHECK := 1

TS_SOURCES := $(shell find src style schema python_backend/forgelab/formats -type f 2>/dev/null)
LABEXTENSION := python_backend/forgelab/labextension/package.json

.PHONY: help setup lab test lint pytest jest galata bench clean postgresql

help:
	@echo "make lab    install everything into $(VENV) and open JupyterLab with ForgeLab on examples/"
	@echo "make test   install the same, then run lint, pytest, jest and galata"
	@echo "make bench  run the benchmarks (ratios against baselines measured in the same run)"
	@echo "make clean  remove the environment and build outputs"

$(STAMPS):
	mkdir -p $@

# Python: one virtual environment, every version pinned by constraints.txt.
$(STAMPS)/python: requirements-dev.txt constraints.txt | $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

# JavaScript dependencies of the extension, from the committed yarn.lock.
$(STAMPS)/node: package.json yarn.lock $(STAMPS)/python
	jlpm install --immutable || jlpm install
	touch $@

# The labextension, rebuilt when a front-end source changes.
$(LABEXTENSION): $(TS_SOURCES) package.json tsconfig.json $(STAMPS)/node
	jlpm build
	touch $@

# ForgeLab itself, editable, with the labextension linked into the environment.
$(STAMPS)/forgelab: pyproject.toml $(LABEXTENSION) | $(STAMPS)
	$(BIN)/python -m pip install --quiet --no-build-isolation --no-deps -e .
	jupyter labextension develop --overwrite . >/dev/null
	touch $@

setup: $(STAMPS)/forgelab

lab: setup
	jupyter lab --notebook-dir=examples $(if $(filter 0,$(shell id -u)),--allow-root,)

# Test-only: galata's packages and Debian's Chromium (Playwright cannot download a browser here).
$(STAMPS)/ui-tests: ui-tests/package.json ui-tests/yarn.lock $(STAMPS)/python
	cd ui-tests && jlpm install
	touch $@

$(CHROMIUM):
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi

lint: setup
	ruff check python_backend bench
	ruff format --check python_backend bench
	node scripts/generate-types.js --check
	jlpm prettier --check "src/**/*.{ts,tsx}" "ui-tests/tests/**/*.ts" "style/**/*.css"
	jlpm eslint src

# Test-only: Debian's PostgreSQL server binaries, for the shared-store tests and benchmark.
postgresql:
	if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql; fi; fi

pytest: setup postgresql
	$(BIN)/python -m pytest --durations=15

jest: setup
	jlpm jest

galata: setup $(STAMPS)/ui-tests $(CHROMIUM)
	cd ui-tests && CI=1 CHROMIUM_PATH=$(CHROMIUM) jlpm playwright test

test: lint pytest jest galata

bench: setup postgresql $(STAMPS)/ui-tests $(CHROMIUM)
	$(BIN)/python bench/run.py
	cd ui-tests && CI=1 CHROMIUM_PATH=$(CHROMIUM) NODE_PATH=$$PWD/node_modules \
	  jlpm playwright test -c ../bench/playwright.config.js

clean:
	rm -rf $(VENV) $(STAMPS) node_modules ui-tests/node_modules lib tsconfig.tsbuildinfo \
	  python_backend/forgelab/labextension python_backend/forgelab/_version.py
