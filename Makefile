# Two commands: `make run` serves the demo, `make test` runs every check CI runs.
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app sikomo
PG_TEST_URL = $(shell scripts/pg-test-url.sh)

.PHONY: run serve test install lint dbcheck pytest pytest-pg clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

instance/config.py:
	mkdir -p instance
	python3 -c 'import secrets; print(f"SECRET_KEY = {secrets.token_hex(32)!r}")' > $@

run: install instance/config.py
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) refresh-scores
	@echo "SIKOMO berjalan di http://127.0.0.1:5000 (Ctrl+C untuk berhenti); akun demo di atas."
	$(FLASK) run --host 127.0.0.1 --port 5000

# Production: gunicorn, migrations applied, no demo data; SECRET_KEY must be configured
# (instance/config.py or FLASK_SECRET_KEY). See docs/deploy.md.
WORKERS ?= 4
BIND ?= 127.0.0.1:8000
serve: install
	@if [ -z "$$FLASK_SECRET_KEY" ] && ! grep -qs '^SECRET_KEY' instance/config.py; then \
	  echo "SECRET_KEY belum diatur: lihat docs/deploy.md (FLASK_SECRET_KEY atau instance/config.py)."; exit 1; fi
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(BIND) --access-logfile - \
	  --forwarded-allow-ips 127.0.0.1 'sikomo:create_app()'

test: install lint dbcheck pytest pytest-pg

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Models and migrations must agree: upgrade a fresh SQLite database, then ask for new operations.
dbcheck:
	rm -f /tmp/sikomo-dbcheck-$$PPID.db
	DATABASE_URL=sqlite:////tmp/sikomo-dbcheck-$$PPID.db FLASK_SECRET_KEY=check $(FLASK) db upgrade
	DATABASE_URL=sqlite:////tmp/sikomo-dbcheck-$$PPID.db FLASK_SECRET_KEY=check $(FLASK) db check
	rm -f /tmp/sikomo-dbcheck-$$PPID.db

pytest:
	@echo "== pytest on SQLite =="
	env -u DATABASE_URL -u SIKOMO_TEST_DATABASE_URL $(VENV)/bin/pytest -q

pytest-pg:
	@url="$(PG_TEST_URL)"; \
	if [ -z "$$url" ]; then \
	  echo "== PostgreSQL not available: skipping the PostgreSQL test run =="; \
	else \
	  echo "== pytest on PostgreSQL ($$url) =="; \
	  env -u DATABASE_URL SIKOMO_TEST_DATABASE_URL="$$url" $(VENV)/bin/pytest -q; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
