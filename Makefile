# Two commands on a fresh machine with Python 3.11 or 3.12: `make demo`, `make test`.
# Each installs what it needs from uv.lock on its first run (uv itself is pinned and bootstrapped with pip).

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: install demo airflow test lint clean

install: $(INSTALLED)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(INSTALLED): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@touch $@

demo: install  ## serve the demo sites, run the nightly DAG once, print what was loaded
	$(VENV)/bin/broadsheet-demo night

airflow: install  ## a real local Airflow (UI on http://127.0.0.1:8080) with the demo sites, until Ctrl-C
	$(VENV)/bin/broadsheet-demo airflow

test: install lint  ## lint, then the whole test suite against real PostgreSQL, HTTP, Scrapy and Airflow
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf .broadsheet test-artifacts
