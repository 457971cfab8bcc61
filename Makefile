# Two entry points for a fresh machine with Python 3.11, git and make:
#   make mock   starts the mock server on http://127.0.0.1:5000
#   make test   runs the whole test suite (through tox)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: mock test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

mock: $(STAMP)
	$(VENV)/bin/dajet-mock $(ARGS)

test: $(STAMP)
	$(VENV)/bin/tox $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/tox -e lint

bench: $(STAMP)
	$(VENV)/bin/tox -e bench

clean:
	rm -rf $(VENV) .tox node_modules
