"""MLflow 3's side of the registry search benchmark: fill an MLflow SQLite registry, then time its searches.

`bench/registry_search.py` runs this script in its own virtualenv (bench/.venv-mlflow), because
MLflow is no dependency of ModelCloud. It imports nothing from ModelCloud. The models, tags,
aliases and version timestamps come from the dataset file that the parent wrote, and the queries
from its query file. The script prints one JSON object on stdout: the versions of MLflow, SQLAlchemy
and SQLite, how long filling took, and p50, p95, minimum and maximum of each query in milliseconds.

The first `--api-models` models go through `SqlAlchemyStore.create_registered_model`,
`create_model_version` and `set_registered_model_alias`, and their timestamps are then set to the
dataset's. The rest go in as rows of the same ORM classes, many to a transaction, because the
store's methods commit once a call: at a few hundred versions a second, 100,000 versions would take
minutes.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import mlflow
import sqlalchemy
from mlflow.entities.model_registry import RegisteredModelTag
from mlflow.store.model_registry.dbmodels.models import (
    SqlModelVersion,
    SqlRegisteredModel,
    SqlRegisteredModelAlias,
    SqlRegisteredModelTag,
)
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore

MAX_RESULTS_PER_PAGE_TOKEN_STEP = 1_000  # search_registered_models accepts at most 1,000 results a call


def version_source(name: str, number: int) -> str:
    return f"file:///bench-artifacts/{name}/{number}/model.keras"


# filling the registry


def create_through_api(store: SqlAlchemyStore, models: list[dict[str, Any]]) -> tuple[int, float]:
    """Create `models` with the store's public methods, and return the versions created and the seconds it took."""
    versions = 0
    started = time.perf_counter()
    for model in models:
        tags = [RegisteredModelTag(key, value) for key, value in model["tags"].items()]
        store.create_registered_model(model["name"], tags=tags, description="")
        for number in range(1, len(model["version_times_ms"]) + 1):
            store.create_model_version(model["name"], version_source(model["name"], number))
            versions += 1
        for alias, number in model["aliases"].items():
            store.set_registered_model_alias(model["name"], alias, number)
    return versions, time.perf_counter() - started


def set_dataset_times(store: SqlAlchemyStore, models: list[dict[str, Any]]) -> None:
    """Give models created through the API the creation and update times of the dataset."""
    with store.ManagedSessionMaker(read_only=False) as session:
        for model in models:
            times = model["version_times_ms"]
            session.execute(
                sqlalchemy.update(SqlRegisteredModel)
                .where(SqlRegisteredModel.name == model["name"])
                .values(creation_time=model["created_ms"], last_updated_time=model["updated_ms"])
            )
            for number, moment in enumerate(times, 1):
                session.execute(
                    sqlalchemy.update(SqlModelVersion)
                    .where(SqlModelVersion.name == model["name"], SqlModelVersion.version == number)
                    .values(creation_time=moment, last_updated_time=moment)
                )


def insert_rows(store: SqlAlchemyStore, models: list[dict[str, Any]], per_transaction: int) -> None:
    """Insert models, tags, versions and aliases as rows of MLflow's ORM tables, `per_transaction` models a commit."""
    for start in range(0, len(models), per_transaction):
        batch = models[start : start + per_transaction]
        registered, tags, versions, aliases = [], [], [], []
        for model in batch:
            name = model["name"]
            registered.append(
                {"name": name, "creation_time": model["created_ms"], "last_updated_time": model["updated_ms"], "description": ""}
            )
            tags += [{"name": name, "key": key, "value": value} for key, value in model["tags"].items()]
            versions += [
                {
                    "name": name, "version": number, "creation_time": moment, "last_updated_time": moment,
                    "source": version_source(name, number), "storage_location": version_source(name, number),
                    "current_stage": "None", "status": "READY",
                }
                for number, moment in enumerate(model["version_times_ms"], 1)
            ]
            aliases += [{"name": name, "alias": alias, "version": number} for alias, number in model["aliases"].items()]
        with store.ManagedSessionMaker(read_only=False) as session:
            for table, rows in (
                (SqlRegisteredModel, registered), (SqlRegisteredModelTag, tags), (SqlModelVersion, versions),
                (SqlRegisteredModelAlias, aliases),
            ):
                if rows:
                    session.execute(sqlalchemy.insert(table), rows)


# the queries


def page_token_at(store: SqlAlchemyStore, query: dict[str, Any]) -> str | None:
    """Return the page token that search_registered_models hands out after `query["offset"]` results."""
    remaining, token = query["offset"], None
    while remaining > 0:
        step = min(remaining, MAX_RESULTS_PER_PAGE_TOKEN_STEP)
        page = store.search_registered_models(query["filter"], max_results=step, order_by=query["order_by"], page_token=token)
        if page.token is None:
            raise RuntimeError(f"Query {query['key']} has fewer than {query['offset']} results, so it has no page there.")
        token, remaining = page.token, remaining - step
    return token


def run_query(store: SqlAlchemyStore, query: dict[str, Any], token: str | None) -> list[str]:
    """Run one query and return the names (models) or version numbers (versions) it found, in order."""
    if query["kind"] == "versions":
        found = store.search_model_versions(query["filter"], max_results=query["page"], order_by=query["order_by"])
        return [str(version.version) for version in found]
    found = store.search_registered_models(query["filter"], max_results=query["page"], order_by=query["order_by"], page_token=token)
    return [model.name for model in found]


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above `fraction` of them."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def time_queries(store: SqlAlchemyStore, queries: list[dict[str, Any]], iterations: int, warmup: int) -> dict[str, Any]:
    """Run every query `warmup` times untimed, then `iterations` times timed, the queries taking turns."""
    tokens = {query["key"]: page_token_at(store, query) if query.get("offset") else None for query in queries}
    found = {query["key"]: run_query(store, query, tokens[query["key"]]) for query in queries}
    for _ in range(warmup):
        for query in queries:
            run_query(store, query, tokens[query["key"]])

    samples: dict[str, list[float]] = {query["key"]: [] for query in queries}
    for _ in range(iterations):
        for query in queries:
            started = time.perf_counter()
            run_query(store, query, tokens[query["key"]])
            samples[query["key"]].append((time.perf_counter() - started) * 1000)

    return {
        key: {
            "p50_ms": percentile(values, 0.50), "p95_ms": percentile(values, 0.95),
            "min_ms": min(values), "max_ms": max(values), "found": found[key],
        }
        for key, values in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Fill an MLflow SQLite model registry, time its searches and print the results as JSON.")
    parser.add_argument("--database", type=Path, required=True, help="SQLite file to create, which must not exist yet.")
    parser.add_argument("--dataset", type=Path, required=True, help="JSON list of models that registry_search.py wrote.")
    parser.add_argument("--queries", type=Path, required=True, help="JSON list of queries that registry_search.py wrote.")
    parser.add_argument("--iterations", type=int, required=True, help="Timed runs of each query.")
    parser.add_argument("--warmup", type=int, required=True, help="Untimed runs of each query before the timed ones.")
    parser.add_argument("--api-models", type=int, required=True, help="Models created through the store's methods.")
    parser.add_argument("--models-per-transaction", type=int, required=True, help="Models inserted as rows per commit.")
    arguments = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)

    if arguments.database.exists():
        raise SystemExit(f"{arguments.database} already exists. Pass the path of a new file.")
    models = json.loads(arguments.dataset.read_text())
    queries = json.loads(arguments.queries.read_text())

    started = time.perf_counter()
    store = SqlAlchemyStore(f"sqlite:///{arguments.database}")
    through_api = models[: arguments.api_models]
    api_versions, api_seconds = create_through_api(store, through_api)
    set_dataset_times(store, through_api)
    insert_rows(store, models[arguments.api_models :], arguments.models_per_transaction)
    fill_seconds = time.perf_counter() - started

    results = time_queries(store, queries, arguments.iterations, arguments.warmup)
    print(
        json.dumps(
            {
                "mlflow": mlflow.__version__,
                "sqlalchemy": sqlalchemy.__version__,
                "sqlite": sqlite3.sqlite_version,
                "fill_seconds": fill_seconds,
                "api_models": len(through_api),
                "api_versions": api_versions,
                "api_seconds": api_seconds,
                "queries": results,
            }
        )
    )


if __name__ == "__main__":
    main()
