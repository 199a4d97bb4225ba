# Meet and Code Grants: the two commands of the README, and a few helpers.
#   make run    the whole app with demo data at http://127.0.0.1:8000
#   make test   the whole test suite on PostgreSQL and Redis

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

# Local services: the ones on this machine, or `docker compose up -d db redis` on a laptop.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/meetandcode
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
RUN_REDIS_URL ?= redis://127.0.0.1:6379/0

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/meetandcode_bench
# The load test (bench/load.py): proposals per database (one database each, named after
# BENCH_DATABASE_URL plus the size, built once), its Redis, seconds per wrk run.
# `make bench SIZES=10000` runs the smaller one only.
SIZES ?= 10000 100000
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/2
LOAD_SECONDS ?= 15

# Translations: the .po files are in git, the compiled .mo files are made by the install step.
LANGUAGES := en de fr nl it pl ro es uk
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=docs \
  --ignore=static/vendor --ignore=node_modules --ignore=locale

# `make test` leaves the slow fault tests to `make faults` (CI runs both).
SUITE := -n 2 -m "not faults"
FAULTS_SUITE := -n 0 tests/faults tests/grants/test_budget_concurrency.py

.PHONY: help install messages run test faults lint migrations-check check-deploy clean bench openapi

help:
	@echo "make run    start the app with demo data at http://127.0.0.1:$(PORT)"
	@echo "make test   run the test suite (PostgreSQL and Redis)"
	@echo "make faults the fault tests: Redis, workers, PostgreSQL, SMTP failing (docs/faults.md)"
	@echo "make lint   ruff check and format check, the layers contract (import-linter)"
	@echo "make bench  page times on the demo data, and the load test (PostgreSQL, nginx, wrk)"

$(STAMP): requirements.txt requirements-dev.txt
	@if [ ! -x $(PY) ]; then
	  python=$$(.ci/find-python)
	  echo "Creating $(VENV) with $$python"
	  "$$python" -m venv $(VENV)
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) $(MO_FILES)

locale/%.mo: locale/%.po $(STAMP)
	@$(PY) .ci/compile-translations $<

# After marking or changing strings: update every catalogue (English is its own source text).
messages: $(STAMP)
	@TESTING=1 $(PY) manage.py makemessages $(addprefix -l ,$(LANGUAGES)) --no-obsolete $(MESSAGES_IGNORE) -v 0
	$(PY) .ci/tidy-catalogues locale

# Redis answers? Then a real Celery worker and beat run beside the server; otherwise tasks run
# in-process and the log says so. The database is SQLite in var/ unless DATABASE_URL is set.
run: install
	@export DEBUG=1
	if $(PY) -c "import redis,sys; redis.Redis.from_url('$(RUN_REDIS_URL)', socket_timeout=1).ping()" 2>/dev/null; then
	  export REDIS_URL=$(RUN_REDIS_URL)
	  echo "Redis answers at $$REDIS_URL: starting a Celery worker and beat."
	else
	  unset REDIS_URL
	  echo "No Redis answers at $(RUN_REDIS_URL): tasks run in-process (no worker, no beat)."
	fi
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo
	pids=()
	trap 'kill $${pids[@]} 2>/dev/null || true' EXIT INT TERM
	if [ -n "$${REDIS_URL:-}" ]; then
	  mkdir -p var
	  $(VENV)/bin/celery -A meetandcode worker -l warning --concurrency 2 & pids+=($$!)
	  $(VENV)/bin/celery -A meetandcode beat -l warning -s var/celerybeat-schedule & pids+=($$!)
	fi
	echo "Serving at http://127.0.0.1:$(PORT)/  (Ctrl+C stops everything)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# With CI=true or REQUIRE_SERVICES=1 a missing PostgreSQL or Redis fails the run; otherwise the
# suite falls back to SQLite and skips (loudly) the tests that need the real services.
test: install
	@export TESTING=1
	export DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)}
	export REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)}
	if ! $(PY) .ci/services.py; then
	  if [ "$${CI:-}" = "true" ] || [ "$${REQUIRE_SERVICES:-}" = "1" ]; then
	    echo "PostgreSQL and Redis are required here (CI or REQUIRE_SERVICES=1)."; exit 1
	  fi
	  echo "WARNING: services missing; start them with: docker compose up -d db redis"
	  echo "WARNING: falling back to SQLite; tests that need PostgreSQL or Redis are skipped."
	  unset DATABASE_URL REDIS_URL
	fi
	$(VENV)/bin/pytest $(SUITE) $(PYTEST_ARGS)

# The fault tests (docs/faults.md): Redis down or frozen, workers killed, PostgreSQL restarted,
# SMTP refusing, forms sent twice, budgets approved at once. Real processes of their own, one
# test at a time (their timings are part of what they check); under 3 minutes.
faults:
	@$(MAKE) --no-print-directory test SUITE="$(FAULTS_SUITE)"

# Page times on the demo data (PostgreSQL database of its own; built once, then reused).
bench: $(STAMP)
	@export TESTING=1 DATABASE_URL=$${BENCH_DATABASE_URL:-$(BENCH_DATABASE_URL)} BENCH_STARTED=$$(date +%s)
	$(PY) -c "import sys; from urllib.parse import urlsplit; import psycopg; \
	  u = urlsplit(sys.argv[1]); c = psycopg.connect(u._replace(path='/postgres').geturl(), autocommit=True); \
	  n = u.path.lstrip('/'); \
	  c.execute('SELECT 1 FROM pg_database WHERE datname=%s', [n]).fetchone() or c.execute(f'CREATE DATABASE \"{n}\"')" "$$DATABASE_URL"
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo
	failed=()  # a script over its budget does not stop the others; the target fails at the end
	for script in bench/[a-z]*.py; do
	  case $$script in bench/timing.py|bench/databases.py|bench/load.py|bench/proxy.py|bench/public_cpu.py|bench/public_mix.py|bench/bare_*.py|bench/profile.py) continue;; esac
	  echo "== $$script"; $(PY) -m bench.$$(basename $$script .py) || failed+=($$script)
	done
	echo "== bench/load.py (nginx, gunicorn and wrk; writes bench/results.md)"
	REDIS_URL=$${BENCH_REDIS_URL:-$(BENCH_REDIS_URL)} LOAD_SECONDS=$(LOAD_SECONDS) \
	  $(PY) -m bench.load $(SIZES) || failed+=(bench/load.py)
	if [ $${#failed[@]} -gt 0 ]; then echo "Over budget or failed: $${failed[*]}"; exit 1; fi

# The API's published OpenAPI schema (tests/api/test_schema.py fails while it differs from the code).
openapi: $(STAMP)
	@TESTING=1 $(PY) manage.py export_openapi_schema --api meetandcode.api.urls.api \
	  --indent 2 --sorted --output docs/openapi.json

lint: $(STAMP)
	@$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# The layers of docs/architecture.md and no module cycles ([tool.importlinter]).
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

migrations-check: $(STAMP)
	@TESTING=1 $(PY) manage.py makemigrations --check --dry-run

clean:
	@rm -rf $(VENV) var/db.sqlite3 var/staticfiles .pytest_cache
