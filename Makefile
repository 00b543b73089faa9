# make run    start Majority at http://127.0.0.1:8000 with its Postgres, Redis, worker and beat
# make test   ruff, the missing-migrations check, import-linter, mypy, djLint, then pytest
#             (pytest options: make test ARGS="-k team")
# make bench  every benchmark at its default size, one after another, into one table:
#             bench/RESULTS.md (make bench ARGS="--quick", or ARGS="chart dashboard")
# make backup an encrypted backup of the database `make run` uses, into BACKUP_DIR
#             (.data/backups by default; make backup ARGS="--output FILE")
# make restore FILE=.data/backups/majority-….age   restores one into it (ARGS="--replace")
#
# Needs only Python 3.11+ (and Chromium for make test's browser tests; README, "Run it on your
# machine"): Postgres and Redis are used from this machine if they are running, and otherwise
# started from the packages installed into .venv (see devstack/).

VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: run test bench backup restore install clean

run: $(STAMP)
	$(PYTHON) -m devstack run

test: $(STAMP)
	$(PYTHON) -m devstack test $(ARGS)

bench: $(STAMP)
	$(PYTHON) -m devstack bench $(ARGS)

backup: $(STAMP)
	$(PYTHON) -m devstack backup $(ARGS)

restore: $(STAMP)
	@if [ -z "$(FILE)" ]; then echo "Which backup? make restore FILE=.data/backups/majority-….age" >&2; exit 2; fi
	$(PYTHON) -m devstack restore "$(FILE)" $(ARGS)

install: $(STAMP)

# Re-installs only when pyproject.toml is newer than the stamp (or .venv is missing).
$(STAMP): pyproject.toml
	@if [ ! -x $(PYTHON) ]; then \
	  for candidate in python3.13 python3.12 python3.11 python3; do \
	    if $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	      found=$$candidate; break; \
	    fi; \
	  done; \
	  if [ -z "$$found" ]; then \
	    echo "Majority needs Python 3.11 or newer (python3.11, python3.12, python3.13 or python3): install one and run make again." >&2; \
	    exit 1; \
	  fi; \
	  echo "Creating $(VENV) with $$(command -v $$found)"; \
	  $$found -m venv $(VENV) || { rm -rf $(VENV); \
	    echo "Could not create $(VENV) (on Debian/Ubuntu: apt install python3-venv)." >&2; exit 1; }; \
	fi
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Removes the virtualenv and caches. Keeps .data (the local database): rm -rf .data resets it.
clean:
	rm -rf $(VENV) *.egg-info .ruff_cache .pytest_cache .data/staticfiles
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
