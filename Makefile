# Two commands do all set-up on a fresh Debian 12 machine with Python 3.11:
#   make demo   -> installs what is missing, then makes a bracket with the bundled model
#                  (into out/demo; `make demo OUT=DIR` puts it in DIR)
#   make test   -> installs what is missing, then runs ruff and the whole test suite
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `:=`, not `?=`: only the command line (make demo OUT=DIR) moves the demo, never an OUT
# that happens to be in the environment.
OUT := out/demo
APT_PKGS := openscad openscad-mcad openscad-testing-data xvfb xauth bubblewrap
TEST_APT_PKGS := chromium fonts-dejavu-core
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint system system-test venv venv-demo venv-test clean

demo: system venv-demo
	$(BIN)/scad-agent "bracket with two M3 holes" --max-repairs 3 --out "$(OUT)"

test: system system-test venv-test
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist loadgroup -q -p no:cacheprovider

lint: venv-test
	$(BIN)/ruff check .

# System packages: only what is missing, so a second run costs nothing.
system:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

system-test:
	@missing=""; for p in $(TEST_APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -U pip

# The CPU build of torch first: an unpinned torch would pull several GB of CUDA wheels.
$(VENV)/.torch: $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	touch $@

$(VENV)/.demo: $(VENV)/.torch pyproject.toml
	$(BIN)/pip install -q -e ".[hf]"
	touch $@

$(VENV)/.test: $(VENV)/.torch pyproject.toml
	$(BIN)/pip install -q -e ".[train,tui,web,scrape,openai,eval,dev]"
	touch $@ $(VENV)/.demo

venv-demo: $(VENV)/.demo
venv-test: $(VENV)/.test

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
