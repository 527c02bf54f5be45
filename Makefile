# ModelCloud: `make up` runs the platform on the embedded default, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml sdk/pyproject.toml | sha256sum | cut -c1-16)
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_USER ?= postgres

.PHONY: up test install schema bench clean

$(STAMP): pyproject.toml sdk/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[demo,test]'
	$(BIN)/pip install --quiet -e ./sdk
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

up: install
	$(BIN)/modelcloud serve --demo

test: install
	PG_HOST=$(PG_HOST) PG_PORT=$(PG_PORT) PG_USER=$(PG_USER) scripts/run-tests.sh -q

schema: install
	$(BIN)/modelcloud schema > backend/graphql/schema.graphql

bench: install
	scripts/start-postgres.sh $(PG_HOST) $(PG_PORT) $(PG_USER)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .modelcloud .pytest_cache
