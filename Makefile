# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The newest Python 3.11+ on this machine.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: install install-dev demo test bench clean-venv

install: $(VENV)/.installed

# An editable install of the checkout itself gives the `kith` command in .venv/bin; nothing goes
# outside .venv. Last, the store's start-up cache (.venv/var/kith, graph/aot_cache.py): a training
# run on made-up records that halves the store's start and speeds a first import.
$(VENV)/.installed: requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "Kith needs Python 3.11 or newer" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(VENV)/bin/kith db cache || echo "no start-up cache made: the store works without it, starting slower" >&2
	touch $@

install-dev: $(VENV)/.installed-dev

# The dashboard's browser test drives Debian's Chromium: playwright never downloads a browser here.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt tests/cypher_lint/package-lock.json
	$(PY) -m pip install --quiet -r requirements-dev.txt
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	npm ci --silent --no-audit --no-fund --prefix tests/cypher_lint
	touch $@

demo: install
	$(VENV)/bin/kith db start
	$(VENV)/bin/kith demo
	$(VENV)/bin/kith dashboard --port $${KITH_PORT:-8501}

test: install-dev
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

# Each benchmark runs as a module of the checkout (bench_dashboard shares tests/browser.py).
bench: install-dev
	for b in benchmarks/bench_*.py; do $(PY) -m benchmarks.$$(basename $$b .py) || exit 1; done
