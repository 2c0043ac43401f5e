# The two commands a newcomer needs:
#   make serve   creates .venv, installs totkit and serves the apps (SQLite in the data folder)
#   make test    creates .venv, installs totkit with its test tools and runs every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: serve test demo lint bench versions clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.app

serve: $(VENV)/.app
	$(BIN)/totkit serve $(ARGS)

demo: $(VENV)/.app
	$(BIN)/totkit demo $(ARGS)

test: $(VENV)/.test versions
	$(BIN)/python -m pytest --nbval-lax tests notebooks $(ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check totkit tests benchmarks conftest.py
	$(BIN)/ruff format --check totkit tests benchmarks conftest.py

bench: $(VENV)/.test
	$(BIN)/python benchmarks/bench_start.py $(ARGS)

versions: $(VENV)/.test
	@$(BIN)/python --version
	@chromium --version 2>/dev/null || /usr/bin/chromium --version 2>/dev/null || echo "Chromium: not installed"
	@soffice --version 2>/dev/null || echo "LibreOffice: not installed"
	@$(BIN)/python -c "import importlib.metadata as m; [print(p, m.version(p)) for p in ('playwright', 'voila', 'ipywidgets', 'jupyterlab', 'totkit')]"

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
