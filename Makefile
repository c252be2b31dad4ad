# Verbund: two set-up commands, `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Local development defaults; production sets these in the environment instead.
export DEBUG ?= 1
export PYTHONUNBUFFERED := 1
export SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test lint lock bench messages clean system-packages

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 wird benötigt / Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed from the lock file (exact versions with hashes), then the project itself.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements-dev.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

# After changing the dependencies in pyproject.toml: pin them again, with hashes.
LOCK_FLAGS := --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --quiet
lock: $(VENV)/.installed
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) -o requirements-dev.txt

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@mkdir -p var/mail
	@echo ""
	@echo "  Verbund läuft auf http://127.0.0.1:$(PORT)/  (Admin: /admin/, buero@verbund.example / Verbund-Demo-2026)"
	@echo "  E-Mails landen in $(CURDIR)/var/mail/ und auf der Konsole. Beenden mit Strg-C."
	@echo ""
	PORT=$(PORT) $(BIN)/honcho start -f Procfile.dev

# Browser tests need Chromium, translations need gettext; as root on Debian we install them.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing$$missing with apt"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing (browser tests skip unless REQUIRE_SERVICES=1)"; \
	  fi; \
	fi

test: $(VENV)/.installed system-packages
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0
	@if command -v npm >/dev/null 2>&1; then \
	  [ -d tests/ical/node_modules ] || npm ci --prefix tests/ical --no-audit --no-fund; \
	  [ -d tests/a11y/node_modules ] || npm ci --prefix tests/a11y --no-audit --no-fund; \
	fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

# Benchmarks (tests/bench/): the catalogue at 2,000 and 20,000 dates in a scratch database
# (PostgreSQL with DATABASE_URL; wrk as the load generator), the calendar feed on the demo
# network, the notification worker with Redis. See docs/performance.md.
bench: $(VENV)/.installed
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || true
	# gunicorn serves with production settings, which read the hashed static files.
	DEBUG=0 SECRET_KEY=collectstatic-only $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py migrate --no-input --verbosity 0
	$(BIN)/python manage.py seed_demo >/dev/null
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l de -l en --ignore=.venv --ignore=var --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var/ $(VENV)
