# Two commands set everything up on a fresh machine:
#   make run    virtual environment + pinned requirements + MNIST, then starts the app
#   make test   the same + test packages + Chromium, then runs every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Where `make run` listens: this machine only by default; `make run ADDRESS=0.0.0.0` (or `make classroom`) opens it to
# the classroom network, and is refused without a teacher password (README, "A classroom server").
ADDRESS ?=
SERVE_ADDRESS = import sys; from core.settings import serve_address; address, problem = serve_address(sys.argv[1]); \
	print(problem or address, file=sys.stderr if problem else sys.stdout); sys.exit(1 if problem else 0)

.PHONY: run classroom test setup setup-test data chromium models bench

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

setup: $(VENV)/.installed data

setup-test: $(VENV)/.installed-test data chromium

data: $(VENV)/.installed
	$(PY) -m core.data

# Browser tests need Debian's chromium (Playwright's own browser download does not work offline) and a
# Korean font (without one, Chromium on a bare Debian draws Hangul as boxes).
chromium:
	@{ command -v chromium >/dev/null 2>&1 && [ -n "$$(fc-list :lang=ko 2>/dev/null)" ]; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null; \
	  else echo "chromium or a Korean font is missing and cannot be installed here (needs root + apt): browser tests will fail" >&2; exit 1; fi; }
	@chromium --version

run: setup
	@address="$$($(PY) -c '$(SERVE_ADDRESS)' '$(ADDRESS)')" && echo "listening on $$address:$(PORT)" && \
	exec $(PY) -m streamlit run app.py --server.address "$$address" --server.port $(PORT) --server.headless true

classroom:
	$(MAKE) run ADDRESS=0.0.0.0

test: setup-test
	$(PY) -m pytest -q

# Re-create the shipped lecture models (see README for the time each takes on 2 cores).
SHIPPED_PRESETS := $(shell grep -v '^#' saved_models/SHIPPED)  # one list: the shipped models are their presets' names
models: setup
	for preset in $(SHIPPED_PRESETS); do $(PY) -m core.train --preset $$preset --name $$preset --force || exit 1; done
	$(PY) -m bench.recognition --update-cards

bench: setup
	$(PY) -m bench.training_speed
	$(PY) -m bench.worker_speed
	$(PY) -m bench.first_point
	$(PY) -m bench.inference_speed
	$(PY) -m bench.augment_speed
