# Two commands on a fresh machine with Python 3.11 or 3.12: `make demo`, `make test`.
# Each installs what it needs from uv.lock on its first run (uv itself is pinned and bootstrapped with pip).

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
INSTALLED := $(VENV)/.installed
# Superset has its own locked environment (superset/uv.lock): it must not share Airflow's dependencies.
SUPERSET_INSTALLED := superset/.venv/.installed

.PHONY: install superset-install demo airflow superset test lint clean

install: $(INSTALLED)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(INSTALLED): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@touch $@

$(SUPERSET_INSTALLED): superset/uv.lock superset/pyproject.toml | $(UV)
	cd superset && ../$(UV) sync --frozen --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@touch $@

superset-install: $(SUPERSET_INSTALLED)

demo: install  ## serve the demo sites, run the nightly DAG once, print what was loaded
	$(VENV)/bin/broadsheet-demo night

airflow: install  ## a real local Airflow (UI on http://127.0.0.1:8080) with the demo sites, until Ctrl-C
	$(VENV)/bin/broadsheet-demo airflow

superset: install superset-install  ## Apache Superset with the Broadsheet dashboard on a free port (printed), until Ctrl-C
	$(VENV)/bin/broadsheet-demo superset

test: install superset-install lint  ## lint, then the whole test suite against real PostgreSQL, HTTP, Scrapy and Airflow
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf .broadsheet test-artifacts
