# 基层党建工作平台 — see README.md
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432
PORT ?= 8000

.PHONY: setup run serve test test-sqlite test-postgres lint-imports bench bench-scale demo clean

setup: $(BIN)/.installed dangjian/static/vendor/.installed

$(BIN)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt -c constraints.txt
	touch $@

dangjian/static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	scripts/vendor_assets.sh
	touch $@

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python scripts/supervise.py "$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)" \
		"$(BIN)/python manage.py run_worker"

# Production-like: gunicorn (several workers) + one task worker, static files by whitenoise,
# JSON logs. Put nginx in front (README); more task workers: run `manage.py run_worker` again.
serve: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	DANGJIAN_LOG_FORMAT=json DANGJIAN_BIND=127.0.0.1:$(PORT) $(BIN)/python scripts/supervise.py \
		"$(BIN)/gunicorn -c scripts/gunicorn.conf.py" \
		"$(BIN)/python manage.py run_worker"

test: setup
	$(BIN)/python scripts/run_tests.py

test-sqlite: setup
	$(BIN)/python -m pytest -q

lint-imports: setup
	$(BIN)/lint-imports --no-cache

bench: setup
	$(BIN)/python scripts/bench.py $(BENCH)

# A city of 1,000,000 members on PostgreSQL: party_stats against a hand-written SQL floor (issue 15).
bench-scale: setup
	$(BIN)/python scripts/bench.py scale

clean:
	rm -rf $(VENV) node_modules dangjian/static/vendor
