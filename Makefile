# The two commands every new user needs: `make run` and `make test`. Both create the environment first.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 3000
# Every command uses the committed Dagster instance, so runs made by `make run` show in `make ui`.
export DAGSTER_HOME := $(CURDIR)/.dagster

.PHONY: setup setup-test browser run test ui score bench bench-countries validate clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

## run: build the environment, run the whole pipeline over seeds/ and publish a release
run: $(VENV)/.installed
	$(BIN)/guarantees run

## browser: Debian's chromium and chromium-driver for the report's browser test, installed only when missing
# (apt-get, so as root: CI and the project's machines); elsewhere the browser test is skipped, except under CI.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and chromium-driver for the report's browser test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else \
		echo "chromium or chromedriver missing, and installing needs root and apt-get: the browser test will skip"; \
	fi

## test: build the environment with the test extras, install Chromium if missing, and run the tests
test: $(VENV)/.installed-test browser
	$(BIN)/python -m pytest -q

## ui: the Dagster UI and its daemon on 127.0.0.1:$(PORT), so the sensor and the schedule fire; Ctrl-C stops all
ui: $(VENV)/.installed
	exec $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p $(PORT)

## score: run the pipeline on ../shared/eval/docs (seed, dev) in a temporary folder and print score.py's table
score: $(VENV)/.installed
	$(BIN)/guarantees score

## bench: extraction core and whole pipeline on 1,000, 10,000 and 100,000 generated documents (bench/README.md; 40-50 minutes, 14-23 with BENCH_ARGS="--sizes 1000 10000 100000 --no-core-over 10000")
bench: $(VENV)/.installed
	$(BIN)/python bench/scale/run.py $(BENCH_ARGS)

## bench-countries: country-name benchmark, ours vs country_converter, countrynames, pycountry (4-7 minutes, most of it pycountry)
bench-countries: $(VENV)/.installed-bench
	$(BIN)/python bench/countries/run.py

## validate: check that the Dagster definitions load
validate: $(VENV)/.installed
	$(BIN)/dagster definitions validate -w workspace.yaml

clean:
	rm -rf outputs
