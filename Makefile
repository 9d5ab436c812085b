# Carnet: the two commands are `make run` and `make test`.
#
#   make run    serve the demo on http://127.0.0.1:$(PORT)/ (SQLite, in-memory layer)
#   make test   run the test suite (pass options with PYTEST_ARGS='-k presence -x')
#   make lint   ruff check and ruff format --check
#
# Set DATABASE_URL and REDIS_URL to run on PostgreSQL and Redis instead.

SHELL := /bin/bash

PYTHON_BOOTSTRAP ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
PYTEST_ARGS ?=

# Development default: DEBUG on unless the caller chose otherwise
# (settings refuse to start with DEBUG off and no SECRET_KEY).
DEBUG ?= 1
export DEBUG
export DEBIAN_FRONTEND := noninteractive

.PHONY: venv messages run test chromium lint

venv: $(STAMP)

$(PY):
	$(PYTHON_BOOTSTRAP) -m venv $(VENV)

# Reinstall only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	touch $@

messages: venv
	@if ! command -v msgfmt >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && apt-get install -y gettext; \
	  else \
	    echo "msgfmt not found: install gettext (apt-get install gettext)" >&2; exit 1; \
	  fi; \
	fi
	$(PY) manage.py compilemessages --ignore=$(VENV)

run: venv messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput
	exec $(VENV)/bin/daphne -b 127.0.0.1 -p $(PORT) project.asgi:application

# The browser tests drive Debian's Chromium through Playwright
# (executable_path=/usr/bin/chromium). Never `playwright install`.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && apt-get install -y chromium; \
	  else \
	    echo "warning: /usr/bin/chromium is missing and we are not root;" \
	         "install Debian's chromium package for the browser tests" >&2; \
	  fi; \
	fi

test: venv messages chromium
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
