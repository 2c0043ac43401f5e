# The two commands a newcomer needs:
#   make serve   creates .venv, installs totkit and serves the apps (SQLite in the data folder)
#   make test    creates .venv, installs totkit with its test tools and runs every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=

HUB_DIR := deploy/jupyterhub
HUB_PROXY := $(HUB_DIR)/node_modules/.bin/configurable-http-proxy

.PHONY: serve test demo hub lint bench versions clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.app $(VENV)/.hub

serve: $(VENV)/.app
	$(BIN)/totkit serve $(ARGS)

demo: $(VENV)/.app
	$(BIN)/totkit demo $(ARGS)

# JupyterHub's proxy, from npm at the version deploy/jupyterhub/package-lock.json pins.
# Without npm the hub test skips (and fails where TOTKIT_REQUIRE_BROWSER=1, as in CI).
$(HUB_PROXY): $(HUB_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix $(HUB_DIR) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: JupyterHub's proxy is not installed (apt-get install nodejs npm)"; fi

$(VENV)/.hub: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[hub]'
	touch $@ $(VENV)/.app

# JupyterHub serving the apps to many users on this machine (deploy/jupyterhub/README.md).
hub: $(VENV)/.hub $(HUB_PROXY)
	cd $(HUB_DIR) && PATH="$(abspath $(BIN)):$$PATH" $(abspath $(BIN))/jupyterhub -f jupyterhub_config.py $(ARGS)

test: $(VENV)/.test $(HUB_PROXY) versions
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
	@$(BIN)/python -c "import importlib.metadata as m; [print(p, m.version(p)) for p in ('playwright', 'voila', 'ipywidgets', 'jupyterlab', 'jupyterhub', 'totkit')]"
	@command -v node >/dev/null 2>&1 && echo "Node.js $$(node --version)" || echo "Node.js: not installed"

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache $(HUB_DIR)/node_modules
