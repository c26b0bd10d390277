# The two commands a newcomer needs: `make run` and `make test`. Both set up everything first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# PostgreSQL tests run when this points at a server; by default the local one, if it answers.
TEST_DATABASE_URL ?= $(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo postgresql://postgres@127.0.0.1:5432/test)
export TEST_DATABASE_URL

.PHONY: run test setup browser lint format clean

run: setup  ## Serve the UI and API on SQLite (bank.db) at http://127.0.0.1:5000
	$(PY) manage.py serve

test: setup browser lint  ## Lint and type-check, then the whole suite: unit, SQLite, PostgreSQL, HTTP, browser
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[postgres,server,dev]'
	touch $@

browser:  ## Debian's Chromium for the browser test (needs root; skipped loudly otherwise)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "WARNING: no chromium and no root to install it: the browser test will be skipped"; fi; }

lint: setup  ## ruff (checks and format) and mypy --strict over the whole tree, tests included
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .hypothesis test-artifacts
