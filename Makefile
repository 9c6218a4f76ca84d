# Quick Publisher — two commands on a fresh machine: `make run` and `make test`.
# Without DATABASE_URL both use an embedded PostgreSQL 16 kept in .data/ (git-ignored).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB := $(PY) -m project.devdb run --
PYTEST_ARGS ?=

.PHONY: run test worker lint format install bench migrate clean-data chromium

run: $(STAMP)
	@$(DB) $(PY) -m project.devserver

test: $(STAMP) chromium
	@$(DB) $(PY) -m pytest $(PYTEST_ARGS)

worker: $(STAMP)
	@$(DB) $(PY) manage.py procrastinate worker

migrate: $(STAMP)
	@$(DB) $(PY) manage.py migrate --noinput

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# Benchmarks (bench/, docs/benchmarks.md): Celery, Redis client, matplotlib and py-spy are
# benchmark-only, installed here and never by `make install`. QUICK=1 is the CI smoke run.
BENCH_STAMP := $(VENV)/.installed-bench
QUICK ?=

bench: $(BENCH_STAMP)
	@$(DB) $(PY) -m bench $(if $(filter 1 yes true,$(QUICK)),--quick)

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	@touch $(BENCH_STAMP)

# The browser tests (tests/e2e) drive Debian's Chromium through Playwright; Playwright's own browser
# downloads are never used. Without root or apt-get nothing is installed and those tests report
# themselves skipped (under CI=true they fail instead).
CHROMIUM := /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Chromium for the browser tests (apt-get install chromium)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq \
	    --no-install-recommends chromium fonts-liberation >/dev/null \
	  || echo "apt-get could not install Chromium: the browser tests will say so"; \
	fi

# Stops the embedded server and deletes its data (demo content included).
clean-data:
	-@$(PY) -m project.devdb stop
	rm -rf .data
