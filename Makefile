# The two commands that matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench install cluster

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The Welsh interface strings: compiled in pure Python (no gettext needed).
MESSAGES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
$(MESSAGES): %.mo: %.po $(STAMP)
	$(PY) -m config.compile_messages

install: $(STAMP) $(MESSAGES) ## Create .venv, install the pinned requirements, compile translations

run: $(STAMP) $(MESSAGES) ## Migrate, load the demo school once, start web + worker + cron (+ embedded Redis)
	$(PY) -m config.devstack

E2E ?= 1
# The suite runs in one process per CPU (pytest-xdist; TEST_PROCESSES=1: one). Each takes the tests
# in pytest-django's order (transactional tests, which end by emptying the database,
# after the others); tests marked with one xdist_group run together in one process.
TEST_PROCESSES ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_PROCESSES) --dist loadgroup --durations=15

test: $(STAMP) $(MESSAGES) ## Run the whole test suite, browser journeys included (E2E=0: all but those)
	tests/ensure-nginx
ifeq ($(E2E),0)
	@echo "make test E2E=0: the browser journeys (tests/e2e) are NOT run."
	$(PYTEST) -m "not e2e"
	@echo "make test E2E=0: the browser journeys (tests/e2e) were NOT run."
else
	tests/e2e/ensure-browser
	$(PYTEST)
endif

lint: $(STAMP) ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP) ## ruff format and autofix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

cluster: $(STAMP) ## Start a small cluster here (2 web, nginx, 3 workers, 2 cron, S3, CDN), pull plugs, print figures
	tests/ensure-nginx
	$(PY) bench/cluster.py

BENCH ?= *
bench: $(STAMP) ## Run the benchmarks under bench/ (one: make bench BENCH=snow_day)
	@for script in bench/$(BENCH).py; do echo "== $$script"; $(PY) $$script || exit 1; done
