# Every target runs from a fresh clone: uv comes from PyPI when missing, .venv from the lock.
PYTHON_VERSION := 3.13
VENV := .venv
PY := $(VENV)/bin/python
# uv from PATH, else the one pip installs into the interpreter .python-version selects.
UV := $(shell command -v uv >/dev/null 2>&1 && echo uv || echo python3 -m uv)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lock run test lint format messages check clean

$(VENV)/.installed: requirements.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) venv --quiet --allow-existing --python $(PYTHON_VERSION) $(VENV)
	$(UV) pip sync --quiet --require-hashes --python $(PY) requirements.lock
	@touch $@

install: $(VENV)/.installed

# The OpenID Connect provider the sign-in tests start (tests/oidc/), from its lock file.
OIDC_PROVIDER := tests/oidc/node_modules/.installed
$(OIDC_PROVIDER): tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --silent
	@touch $@

lock:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --python-version $(PYTHON_VERSION) --no-header --quiet -o requirements.lock

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py publish_demo_promises
	$(PY) manage.py refresh_statuses
	@echo ""
	@echo "Samverkan körs på http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "Logga in som t.ex. samordnare.strangnas, kommunpolis.strangnas eller admin"
	@echo "med lösenordet samverkan-demo (alla demoanvändare står i README.md)."
	@echo ""
	@# The background worker (PDFs of long plans, frozen versions) runs beside the web
	@# server and stops with it; run_worker survives a database outage and picks up what a
	@# killed worker left.
	@$(PY) manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install $(OIDC_PROVIDER)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: install
	$(PY) manage.py makemessages --locale sv --no-obsolete --no-location --ignore ".venv/*" --ignore "tests/*"
	$(PY) manage.py compilemessages --locale sv --ignore ".venv"

check: lint test

clean:
	rm -rf $(VENV) var
