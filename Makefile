# The habits: make run, make test, make lint, make bench; make serve in production.
# The distribution's CPython where it is 3.11 or newer and can make a venv: Debian builds it with
# profile-guided and link-time optimisation into the executable (no shared libpython): the pages
# ran 14 % fewer instructions and used 16-20 % less CPU on it than on pyenv's build of 3.11
# (bench/README.md, "The interpreter").
# Any other Python 3.11+ works: `make install PYTHON=python3.12`.
SYSTEM_PYTHON := /usr/bin/python3
PYTHON ?= $(shell $(SYSTEM_PYTHON) -c 'import ensurepip, sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $(SYSTEM_PYTHON) || echo python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
export TEST_DB TEST_WORKERS

.PHONY: install lock run serve test test-sqlite test-postgres lint audit format bench messages clean mutate mutate-prepare mutate-sample

# requirements/dev.txt = production packages + the tools (tests, lint, types), locked with hashes.
$(VENV)/.installed: requirements/dev.txt requirements/prod.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $@

# Re-lock after changing pyproject.toml's pins.
lock: install
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -q -o requirements/prod.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements/dev.txt

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 || true
	$(BIN)/python manage.py load_demo --if-empty
	@# The worker makes reports and workbooks in the background; it stops with the server.
	$(BIN)/python manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver --insecure $(HOST)

# Production: gunicorn and the worker as two processes (see Procfile and docs/deployment.md).
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn inklusio.wsgi -c deploy/gunicorn.conf.py

test: install
	scripts/test.sh $(PYTEST_ARGS)

test-sqlite: install
	TEST_DB=sqlite scripts/test.sh $(PYTEST_ARGS)

test-postgres: install
	TEST_DB=postgres scripts/test.sh $(PYTEST_ARGS)

# Mutation testing ([tool.mutmut] in pyproject.toml, docs/testing.md). MUTANTS narrows the run
# to mutant names, e.g. make mutate MUTANTS='inklusio.plans.services.*'; empty runs them all.
MUTANTS ?=
MUTMUT_TEMPLATE_DB := $(CURDIR)/var/mutmut-template.sqlite3
mutate: mutate-prepare
	env -u DATABASE_URL MUTMUT_TEMPLATE_DB=$(MUTMUT_TEMPLATE_DB) \
		$(BIN)/mutmut run --max-children $${MUTMUT_CHILDREN:-2} $(MUTANTS)
	$(BIN)/mutmut results

mutate-prepare:
	mkdir -p var
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	rm -f $(MUTMUT_TEMPLATE_DB)
	DATABASE_URL=sqlite:///$(MUTMUT_TEMPLATE_DB) $(BIN)/python manage.py migrate --noinput -v 0

# A seeded random sample, stratified per module, of the mutants not yet measured
# (scripts/mutate_sample.py): make mutate-sample MUTANTS_SAMPLE=300 SEED=1 MUTANT_CAP=300.
# MUTANTS_SAMPLE=0 runs nothing new and reports the sample so far; RETRY='name …' runs drawn
# mutants again; PENDING=1 runs drawn mutants still without a result (a run stopped early).
MUTANTS_SAMPLE ?= 200
SEED ?= 1
MUTANT_CAP ?= 300
RETRY ?=
mutate-sample: mutate-prepare
	env -u DATABASE_URL MUTMUT_TEMPLATE_DB=$(MUTMUT_TEMPLATE_DB) \
		$(BIN)/python scripts/mutate_sample.py --sample $(MUTANTS_SAMPLE) --seed $(SEED) \
		--cap $(MUTANT_CAP) --children $${MUTMUT_CHILDREN:-1} $(if $(RETRY),--retry $(RETRY)) \
		$(if $(PENDING),--run-pending)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Known vulnerabilities in the locked production packages (pip-audit; says so loudly when no
# service could be asked, and fails then too with INKLUSIO_AUDIT_STRICT=1) and bandit's checks
# of the code ([tool.bandit] in pyproject.toml documents each skipped check).
audit: install
	$(BIN)/python scripts/audit_dependencies.py requirements/prod.txt
	$(BIN)/bandit -c pyproject.toml -r inklusio -q && echo "bandit: no issues identified in inklusio/"

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# PostgreSQL roles (docs/operations.md): run as a superuser (DATABASE_URL) after every migrate.
DB_OWNER ?= inklusio_owner
DB_APP ?= inklusio_app
.PHONY: db-roles
db-roles: install
	$(BIN)/python manage.py audit_db_roles --owner $(DB_OWNER) --app $(DB_APP)

bench: install
	$(BIN)/python bench/planner.py
	$(BIN)/python bench/national_statistics.py  # needs PostgreSQL (see --database)

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules var
