"""Run every benchmark and rewrite bench/README.md with the results and the machine they ran on.

`make bench` runs this module, which creates fresh PostgreSQL databases and drops them afterwards.
`--only registry`, `--only datasets`, `--only training`, `--only tracking`, `--only serving`, `--only rebuild`,
`--only startup` or `--only encryption` runs that benchmark alone and replaces only its rows and section.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sqlite3
import textwrap
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psycopg

from backend.projections.series import KEPT_PER_BUCKET
from backend.runtime import SQLITE_POLL_SECONDS
from bench import (
    api_startup,
    command_throughput,
    dataset_ingest,
    encryption_cost,
    projection_rebuild,
    registry_search,
    serving,
    subscriber_latency,
    tracking_ingest,
    training,
)
from bench.api_startup import ApiStartupResult, ServerRuns
from bench.command_throughput import CommandRun, ThroughputReport
from bench.dataset_ingest import DatasetIngestResult, ProcessRun, ServerPhase
from bench.encryption_cost import EncryptionCostResult
from bench.projection_rebuild import DatabaseRebuild, ProjectionRebuildResult
from bench.registry_search import Latency, RegistrySearchResult
from bench.serving import ServingResult, Variant
from bench.subscriber_latency import LatencyResult
from bench.tracking_ingest import TargetRuns, TrackingIngestResult
from bench.training import SeriesResult, Spread, TrainingResult, WorkerRuns
from workers.datasets.profile import HISTOGRAM_BINS, QUANTILE_LEVELS
from workers.training.loop import PROBE_ROWS

README = Path(__file__).with_name("README.md")
PROSE_WIDTH = 100
TABLE_HEADER = "| Measurement | Result | Baseline | Ratio |"
DETAIL_HEADING = "## Figures without a peer"
DETAIL_HEADER = "| Measurement | Result |"
REGISTRY_ROW_PREFIX = "| Registry search: "
REGISTRY_HEADING = "## Registry search (`bench/registry_search.py`)"
DATASET_ROW_PREFIX = "| Dataset ingest: "
DATASET_HEADING = "## Dataset ingest (`bench/dataset_ingest.py`)"
TRAINING_ROW_PREFIX = "| Training: "
TRAINING_HEADING = "## Training (`bench/training.py`)"
TRACKING_ROW_PREFIX = "| Tracking ingest: "
TRACKING_HEADING = "## Tracking ingest (`bench/tracking_ingest.py`)"
SERVING_ROW_PREFIX = "| Serving: "
SERVING_HEADING = "## Serving (`bench/serving.py`)"
REBUILD_ROW_PREFIX = "| Projection rebuild: "
REBUILD_HEADING = "## Projection rebuild (`bench/projection_rebuild.py`)"
STARTUP_ROW_PREFIX = "| API startup: "
STARTUP_HEADING = "## API startup (`bench/api_startup.py`)"
REPRODUCE_HEADING = "## Reproduce"
# The text of each logged non-finite value when it comes back unchanged, by its label.
NON_FINITE_AS_LOGGED = {"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    memory_gib: float
    python: str
    sqlite: str
    postgres: str
    load_average: float


def describe_machine(postgres_url: str | None) -> Machine:
    return Machine(
        cpu=cpu_model(),
        cores=os.cpu_count() or 0,
        memory_gib=memory_gib(),
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        postgres=postgres_version(postgres_url) if postgres_url else "not measured (--skip-postgres)",
        load_average=os.getloadavg()[0],
    )


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown"
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else platform.processor() or "unknown"


def memory_gib() -> float:
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return float("nan")
    total_kib = next((int(line.split()[1]) for line in lines if line.startswith("MemTotal:")), 0)
    return total_kib / 1024**2


def postgres_version(url: str) -> str:
    with psycopg.connect(url) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


# the README


def throughput_rows(report: ThroughputReport) -> list[str]:
    rows = []
    for run in report.runs:
        raw = report.baseline_for(run)
        projections = "projections on" if run.projections else "projections off"
        events = f" ({run.events_per_second:,.0f} events/s)" if run.events != run.commands else ""
        rows.append(
            f"| {run.database}: {run.workload}, {projections} "
            f"| {run.commands_per_second:,.0f} commands/s{events}{spread(run.rate_range)} "
            f"| {raw.inserts_per_second:,.0f} raw INSERTs/s{spread(raw.rate_range)} "
            f"| {run.commands_per_second / raw.inserts_per_second:.2f} |"
        )
    return rows


def spread(rate_range: tuple[float, float] | None) -> str:
    if rate_range is None:
        return ""
    return f", runs {rate_range[0]:,.0f}–{rate_range[1]:,.0f}"


def latency_rows(result: LatencyResult) -> list[str]:
    subscribers = f"{result.subscriptions} subscriptions"
    return [
        f"| Entry delivery after the mutation is sent, {subscribers}, p50 | {result.delivery_p50_ms:,.0f} ms "
        f"| {result.single_delivery_p50_ms:,.1f} ms with 1 subscription "
        f"| {result.delivery_p50_ms / result.single_delivery_p50_ms:.1f} |",
        f"| Entry delivery after the mutation is sent, {subscribers}, p99 | {result.delivery_p99_ms:,.0f} ms "
        f"| {result.single_delivery_p99_ms:,.1f} ms with 1 subscription "
        f"| {result.delivery_p99_ms / result.single_delivery_p99_ms:.1f} |",
        f"| createTeam round trip, {subscribers}, p50 | {result.mutation_p50_ms:,.0f} ms "
        f"| {result.idle_mutation_p50_ms:,.1f} ms with no subscriptions "
        f"| {result.mutation_p50_ms / result.idle_mutation_p50_ms:.1f} |",
    ]


def registry_rows(result: RegistrySearchResult) -> list[str]:
    rows = []
    for row in result.rows:
        baseline, ratio = "", ""
        if row.mlflow is not None:
            baseline = f"MLflow: {percentiles(row.mlflow)}"
            ratio = f"{row.modelcloud.p50_ms / row.mlflow.p50_ms:.2f}"
        rows.append(f"{REGISTRY_ROW_PREFIX}{row.label} | {percentiles(row.modelcloud)} | {baseline} | {ratio} |")
    return rows


def percentiles(latency: Latency) -> str:
    return (
        f"{milliseconds(latency.p50_ms)} ms p50, {milliseconds(latency.p95_ms)} ms p95, "
        f"range {milliseconds(latency.min_ms)}–{milliseconds(latency.max_ms)}"
    )


def milliseconds(value: float) -> str:
    if value < 10:
        return f"{value:.2f}"
    if value < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def payload_sizes(report: ThroughputReport) -> str:
    first_database = report.baselines[0].database
    sizes = [
        f"{raw.workload} {raw.mean_payload_bytes:,.0f} bytes" for raw in report.baselines if raw.database == first_database
    ]
    return ", ".join(sizes)


def render_readme(
    report: ThroughputReport,
    latency: LatencyResult,
    registry: RegistrySearchResult,
    datasets: DatasetIngestResult,
    trained: TrainingResult,
    tracked: TrackingIngestResult,
    served: ServingResult,
    rebuilt: ProjectionRebuildResult,
    started: ApiStartupResult,
    encrypted: EncryptionCostResult,
    machine: Machine,
    measured_at: datetime,
    seconds: float,
) -> str:
    sections = [
        "# Benchmarks",
        paragraph(
            f"Measured on {measured_at:%Y-%m-%d %H:%M} UTC by `python -m bench.run`, which `make bench` runs "
            f"({seconds:.0f} s). Every ratio divides two figures measured in the same run on the same machine."
        ),
        *results_tables(
            [
                *throughput_rows(report),
                *latency_rows(latency),
                *registry_rows(registry),
                *dataset_rows(datasets),
                *training_rows(trained),
                *tracking_rows(tracked),
                *serving_rows(served),
                *rebuild_rows(rebuilt),
                *startup_rows(started),
                *encryption_cost.readme_rows(encrypted),
            ]
        ),
        "## Machine",
        "\n".join(
            [
                f"- CPU: {machine.cpu}, {machine.cores} cores",
                f"- Memory: {machine.memory_gib:.1f} GiB",
                f"- Python {machine.python}, SQLite {machine.sqlite}, PostgreSQL {machine.postgres}",
                f"- 1-minute load average when the run started: {machine.load_average:.2f}. Other processes were not stopped.",
            ]
        ),
        "## Command throughput (`bench/command_throughput.py`)",
        throughput_method(report),
        "## Subscriber latency (`bench/subscriber_latency.py`)",
        latency_method(latency),
        registry_section(registry, machine, "python -m bench.run"),
        dataset_section(datasets, machine, "python -m bench.run"),
        training_section(trained, machine, "python -m bench.run"),
        tracking_section(tracked, machine, "python -m bench.run"),
        serving_section(served, machine, "python -m bench.run"),
        rebuild_section(rebuilt, machine, "python -m bench.run"),
        startup_section(started, machine, "python -m bench.run"),
        encryption_section(encrypted, machine, "python -m bench.run"),
        reproduce_section(),
    ]
    return "\n\n".join(sections) + "\n"


def results_tables(rows: list[str]) -> list[str]:
    """Return the comparison table, then a section with the figures that have no peer's figure beside them."""
    compared, alone = split_rows(rows)
    return [
        "\n".join([TABLE_HEADER, "|---|---|---|---|", *compared]),
        DETAIL_HEADING,
        paragraph(
            "These figures have nothing to compare with. Some measure what the peers lack: MLflow's registry search "
            "cannot order by creation time or filter by alias. Others break down a figure of the table above, or time "
            "a step of ModelCloud's own."
        ),
        "\n".join([DETAIL_HEADER, "|---|---|", *alone]),
    ]


def split_rows(rows: list[str]) -> tuple[list[str], list[str]]:
    """Separate rows with a baseline from rows without one, which lose their two empty cells."""
    compared, alone = [], []
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) == 4 and not cells[2]:
            alone.append(f"| {cells[0]} | {cells[1]} |")
        else:
            compared.append(row)
    return compared, alone


def reproduce_section() -> str:
    return "\n\n".join(
        [
            REPRODUCE_HEADING,
            "```\nmake bench\n```",
            paragraph(
                "`make bench` starts the local PostgreSQL server and runs `python -m bench.run`, which creates "
                "`modelcloud_bench_<timestamp>` databases on `postgresql://postgres@127.0.0.1:5432`, drops them "
                "afterwards and rewrites this file. Set `MODELCLOUD_BENCH_POSTGRES_URL` to use an existing database instead. "
                "`python -m bench.run --only registry` runs the registry search benchmark alone and replaces only its "
                "rows and section. The first registry run creates `bench/.venv-mlflow`, a folder that git ignores, and "
                f"installs `{registry_search.MLFLOW_REQUIREMENT}` into it from the package index. Later runs reuse it, "
                "so delete the folder to reinstall. `python -m bench.run --only datasets` runs the dataset ingest "
                "benchmark alone in the same way. It needs about three times the CSV's size free in the system's "
                "temporary folder (the CSV, the server's spooled upload and its artifact store) and deletes it all "
                "afterwards. `python -m bench.run --only training` runs the training benchmark alone in the same way. It "
                "needs `unshare` and `ip` and the right to make a network namespace (root, or unprivileged user "
                "namespaces) for its server runs, and skips them where it cannot make one. `python -m bench.run --only "
                "tracking` runs the tracking ingest benchmark alone in the same way. It uses `bench/.venv-mlflow` like "
                "the registry benchmark, and creates its own fresh PostgreSQL database unless `--skip-postgres` is given. "
                "`python -m bench.run --only serving` runs the serving benchmark alone in the same way. Like the training "
                "benchmark's server runs, it needs a private network namespace (`unshare --net`) for its local Ray and the "
                "server that its REST rows call, and is skipped where it cannot make one. "
                "`python -m bench.run --only rebuild` runs the projection rebuild benchmark alone in the same way. It "
                "creates its own fresh PostgreSQL database unless `--skip-postgres` is given. Its SQLite store and read "
                "models go to the system's temporary folder, which needs room for the size its section gives, and are "
                "deleted afterwards. `python -m bench.run --only startup` runs the API "
                "startup benchmark alone in the same way, and uses `bench/.venv-mlflow` like the registry benchmark. "
                "`python -m bench.run --only encryption` runs the encryption at rest benchmark alone in the same way. It "
                "creates and drops a PostgreSQL database for each of its runs unless `--skip-postgres` is given. "
                "`python -m bench.run --help` lists the sizes, which are constants in each module."
            ),
        ]
    )


def throughput_method(report: ThroughputReport) -> str:
    commands = report.runs[0].commands
    return paragraph(
        f"{commands} commands a run, one after another in one process, through `IdentityService` on a fresh "
        "`Runtime`. createTeam appends 3 events in one transaction. addMember and changeMemberRole alternate on "
        "one team, so each loads that team's growing aggregate from the cache and appends 1 event, and the team "
        f"ends with {commands // 2 + 1} members. With projections off only the command path runs. With projections "
        "on they run in a background thread, as in `modelcloud serve`, and the clock stops once they have applied "
        "the last event. The baseline inserts copies of the rows the projections-off run stored (same topic and "
        "state) into a table of the same shape, one row a transaction, with the same driver. The ratio is "
        f"commands/s divided by raw INSERTs/s. {repetitions(report.repeats)} Each repetition runs the baseline "
        "between its projections-off and projections-on runs. Mean stored payload (topic + state): "
        f"{payload_sizes(report)}."
    )


def repetitions(repeats: int) -> str:
    if repeats == 1:
        return "Each figure comes from one run."
    return f"Each figure is the median of {repeats} runs, followed by the lowest and highest run."


def latency_method(latency: LatencyResult) -> str:
    per_connection = latency.subscriptions // latency.connections
    server_cpu_per_delivery = latency.server_cpu_seconds / max(latency.deliveries, 1) * 1e6
    return paragraph(
        f"`modelcloud serve` on SQLite on a loopback port, with {latency.connections} WebSocket connections "
        f"(graphql-transport-ws, no compression) of {per_connection} `events` subscriptions each, signed in as the "
        f"first administrator. {latency.mutations} createTeam mutations, each sent after the previous one's entries "
        f"arrived, cause {latency.entries_per_mutation} audit entries each: {latency.deliveries:,} deliveries, "
        f"{latency.missed} missed. Latency runs from just before the mutation is sent to the receipt of an entry, on "
        f"one monotonic clock. Maximum {latency.delivery_max_ms:,.0f} ms. The baselines come from the same server "
        f"before those connections open: {latency.idle_mutations} createTeam round trips with no subscription, "
        f"then {latency.single_mutations} mutations sent the same way to one connection with a single subscription. "
        "The client shares the machine with the "
        f"server. During the measured mutations the server used {latency.server_cpu_seconds:.1f} s of CPU "
        f"({server_cpu_per_delivery:,.0f} µs for each delivery, mutations and projections included) and the client "
        f"{latency.client_cpu_seconds:.1f} s, in {latency.wall_seconds:.1f} s of wall time."
    )


def registry_section(result: RegistrySearchResult, machine: Machine, command: str) -> str:
    install = ""
    if result.mlflow_install_seconds is not None:
        install = f", of which {result.mlflow_install_seconds:.0f} s installing MLflow"
    return "\n\n".join(
        [
            REGISTRY_HEADING,
            paragraph(
                f"Measured on {result.measured_at:%Y-%m-%d %H:%M} UTC by `{command}` ({result.seconds:.0f} s{install}) "
                f"on {machine.cpu} with {machine.cores} cores, Python {machine.python} and SQLite {machine.sqlite}. "
                f"The 1-minute load average was {machine.load_average:.2f} when the run started. MLflow "
                f"{result.mlflow_version} ran with SQLAlchemy {result.mlflow_sqlalchemy_version} and SQLite "
                f"{result.mlflow_sqlite_version}. In the `Registry search` rows the result is ModelCloud, the baseline "
                "is MLflow on the same data, and the ratio is ModelCloud's p50 divided by MLflow's, so below 1 "
                "means ModelCloud answered faster."
            ),
            registry_data(result),
            registry_method(result),
        ]
    )


def registry_data(result: RegistrySearchResult) -> str:
    api_rate = result.mlflow_api_versions / result.mlflow_api_seconds if result.mlflow_api_seconds else float("nan")
    return paragraph(
        f"Data: {result.models:,} registered models in {result.teams} teams and {result.versions:,} model versions. "
        f"Every tenth model has {registry_search.BUSY_MODEL_WEIGHT} times as many versions as the others, "
        f"{result.versions_of} at most. Each model has three tags (family, team, framework), one of four tasks, and "
        "up to three aliases, "
        f"{result.aliases:,} in all. Both registries hold the same names, tags, aliases, version numbers and "
        "millisecond timestamps. ModelCloud builds its models with the registry's domain classes (RegisteredModel, "
        f"ModelVersion, the model name reservation) and appends {registry_search.MODELS_PER_COMMAND} models to a "
        f"command, {result.events:,} events in {result.modelcloud_fill_seconds:.0f} s, then its projections catch "
        f"up in {result.modelcloud_projection_seconds:.0f} s. No artifact is uploaded, so every version stays "
        f"pending. MLflow creates its first {result.mlflow_api_models} models and their "
        f"{result.mlflow_api_versions} versions through `SqlAlchemyStore.create_registered_model`, "
        f"`create_model_version` and `set_registered_model_alias` ({api_rate:,.0f} versions/s here). It inserts "
        f"the rest as rows of the store's own ORM tables, {registry_search.MLFLOW_MODELS_PER_TRANSACTION:,} models to "
        f"a transaction, because at that rate {result.versions:,} versions would take about "
        f"{result.versions / api_rate / 60:.0f} minutes. The MLflow side took {result.mlflow_fill_seconds:.0f} s to fill."
    )


def registry_method(result: RegistrySearchResult) -> str:
    return paragraph(
        "ModelCloud's figures time `RegistryReader.search` and `RegistryReader.versions` with the arguments that "
        f"the GraphQL `models` query and `Model.versions` pass for an administrator: every team, archived models "
        f"left out, a page of {registry_search.PAGE} plus one row. A deep page starts after the cursor of row "
        f"{result.deep_offset:,}. MLflow's figures time `SqlAlchemyStore.search_registered_models` with "
        f"`max_results={registry_search.PAGE}` and the filters `name LIKE '%…%'` and `tags.family = '…'`, and "
        f"`search_model_versions(\"name = '…'\")` ordered by `version_number ASC`. Its deep pages use the "
        f"`page_token` it returns after {result.deep_offset:,} results. MLflow returns entities with tags, aliases "
        "and latest versions, while the reader returns table rows whose tags are a JSON column. MLflow's registry "
        "search cannot order by creation time or filter by alias, so those rows have no baseline. Each query ran "
        f"{result.warmup} times untimed and then {result.iterations} times timed, all queries taking turns, in one "
        "process on one thread. p50 and p95 are nearest-rank percentiles of those runs, and the range is the fastest "
        "and slowest run. Both sides found the same models in the same order for every shared query, which the "
        "benchmark checks. The HTTP row times the same first page as an administrator's session against "
        f"`modelcloud serve`, next to `GET {registry_search.MLFLOW_SEARCH_PATH}` against `mlflow server` (uvicorn, "
        f"one worker, job execution off), {result.http_iterations} requests each over one keep-alive connection. "
        "The client runs on the same machine, and the two servers run one after the other. ModelCloud's GraphQL "
        "query asks for the id, name, description, tags, version count, times and aliases of each model."
    )


def dataset_rows(result: DatasetIngestResult) -> list[str]:
    size = result.csv_bytes
    engine, pandas, server = result.engine, result.pandas, result.server
    baseline_total = f"pandas `read_csv` + `describe`: {run_figures(pandas.total, size)}"
    rows = [
        (
            f"engine `ingest`, {size / 1e6:,.0f} MB CSV to Parquet",
            run_figures(engine.ingest, size),
            f"pandas `read_csv`: {run_figures(pandas.read_csv, size)}",
            engine.ingest.seconds / pandas.read_csv.seconds,
        ),
        (
            "engine `profile` of that Parquet",
            run_figures(engine.profile, size),
            f'pandas `describe(include="all")`: {run_figures(pandas.describe, size)}',
            engine.profile.seconds / pandas.describe.seconds,
        ),
        ("engine `ingest` + `profile`", run_figures(engine.total, size), baseline_total, engine.total.seconds / pandas.total.seconds),
        ("server, streamed upload to `/v1/uploads`", phase_figures(server.upload, size, worker=False), "", None),
        ("server, `uploadDatasetVersion` (parse into Parquet in a Ray task)", phase_figures(server.parse, size), "", None),
        ("server, background profile until READY", phase_figures(server.profile, size), "", None),
        (
            "server, upload to READY",
            f"{duration(server.seconds)}, {size / 1e6 / server.seconds:,.1f} MB/s",
            baseline_total,
            server.seconds / pandas.total.seconds,
        ),
    ]
    return [
        f"{DATASET_ROW_PREFIX}{label} | {figures} | {baseline} | {'' if ratio is None else f'{ratio:.2f}'} |"
        for label, figures, baseline, ratio in rows
    ]


def run_figures(run: ProcessRun, csv_bytes: int) -> str:
    return f"{duration(run.seconds)}, {csv_bytes / 1e6 / run.seconds:,.1f} MB/s, peak RSS {memory(run.peak_rss_bytes)}"


def phase_figures(phase: ServerPhase, csv_bytes: int, *, worker: bool = True) -> str:
    figures = f"{duration(phase.seconds)}, {csv_bytes / 1e6 / phase.seconds:,.1f} MB/s, peak RSS {memory(phase.api_peak_rss_bytes)} API process"
    if worker:
        figures += f", {memory(phase.worker_peak_rss_bytes)} Ray worker"
    return figures


def duration(seconds: float) -> str:
    return f"{seconds:,.0f} s" if seconds >= 100 else f"{seconds:.1f} s"


def memory(size: int) -> str:
    """Format a byte count in MiB, or in GiB from 1 GiB up."""
    if size >= 1024**3:
        return f"{size / 1024**3:.2f} GiB"
    return f"{size / 1024**2:,.0f} MiB"


def dataset_section(result: DatasetIngestResult, machine: Machine, command: str) -> str:
    return "\n\n".join(
        [
            DATASET_HEADING,
            paragraph(
                f"Measured on {result.measured_at:%Y-%m-%d %H:%M} UTC by `{command}` ({result.seconds:.0f} s, of which "
                f"{result.generate_seconds:.0f} s generating the CSV) on {machine.cpu} with {machine.cores} cores and "
                f"{machine.memory_gib:.1f} GiB of memory, Python {machine.python}, pyarrow {result.pyarrow_version}, "
                f"numpy {result.numpy_version} and pandas {result.pandas.version}. The 1-minute load average was "
                f"{machine.load_average:.2f} when the run started. Other processes were not stopped. During the "
                f"{result.measured_wall_seconds:.0f} s of measured steps, when the cores had "
                f"{machine.cores * result.measured_wall_seconds:.0f} CPU seconds, processes outside the benchmark's "
                f"process tree used {result.other_cpu_seconds:.1f} s and kernel threads, which also write the "
                f"benchmark's files to disk, {result.kernel_cpu_seconds:.1f} s (from /proc). In the `Dataset ingest` "
                "rows MB is 10^6 bytes, and "
                "every MB/s divides the CSV's size by the seconds, also for the steps that read the Parquet file "
                "instead. Memory is in MiB and GiB (2^20 and 2^30 bytes). The ratio divides the platform's seconds by "
                "pandas' seconds, so above 1 means the platform took longer. Each figure comes from one run."
            ),
            dataset_data(result),
            dataset_engine_method(result),
            dataset_baseline_method(result),
            dataset_server_method(result),
        ]
    )


def dataset_data(result: DatasetIngestResult) -> str:
    float_gaps = natural_list([f"{share * 100:g}%" for share in sorted(dataset_ingest.FLOAT_MISSING.values())])
    return paragraph(
        f"Data: one seeded CSV of {result.csv_bytes:,} bytes, a header and {result.rows:,} rows of {result.columns} "
        f"columns, written in chunks of at most {dataset_ingest.CHUNK_ROWS:,} rows into a temporary folder that is "
        "deleted afterwards. Generating it is not timed, and the file stays in the page cache for every step. "
        "20 float columns hold normal, scaled normal, lognormal and uniform values with 2 to 6 decimals, and four "
        f"of them have {float_gaps} empty fields. 5 integer columns hold ages, Poisson counts, 9-digit account ids, "
        "quantities with 5% empty fields and signed balance changes with 1% empty fields. 3 text category columns "
        "hold 8 regions, 500 products drawn with weight 1/k and 4 channels with 3% empty fields. The last two "
        "columns are a date written as YYYY-MM-DD and a 0/1 integer label."
    )


def dataset_engine_method(result: DatasetIngestResult) -> str:
    engine = result.engine
    return paragraph(
        "Engine: `workers.datasets.ingest.ingest(csv, \"bench.csv\", parquet, label=\"label\")` and then "
        "`workers.datasets.profile.profile(parquet, label=\"label\")`, each in a fresh Python process "
        "(`bench/dataset_ingest_subprocess.py`) that imports only the engine, with pyarrow's default of "
        f"{engine.arrow_threads} CPU threads. Ingest reads the CSV twice with pyarrow's streaming CSV reader, every "
        "column as text. The first pass infers each column's type from every row, and the second converts the text "
        f"and writes snappy-compressed Parquet ({engine.parquet_bytes / 1e6:,.0f} MB). It inferred every column's "
        "type as generated. Profile reads the Parquet file twice. The first pass gathers missing and distinct "
        "counts, minimum, maximum, mean, standard deviation, top values and a reservoir sample for "
        f"{len(QUANTILE_LEVELS)} quantiles, and the second fills {HISTOGRAM_BINS}-bin histograms. Seconds are the "
        "wall-clock time of the call inside the process, imports excluded. Ingest used "
        f"{duration(engine.ingest.cpu_seconds)} of CPU and profile {duration(engine.profile.cpu_seconds)}. Peak RSS is the "
        "process's VmHWM, imports included, and the RSS was "
        f"{memory(engine.ingest.rss_after_imports_bytes)} after importing the engine."
    )


def dataset_baseline_method(result: DatasetIngestResult) -> str:
    pandas = result.pandas
    text_columns = [name for name, dtype in pandas.dtypes.items() if not dtype.startswith(("int", "float"))]
    text_dtypes = sorted({pandas.dtypes[name] for name in text_columns})
    return paragraph(
        "Baseline: pandas `read_csv(path)` with its default options, then `describe(include=\"all\")` on the "
        "frame, in one fresh process that imports only pandas "
        f"({memory(pandas.read_csv.rss_after_imports_bytes)} RSS after the import), timed the same way. It used "
        f"{duration(pandas.total.cpu_seconds)} of CPU. The frame takes {memory(pandas.frame_bytes)} "
        "(`memory_usage(deep=True)`), and the peak RSS of the `describe` row is that of the whole process. pandas "
        f"typed integer columns with empty fields as float64 and {natural_list(text_columns)} as "
        f"{natural_list([f'`{dtype}`' for dtype in text_dtypes])}, so it did not parse the dates. describe computes "
        "the count, mean, standard deviation, minimum, quartiles and maximum of numeric columns, and the count, "
        "distinct count, top value and its frequency of the others. The platform does more work than this "
        "baseline: it writes Parquet, reads the CSV twice to infer every column's type from all rows with its own "
        f"parsers, parses dates, and computes {len(QUANTILE_LEVELS)} quantiles, histograms, distinct counts and top "
        "values. pandas holds the whole table in memory, while the engine streams it in batches. The benchmark "
        "checks that the profile and describe agree on every column's count of present values, its mean (relative "
        f"difference under {dataset_ingest.MEAN_RELATIVE_TOLERANCE:.0e}) and, where the profile's count is exact, its "
        "distinct count."
    )


def natural_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def dataset_server_method(result: DatasetIngestResult) -> str:
    server = result.server
    return paragraph(
        "Server: `modelcloud serve` on SQLite with its default Ray workers (a local Ray with 2 CPUs) on a free "
        f"loopback port, with `MODELCLOUD_MAX_UPLOAD_BYTES={server.max_upload_bytes}`. The client uses the first "
        f"administrator's API token. A warm-up upload of the first {dataset_ingest.WARM_UP_ROWS:,} rows to another "
        f"dataset started Ray and its workers before the measured upload, and took {server.warm_up_seconds:.1f} s to "
        "READY. Upload is the file streamed in 1 MiB chunks to `POST /v1/uploads` until the 201 response. The "
        "server spools the body to a temporary file and then copies it into the artifact store while hashing it. "
        "Parse is the round trip of the `uploadDatasetVersion` mutation, which runs the same `ingest` in a Ray task "
        "and then records the version. Profile runs from the mutation's response until `datasetVersion { status }`, "
        f"polled every {dataset_ingest.STATUS_POLL_SECONDS} s, returns READY. The reconciler submits the profiling "
        "Ray task within its 1 s poll, and the first profiling progress showed after "
        f"{server.profile_start_seconds:.1f} s. The server ran Ray {server.ray_version}. The client shares the "
        "machine with the server. A phase's peak RSS "
        f"is the largest of samples read from /proc every {dataset_ingest.RSS_SAMPLE_SECONDS} s, of the API process "
        "and of the largest Ray worker process (`ray::…`), so a shorter peak can be missed."
    )


def training_rows(result: TrainingResult) -> list[str]:
    rows = []
    for loop in result.loops:
        model = f"`{loop.template}` on {loop.dataset}, {loop.epochs} epochs"
        rows += [
            (
                f"{model}: `run_training`, 1 worker, recorder on SQLite, histograms on",
                seconds_spread(loop.platform),
                f"Keras `fit`: {seconds_spread(loop.fit)}",
                f"{loop.ratio.median:.2f}",
            ),
            (
                f"{model}: epoch time, first epoch left out",
                milliseconds_spread(loop.platform_epoch),
                f"Keras `fit`: {milliseconds_spread(loop.fit_epoch)}",
                f"{loop.platform_epoch.median / loop.fit_epoch.median:.2f}",
            ),
            (
                f"{model}: weight + gradient histograms each epoch",
                f"{milliseconds(loop.weight_histograms.median * 1000)} + {milliseconds(loop.gradient_histograms.median * 1000)} ms, "
                f"{loop.histogram_share.median:.0%} of the epoch, epochs {loop.histogram_share.low:.0%}–{loop.histogram_share.high:.0%}",
                f"loop epoch without histograms: {milliseconds_spread(loop.platform_epoch_without_histograms)}",
                f"{loop.platform_epoch.median / loop.platform_epoch_without_histograms.median:.2f}",
            ),
        ]
    if result.workers is None or result.series is None:
        rows.append(("server runs and long metric series", f"not measured: {result.skipped_reason}", "", ""))
    else:
        rows += server_rows(result, result.workers, result.series)
    return [f"{TRAINING_ROW_PREFIX}{label} | {figures} | {baseline} | {ratio} |" for label, figures, baseline, ratio in rows]


def server_rows(result: TrainingResult, workers: list[WorkerRuns], series: SeriesResult) -> list[tuple[str, str, str, str]]:
    one_worker, two_workers = workers
    mlp = result.loops[0]
    model = f"`{mlp.template}` on {mlp.dataset}, {mlp.epochs} epochs"
    per_worker = f"cpusPerWorker {training.CPUS_PER_WORKER:g}"
    return [
        (
            f"server, {model}, 1 worker: `startTrainingRun` to SUCCEEDED",
            seconds_spread(one_worker.seconds),
            f"`run_training` in one process: {seconds_spread(mlp.platform)}",
            f"{one_worker.seconds.median / mlp.platform.median:.2f}",
        ),
        (
            f"server, {model}, 1 worker: `startTrainingRun` to the first epoch",
            f"recorded after {seconds_spread(one_worker.first_epoch_recorded)}; shown by `trainingRun` after {seconds_spread(one_worker.first_epoch)}",
            "",
            "",
        ),
        (
            f"server, 2 workers against 1 ({per_worker}): epoch time, first epoch left out",
            f"2 workers: {milliseconds_spread(two_workers.epoch)}",
            f"1 worker: {milliseconds_spread(one_worker.epoch)}",
            f"{two_workers.epoch.median / one_worker.epoch.median:.2f}",
        ),
        (
            f"server, 2 workers against 1 ({per_worker}): `startTrainingRun` to SUCCEEDED",
            f"2 workers: {seconds_spread(two_workers.seconds)}",
            f"1 worker: {seconds_spread(one_worker.seconds)}",
            f"{two_workers.seconds.median / one_worker.seconds.median:.2f}",
        ),
        (
            f"server, 2 workers against 1 ({per_worker}): `startTrainingRun` to the first epoch recorded",
            f"2 workers: {seconds_spread(two_workers.first_epoch_recorded)}",
            f"1 worker: {seconds_spread(one_worker.first_epoch_recorded)}",
            f"{two_workers.first_epoch_recorded.median / one_worker.first_epoch_recorded.median:.2f}",
        ),
        (
            f"server, 2 workers against 1: held-out accuracy on {result.test_rows} test rows",
            f"2 workers: {accuracy_spread(two_workers.accuracy)}",
            f"1 worker: {accuracy_spread(one_worker.accuracy)}",
            f"{two_workers.accuracy.median / one_worker.accuracy.median:.2f}",
        ),
        (
            f"series of {series.points:,} points, GraphQL `metrics(maxPoints: {training.SERIES_MAX_POINTS})` over HTTP",
            f"{percentiles(series.graphql_downsampled)}; {series.graphql_downsampled_points} points, "
            f"{series.graphql_downsampled_bytes / 1000:,.0f} kB",
            f"whole series, maxPoints {series.points:,}: {percentiles(series.graphql_full)}; {series.graphql_full_bytes / 1e6:,.1f} MB",
            f"{series.graphql_downsampled.p50_ms / series.graphql_full.p50_ms:.2f}",
        ),
        (
            f"series of {series.points:,} points in process: `TrainingReader.points`, then `downsample` to {training.SERIES_MAX_POINTS}",
            f"fetch {percentiles(series.reader_fetch)}; downsample {percentiles(series.downsample)}",
            "",
            "",
        ),
        (
            f"series of {series.points:,} points: {series.commands} `record_points` commands, then the server's projection",
            f"{series.record_seconds:.1f} s to record, {series.project_seconds:.1f} s more until projected",
            "",
            "",
        ),
    ]


def seconds_spread(spread: Spread) -> str:
    return f"{spread.median:.2f} s, runs {spread.low:.2f}–{spread.high:.2f}"


def milliseconds_spread(spread: Spread) -> str:
    return f"{milliseconds(spread.median * 1000)} ms, runs {milliseconds(spread.low * 1000)}–{milliseconds(spread.high * 1000)}"


def accuracy_spread(spread: Spread) -> str:
    return f"{spread.median:.3f}, runs {spread.low:.3f}–{spread.high:.3f}"


def training_section(result: TrainingResult, machine: Machine, command: str) -> str:
    loads = [loop.load_average for loop in result.loops] + [runs.load_average for runs in result.workers or []]
    return "\n\n".join(
        [
            TRAINING_HEADING,
            paragraph(
                f"Measured on {result.measured_at:%Y-%m-%d %H:%M} UTC by `{command}` ({result.seconds:.0f} s) on {machine.cpu} "
                f"with {machine.cores} cores, Python {machine.python}, TensorFlow {result.tensorflow_version} (CPU), Keras "
                f"{result.keras_version} and Ray {result.ray_version}. The 1-minute load average was {machine.load_average:.2f} "
                f"when the run started, and from {min(load.low for load in loads):.2f} to {max(load.high for load in loads):.2f} "
                "as each training run started. Other processes were not stopped. In the `Training` rows a figure followed by "
                "\"runs\" is the median of its repetitions and then the lowest and highest one. The ratio divides the result by "
                "the baseline, so above 1 means the platform, or 2 workers, took longer."
            ),
            training_data(result),
            training_loop_method(result),
            training_histogram_method(result),
            *training_server_method(result),
        ]
    )


def training_data(result: TrainingResult) -> str:
    mlp, cnn = result.loops
    mlp_spec, cnn_spec = training.MLP, training.CNN
    return paragraph(
        "Data: scikit-learn's breast cancer (569 rows, 30 features, 2 classes) and digits (1,797 rows of 8×8 pixels, 10 "
        "classes), written as CSV files, uploaded, profiled and split 70/15/15, stratified with seed "
        f"{training.SPLIT['seed']}, by the platform's own dataset jobs. The loop therefore reads the same Parquet file as a "
        f"server would. `{mlp.template}` trains on {mlp.train_rows} rows ({mlp.steps_per_epoch} steps of "
        f"{mlp.batch_size} rows each epoch) and validates on {mlp.validation_rows}, with hidden units "
        f"{mlp_spec['model']['hiddenUnits']} and {mlp.parameters:,} trainable parameters, Adam at learning rate "
        f"{mlp_spec['optimizer']['learningRate']} and seed {mlp_spec['seed']}. `{cnn.template}` trains on {cnn.train_rows:,} "
        f"rows ({cnn.steps_per_epoch} steps) and validates on {cnn.validation_rows}, with one convolution of "
        f"{cnn_spec['model']['filters'][0]} filters, a {cnn_spec['model']['hiddenUnits'][0]}-unit dense layer and "
        f"{cnn.parameters:,} trainable parameters, Adam at {cnn_spec['optimizer']['learningRate']} and seed {cnn_spec['seed']}. "
        "Both compute accuracy, and the platform saves a checkpoint every epoch, its default."
    )


def training_loop_method(result: TrainingResult) -> str:
    mlp, cnn = result.loops
    return paragraph(
        "Loop against fit: one fresh process (`python -m bench.training loop`) with one intra-op and one inter-op "
        "TensorFlow thread, which is what the loop sets for a worker of one CPU. It first queues every run and starts its "
        "attempt through the application services on a fresh SQLite store, then stops the projections, so no background "
        f"thread runs while it measures. Each of {mlp.repeats} repetitions, after one untimed repetition, runs three "
        "variants, each repetition starting with another one. The first is `run_training` with the real `TrainingRecorder`, "
        "which records each epoch with its histograms and each checkpoint as events and copies the checkpoint files into "
        "the artifact store. The second is the same with `weight_histograms` and `gradient_histograms` replaced by "
        "functions that return no entries. The third is Keras' `fit` on the arrays that `load_training_data` returns, with "
        "the architecture written in plain Keras (the benchmark checks that the trainable parameter counts match) and the "
        "same optimizer, loss, batch size, epochs, seed and validation data. Fit compiles with Keras' default "
        "`jit_compile=\"auto\"`, which Keras 3.15 resolves to no XLA on a machine with only CPUs, so both run "
        "`tf.function` steps without XLA. The loop's seconds include reading the "
        "Parquet file, building the model, saving a checkpoint every epoch and the final model, and recording. The "
        f"recorder's calls took a median of {mlp.recording.median:.2f} s a run for the MLP and {cnn.recording.median:.2f} s "
        "for the CNN. Fit's seconds include building and compiling the model. The ratio is the median of each repetition's "
        "loop seconds divided by its fit seconds. Epoch time is the median of each run's epochs after the first, which "
        "traces the step functions. For the loop it is the epoch's `durationSeconds` (training, validation and "
        "histograms, without checkpoint or recording), and for fit the time from `on_epoch_begin` to `on_epoch_end`. "
        f"The median validation accuracy after the last epoch was {mlp.platform_accuracy.median:.3f} for the loop and "
        f"{mlp.fit_accuracy.median:.3f} for fit on the MLP, and {cnn.platform_accuracy.median:.3f} and "
        f"{cnn.fit_accuracy.median:.3f} on the CNN."
    )


def training_histogram_method(result: TrainingResult) -> str:
    mlp, cnn = result.loops
    steadier = [
        f"`{loop.template}`" for loop in result.loops
        if abs(loop.platform_epoch.median - loop.platform_epoch_without_histograms.median)
        < loop.platform_epoch_without_histograms.high - loop.platform_epoch_without_histograms.low
    ]
    noise = ""
    if steadier:
        noise = (
            f" For {natural_list(steadier)} the median epochs with and without histograms differ by less than the runs "
            "without histograms differ from each other, so the direct timing is the steadier figure."
        )
    return paragraph(
        "Histograms: the seconds spent in `weight_histograms` and in `gradient_histograms` at each epoch after the first, "
        "timed around the real functions in the runs with histograms on, and their share of that epoch's "
        "`durationSeconds`. The gradient histograms come from a `GradientTape` over a fixed probe batch of up to "
        f"{PROBE_ROWS} train rows. At the first epoch the gradient "
        f"histograms took a median of {mlp.first_gradient_histograms.median:.2f} s for the MLP and "
        f"{cnn.first_gradient_histograms.median:.2f} s for the CNN, because they trace their function then. The "
        "ratio in the histogram rows divides the median epoch time with histograms by that of the runs without them."
        + noise
    )


def training_server_method(result: TrainingResult) -> list[str]:
    if result.workers is None or result.series is None:
        return [paragraph(f"The server runs and the long metric series were not measured: {result.skipped_reason}.")]
    one_worker, two_workers = result.workers
    series = result.series
    repeats = one_worker.seconds.count
    buckets = training.SERIES_MAX_POINTS // KEPT_PER_BUCKET
    return [
        paragraph(
            "Server: `modelcloud serve` on SQLite with its local Ray (2 CPUs) on a loopback port, inside a network "
            "namespace of its own whose only interface is loopback (`unshare --net`), because TensorFlow's multi-worker "
            "gRPC server and Ray listen on every interface. Uploading, profiling and splitting breast cancer through "
            f"GraphQL, which also started Ray, took {result.platform_setup_seconds:.0f} s before the first run. Each run "
            f"gets a new configuration with `resources.workers` 1 or 2, `cpusPerWorker` {training.CPUS_PER_WORKER:g} and "
            "the MLP's settings above. The clock starts when `startTrainingRun` is sent, and the benchmark polls "
            f"`trainingRun {{ status epochsDone }}` every {training.RUN_POLL_SECONDS} s until the run is SUCCEEDED. The "
            "first epoch is shown at the first poll that returns it, and recorded at its `recordedAt`, counted from the "
            "run's `createdAt`. Both are event times from this machine's clock. Recording includes the reconciler's "
            "pickup, placing the Ray actors in fresh worker processes, importing TensorFlow in them, reading the data, "
            "building the model, the first epoch itself, and for 2 workers starting the collective service. The first "
            f"epoch's own `durationSeconds` was a median of {one_worker.first_epoch_duration.median:.2f} s with 1 worker and "
            f"{two_workers.first_epoch_duration.median:.2f} s with 2, because it traces the step functions. A poll shows an epoch "
            "only after the server's projections have read the event, and they look for events that other processes "
            f"(the Ray workers) wrote every {SQLITE_POLL_SECONDS} s. Success includes storing the model and registering "
            f"its version, and the run's `finishedAt` came a median of {one_worker.finished_recorded.median:.2f} s after its "
            f"`createdAt` with 1 worker. Runs with 1 and 2 workers take turns, {repeats} of each. Epoch time is the median of the chief's "
            "`durationSeconds` after the first epoch. Held-out accuracy comes from downloading each registered model and "
            f"running it with Keras on the version's {result.test_rows} test rows. The 1-worker row's baseline is the "
            "in-process `run_training` figure above, measured earlier in the same benchmark run."
        ),
        paragraph(
            "On a 2-core machine 2 workers are expected to be slower than 1. They share the same two cores, every step "
            "sums the gradients of both workers in a collective operation over gRPC, and a step of "
            f"{result.loops[0].batch_size} rows is far too little work to hide that. Here 2 workers took "
            f"{two_workers.epoch.median / one_worker.epoch.median:.1f} times as long per epoch and {two_workers.seconds.median / one_worker.seconds.median:.1f} "
            f"times as long from start to SUCCEEDED as 1 worker, with a held-out accuracy of {two_workers.accuracy.median:.3f} against "
            f"{one_worker.accuracy.median:.3f}."
        ),
        paragraph(
            "Long series: a second server, with `MODELCLOUD_WORKERS=false` so that nothing starts Ray or trains the run, "
            "in the same namespace. The benchmark process opens the server's SQLite store, and sets up breast cancer and a "
            "run through the application services. It starts the run's attempt and records "
            f"{series.points:,} `{training.SERIES_METRIC}` points, a falling loss curve with noise and 5 spikes, one point "
            f"a step. They go in {series.commands} `TrainingService.record_points` commands of "
            f"{series.batch:,} points, the largest batch a command accepts. The server's projections read them from the store and write the read model. "
            f"In the benchmark process `TrainingReader.points` then fetched the series {series.iterations} times after one "
            "untimed fetch, and "
            f"`downsample` reduced it each time to at most {training.SERIES_MAX_POINTS} points. It kept "
            f"{series.kept_points}, because each of its {buckets} buckets keeps its first, last, minimum and maximum point "
            "and its first non-finite point only when it has one. The GraphQL rows time `trainingRun { metrics(names: "
            f"[\"{training.SERIES_METRIC}\"], maxPoints: …) {{ totalPoints downsampled points {{ step value }} }} }}` "
            "over one keep-alive HTTP connection with the first administrator's token, after one untimed request: "
            f"{series.iterations} requests with maxPoints {training.SERIES_MAX_POINTS} and {series.full_iterations} with "
            f"maxPoints {series.points:,}, which returns the whole series. The 1-minute load average was "
            f"{series.load_average:.2f} when the queries started. p50 and p95 are nearest-rank percentiles, and the range "
            "is the fastest and slowest request."
        ),
    ]


def tracking_rows(result: TrackingIngestResult) -> list[str]:
    mlflow = result.target(tracking_ingest.MLFLOW, "SQLite")
    sqlite = result.target(tracking_ingest.MODELCLOUD, "SQLite")
    assert mlflow is not None and sqlite is not None, "the tracking benchmark always measures ModelCloud and MLflow on SQLite"
    baseline = f"MLflow `log_batch` to `mlflow server` on SQLite: {ingest_figures(mlflow)}"
    rows = [
        (
            f"{result.points:,} points, first `log` until readable, ModelCloud client to `modelcloud serve` on {runs.database}",
            f"{ingest_figures(runs)}; stored after {runs.stored.median:.1f} s",
            baseline,
            f"{result.ratios[runs.label].median:.2f}",
        )
        for runs in result.targets
        if runs.client == tracking_ingest.MODELCLOUD
    ]
    rows += [
        (
            f"training loop of {result.steps:,} steps, ModelCloud on SQLite (`log` once a step)",
            loop_figures(sqlite, result.steps, "`log`"),
            f"MLflow (`log_batch` every {tracking_ingest.MLFLOW_BATCH_METRICS // len(result.names)} steps): "
            + loop_figures(mlflow, log_batch_calls(result), "`log_batch`"),
            f"{sqlite.loop.median / mlflow.loop.median:.2f}",
        ),
        (
            "client process peak RSS (VmHWM), on SQLite",
            f"ModelCloud: {rss_figures(sqlite, 'modelcloud')}",
            f"MLflow: {rss_figures(mlflow, 'mlflow')}",
            f"{sqlite.peak_rss_bytes.median / mlflow.peak_rss_bytes.median:.2f}",
        ),
        (
            f"read all {result.points:,} points back, on SQLite",
            f"GraphQL `trainingRun.metrics`, one name a request: {seconds_spread(sqlite.read_back)}",
            f"MLflow `get_metric_history` for each name: {seconds_spread(mlflow.read_back)}",
            f"{sqlite.read_back.median / mlflow.read_back.median:.2f}",
        ),
        (
            f"points lost, duplicated or changed in {counted([result.repeats], 'run', 'runs')} each",
            "ModelCloud: " + check_summary(result.targets, tracking_ingest.MODELCLOUD),
            "MLflow: " + check_summary(result.targets, tracking_ingest.MLFLOW),
            f"{points_not_as_logged(result.targets, tracking_ingest.MODELCLOUD):,} : "
            f"{points_not_as_logged(result.targets, tracking_ingest.MLFLOW):,} points not as logged",
        ),
    ]
    return [f"{TRACKING_ROW_PREFIX}{label} | {figures} | {baseline} | {ratio} |" for label, figures, baseline, ratio in rows]


def ingest_figures(runs: TargetRuns) -> str:
    return (
        f"{runs.readable.median:.1f} s, {runs.points_per_second.median:,.0f} points/s, "
        f"runs {runs.readable.low:.1f}–{runs.readable.high:.1f} s"
    )


def log_batch_calls(result: TrackingIngestResult) -> int:
    return math.ceil(result.points / tracking_ingest.MLFLOW_BATCH_METRICS)


def loop_figures(runs: TargetRuns, calls: int, call: str) -> str:
    per_call = runs.log_calls.median / calls
    each = f"{per_call * 1e6:,.0f} µs" if per_call < 0.01 else f"{per_call * 1000:,.0f} ms"
    return (
        f"{seconds_spread(runs.loop)}; {runs.log_calls.median:.2f} s in {calls:,} {call} calls ({each} each); "
        f"client CPU {runs.client_cpu.median:.1f} s"
    )


def rss_figures(runs: TargetRuns, module: str) -> str:
    return f"{memory(int(runs.peak_rss_bytes.median))}, {memory(int(runs.rss_after_imports_bytes.median))} after `import {module}`"


def check_summary(targets: list[TargetRuns], client: str) -> str:
    """Describe what every run of one client library returned: lost, duplicated and changed points, and NaN and ±inf."""
    checks = [runs.check for runs in targets if runs.client == client]
    lost = sum(check.missing for check in checks)
    duplicated = sum(check.duplicated + check.unexpected for check in checks)
    changed = sum(check.changed for check in checks)
    summary = f"{lost} lost, {duplicated} duplicated, {changed} finite values changed"
    returned: dict[str, Counter[str]] = {label: Counter() for label in tracking_ingest.NON_FINITE_SHARES}
    for check in checks:
        for label, found in check.non_finite.items():
            returned[label].update(found)
    as_logged = NON_FINITE_AS_LOGGED
    changed_kinds = [
        f"{as_logged[label].replace('nan', 'NaN')} as {natural_list(sorted(found))}"
        for label, found in returned.items()
        if set(found) != {as_logged[label]}
    ]
    if not changed_kinds:
        return f"{summary}; NaN, inf and -inf came back as logged"
    kept = [as_logged[label].replace("nan", "NaN") for label in returned if set(returned[label]) == {as_logged[label]}]
    kept_text = f"{natural_list(kept)} came back as logged, " if kept else ""
    return f"{summary}; {kept_text}{natural_list(changed_kinds)}"


def points_not_as_logged(targets: list[TargetRuns], client: str) -> int:
    """Count the points of one client's runs that came back lost, duplicated or changed, a non-finite value included."""
    total = 0
    for runs in targets:
        if runs.client != client:
            continue
        check = runs.check
        total += check.missing + check.duplicated + check.unexpected + check.changed
        for label, found in check.non_finite.items():
            total += sum(count for form, count in found.items() if form != NON_FINITE_AS_LOGGED[label])
    return total


def counted(counts: list[int], singular: str, plural: str) -> str:
    """Return e.g. "1 batch", "12 or 13 batches" for the distinct counts of the runs."""
    noun = singular if counts == [1] else plural
    return f"{natural_list([f'{count:,}' for count in counts]).replace(' and ', ' or ')} {noun}"


def tracking_section(result: TrackingIngestResult, machine: Machine, command: str) -> str:
    install = ""
    if result.mlflow_install_seconds is not None:
        install = f", of which {result.mlflow_install_seconds:.0f} s installing MLflow"
    mlflow = result.target(tracking_ingest.MLFLOW, "SQLite")
    modelcloud = [runs for runs in result.targets if runs.client == tracking_ingest.MODELCLOUD]
    assert mlflow is not None, "the tracking benchmark always measures MLflow on SQLite"
    loads = [runs.load_average for runs in result.targets]
    postgres = f", PostgreSQL {machine.postgres}" if result.target(tracking_ingest.MODELCLOUD, "PostgreSQL") else ""
    return "\n\n".join(
        [
            TRACKING_HEADING,
            paragraph(
                f"Measured on {result.measured_at:%Y-%m-%d %H:%M} UTC by `{command}` ({result.seconds:.0f} s{install}) on "
                f"{machine.cpu} with {machine.cores} cores, Python {machine.python}, SQLite {machine.sqlite}{postgres}, "
                f"the `modelcloud` client {modelcloud[0].version} and MLflow {mlflow.version}. The 1-minute load average "
                f"was {machine.load_average:.2f} when the run started, and from {min(load.low for load in loads):.2f} to "
                f"{max(load.high for load in loads):.2f} as each client started. Other processes were not stopped. In the "
                "`Tracking ingest` rows the result is ModelCloud and the baseline MLflow, and the ratio divides "
                "ModelCloud's figure by MLflow's, so below 1 means ModelCloud took less time or memory. A figure followed "
                f"by \"runs\" is the median of {counted([result.repeats], 'repetition', 'repetitions')} and then the lowest and "
                "highest one. In the "
                "first rows the ratio is the median of each repetition's ratio, and the other ratios divide medians."
            ),
            tracking_data(result),
            tracking_method(result),
            tracking_checks(result),
        ]
    )


def tracking_data(result: TrackingIngestResult) -> str:
    counts = result.non_finite
    return paragraph(
        f"Data: {result.points:,} points, the metrics {natural_list([f'`{name}`' for name in result.names])} at each of "
        f"{result.steps:,} steps. Each metric is a falling curve with 10% noise at its own scale, and "
        f"{counts['NaN']} NaN, {counts['Infinity']} inf and {counts['-Infinity']} -inf values replace values at seeded "
        "positions. Both clients read the same float64 values from one file, so they log the same points."
    )


def tracking_method(result: TrackingIngestResult) -> str:
    modelcloud = [runs for runs in result.targets if runs.client == tracking_ingest.MODELCLOUD]
    mlflow = result.target(tracking_ingest.MLFLOW, "SQLite")
    assert mlflow is not None and modelcloud[0].check.logged_events is not None
    batches = sorted({events for runs in modelcloud for events in runs.check.logged_events or []})
    steps_per_batch = tracking_ingest.MLFLOW_BATCH_METRICS // len(result.names)
    projection = natural_list([f"{runs.readable.median - runs.stored.median:.1f} s on {runs.database}" for runs in modelcloud])
    server_cpu = natural_list([f"{runs.server_cpu.median:.1f} s for {runs.label}" for runs in result.targets])
    return paragraph(
        "Servers: `modelcloud serve` on a SQLite file"
        + (" and on a fresh PostgreSQL database" if len(modelcloud) > 1 else "")
        + ", with `MODELCLOUD_WORKERS=false` so that nothing starts Ray, and `mlflow server` (uvicorn, one worker, job "
        "execution off) on a SQLite backend store, each on a loopback port. All of them run for the whole benchmark. "
        "Each run is a new run on the same server, so later repetitions write into a larger database. Every target "
        f"first gets one untimed run of {result.warm_up_points:,} points, and then the targets take turns, each "
        "repetition starting with another one. Each run is a fresh client process "
        "(`bench/tracking_ingest_client.py`) that imports only its client library. The ModelCloud client calls "
        f"`modelcloud.init(team=…, name=…, url=…, buffer_dir=…, flush_timeout={tracking_ingest.READABLE_TIMEOUT_SECONDS:.0f})` "
        "with the token in "
        "`MODELCLOUD_TOKEN`, then `run.log({…}, step=step)` with all metrics of a step, then `run.finish()`. Batching, "
        "batch limits and retries are the client's defaults. A background thread cuts the queued points into batches "
        "about once a second, or at once when 10,000 wait, and writes each to a file in the buffer folder. Another "
        "thread sends the files as one `logMetrics` request after the other. Here each run's points went in "
        f"{counted(batches, 'batch', 'batches')}. The longer `flush_timeout` only lets `finish` wait "
        "for the last batch instead of the default 30 s. The client then polls `trainingRun { status }` every "
        f"{tracking_ingest.POLL_SECONDS} s until it is SUCCEEDED. The run's status and its points are in the same read "
        "model, which the server's projections write in event order, and the finish comes after the last batch, so "
        "then every point is readable. The MLflow client creates an experiment and a run with `MlflowClient`, builds "
        f"a `Metric(key, value, timestamp, step)` for each value and calls `log_batch` with "
        f"{tracking_ingest.MLFLOW_BATCH_METRICS:,} metrics, its maximum, every {steps_per_batch} steps, then "
        "`set_terminated`, then reads the run once with `get_run`. `log_batch` returns after the server has committed "
        "the points. The clock runs on the client from just before the first `log` or `log_batch` call until the "
        "read that saw the run ended, and points/s divides the points by those seconds. Stored is until `finish` "
        "returned, after the server accepted the last batch, or until the last `log_batch` returned. For ModelCloud "
        f"the server's projections writing the read model make the difference, a median of {projection}. The training loop's "
        "time covers building each step's values and the calls, and client CPU is the client process's user and "
        "system time, all threads, from the first call until the run ended. In that time the servers' process groups "
        f"used a median CPU time (from /proc) of {server_cpu}. The PostgreSQL server's own processes are not counted. "
        "Peak RSS is the client process's VmHWM after the run ended, imports included."
    )


def tracking_checks(result: TrackingIngestResult) -> str:
    modelcloud = [runs for runs in result.targets if runs.client == tracking_ingest.MODELCLOUD]
    events = sorted({count for runs in modelcloud for count in runs.check.logged_events or []})
    points = sorted({count for runs in modelcloud for count in runs.check.logged_points or []})
    return paragraph(
        "Checks: after the clock stops, each client reads every point back, ModelCloud with "
        f"`trainingRun {{ metrics(names: [name], maxPoints: {result.steps}) }}`, one request a name, and MLflow with "
        "`get_metric_history` for each name. It counts points missing, returned twice for the same name and step, "
        "returned at a step never logged, and finite values that did not come back bit for bit. The benchmark fails "
        "unless all are zero and the server's total is the number of points logged. ModelCloud's read model keeps one "
        "point a name and step, so a batch recorded twice would not show there. The benchmark therefore also counts "
        "the points in each run's `MetricsLogged` events in the event store: "
        f"{counted(events, 'event', 'events')} a run with distinct batch ids, carrying "
        f"{natural_list([f'{count:,}' for count in points])} points. ModelCloud's client sends NaN and ±inf as "
        "`nonFinite`, and the server returns them the same way. MLflow's SQL store (`SqlAlchemyStore` in MLflow "
        "3.17, from its source) stores NaN as 0 with its `is_nan` column set, and it replaces inf and -inf with the "
        "largest finite double and its negative. The last `Tracking ingest` row shows what each side returned, and "
        "its ratio counts the points that did not come back as logged, ModelCloud's against MLflow's."
    )


def serving_rows(result: ServingResult) -> list[str]:
    if result.skipped_reason is not None:
        return [f"{SERVING_ROW_PREFIX}skipped | {result.skipped_reason} | | |"]
    bare, function, batched, unbatched, echo, rest_batched, rest_unbatched, rest_status = result.variants
    rows = [
        (f"{bare.label}, {client_count(bare)}", latency_figures(bare), "", ""),
        (
            f"{function.label}, {client_count(function)}", latency_figures(function),
            f"`model.predict`: {bare.requests_per_second:,.0f} requests/s",
            f"{function.requests_per_second / bare.requests_per_second:,.0f}",
        ),
    ]
    for entry in (batched, unbatched, echo):
        rows.append(
            (
                f"{entry.label}, {client_count(entry)}", latency_figures(entry),
                f"in-process `tf.function`: {function.requests_per_second:,.0f} requests/s",
                f"{entry.requests_per_second / function.requests_per_second:.2f}",
            )
        )
    # Each REST row's baseline is the Serve handle row with the same batching, which the API calls.
    for entry, handle, handle_name in ((rest_batched, batched, "batching on"), (rest_unbatched, unbatched, "batching off")):
        rows.append(
            (
                f"{entry.label}, {client_count(entry)}", latency_figures(entry),
                f"Serve handle, {handle_name}: {handle.requests_per_second:,.0f} requests/s",
                f"{entry.requests_per_second / handle.requests_per_second:.2f}",
            )
        )
    rows.append((f"{rest_status.label}, {client_count(rest_status)}", latency_figures(rest_status), "", ""))
    return [f"{SERVING_ROW_PREFIX}{label} | {figures} | {baseline} | {ratio} |" for label, figures, baseline, ratio in rows]


def client_count(entry: Variant) -> str:
    clients = "threads" if entry.label.startswith("in-process") else "asyncio tasks"
    if entry.label.startswith("REST `GET"):
        return f"{entry.concurrency} {clients}"
    return f"1 row, {entry.concurrency} {clients}"


def latency_figures(entry: Variant) -> str:
    return (
        f"{milliseconds(entry.p50_ms)} ms p50, {milliseconds(entry.p99_ms)} ms p99, "
        f"{entry.requests_per_second:,.0f} requests/s"
    )


def serving_section(result: ServingResult, machine: Machine, command: str) -> str:
    heading_and_setting = [
        SERVING_HEADING,
        paragraph(
            f"Measured on {result.measured_at:%Y-%m-%d %H:%M} UTC by `{command}` ({result.seconds:.0f} s) on {machine.cpu} "
            f"with {machine.cores} cores, Python {machine.python}, TensorFlow {result.tensorflow_version} (CPU), Keras "
            f"{result.keras_version} and Ray {result.ray_version}. The 1-minute load average was {machine.load_average:.2f} "
            "when the run started. Other processes were not stopped."
        ),
    ]
    if result.skipped_reason is not None:
        return "\n\n".join([*heading_and_setting, paragraph(f"Skipped: {result.skipped_reason}.")])
    loads = [entry.load_average for entry in result.variants]
    bare, function, batched, unbatched, echo, rest_batched, rest_unbatched, rest_status = result.variants
    assert result.rest is not None
    return "\n\n".join(
        [
            *heading_and_setting,
            paragraph(
                f"Model: an MLP on scikit-learn's breast cancer data ({result.rows} rows, 30 features). It has a "
                f"Normalization layer, hidden layers of {' and '.join(str(units) for units in serving.HIDDEN_UNITS)} units "
                f"and a sigmoid output, {result.parameters:,} parameters, and was trained for {serving.EPOCHS} epochs and "
                "saved as a .keras file in an artifact store folder. Every request carries one row, cycling through the "
                f"dataset. The in-process rows call the model from {bare.concurrency} threads of the benchmark process, with "
                "TensorFlow limited to one intra-op and one inter-op thread as in a replica. Bare "
                f"`model.predict(row, verbose=0)` gets {bare.requests} requests, since it takes tens of milliseconds a call, "
                f"and the model under one `tf.function` with the input signature [None, 30] gets {function.requests}. The "
                f"Serve rows send {batched.requests} "
                f"requests from {batched.concurrency} asyncio tasks through `workers.serving.predict`, which calls a cached "
                "Serve handle, after "
                f"{serving.WARMUP_REQUESTS} untimed requests, and the REST rows send as many through HTTP. Latency is each request's time on the client, p50 and p99 are "
                "nearest-rank percentiles, and requests/s divides the requests by the wall time of the timed run. The ratio "
                "divides a row's requests/s by its baseline's, so below 1 means fewer requests a second. The load average "
                f"was {min(loads):.2f} to {max(loads):.2f} as the timed runs ended."
            ),
            paragraph(
                f"Serve: a local Ray of 2 CPUs started by `ensure_ray` ({result.ray_start_seconds:.1f} s), inside a network "
                "namespace whose only interface is loopback, since Ray 2.60 listens on every interface. `start_serve` starts "
                f"Serve without an HTTP proxy ({result.serve_start_seconds:.1f} s). The application has one replica that "
                f"reserves {serving.CPUS_PER_REPLICA:g} CPU (a reservation for Ray's scheduler, not a limit on its use), "
                "loads the .keras file from the artifact store and calls it under a `tf.function`. With batching on, "
                f"`@serve.batch` joins up to {serving.BATCH_SIZE} requests and waits at most {serving.BATCH_WAIT_MS:g} ms for "
                f"them, and the replica admits {result.batched_max_ongoing_requests} requests at a time "
                f"(`max_ongoing_requests`). With {batched.concurrency} clients no more than {batched.concurrency} requests "
                "are ever waiting, so a batch never fills and each waits the whole "
                f"{serving.BATCH_WAIT_MS:g} ms. Batching off is the same application deployed again with max_batch_size 1, "
                f"which calls the model once a request and admits {result.unbatched_max_ongoing_requests} requests at a time. "
                "From `deploy` to RUNNING took "
                f"{result.first_deploy_seconds:.1f} s the first time, including a new worker process, importing TensorFlow "
                f"and loading the model, and {result.update_seconds:.1f} s for the update, whose new replica started before "
                "the old one stopped. The last Serve row is an application whose replica returns its input, with the batched "
                "replica's settings and no model, so it shows what Serve's request path costs on this machine: "
                f"{echo.requests_per_second:,.0f} requests/s, against {batched.requests_per_second:,.0f} with the model and "
                f"batching on and {unbatched.requests_per_second:,.0f} with batching off."
            ),
            rest_setup_paragraph(result),
            rest_time_paragraph(batched, rest_batched, rest_unbatched, rest_status),
            paragraph(
                "Checks: every Serve and REST output is compared with the bare model's output for its row, and one request "
                f"of all {result.rows} rows through the handle and through REST as well. The largest absolute difference "
                f"was {max_difference(result):.2g}, and the benchmark fails at {serving.MAX_DIFFERENCE:g} or more. Inputs "
                f"one column short were rejected with \"{result.invalid_inputs_error}\" A request to an application that "
                f"does not exist was rejected with \"{result.missing_app_error}\" A REST request whose row was a value "
                f"short was rejected with \"{result.rest.invalid_request_error}\""
            ),
        ]
    )


def rest_setup_paragraph(result: ServingResult) -> str:
    assert result.rest is not None
    rest = result.rest
    return paragraph(
        "REST: `modelcloud serve` on SQLite in a temporary folder, on a loopback port in the same namespace. "
        "`RAY_ADDRESS` points it at the Ray above, so its replica runs on the same 2 CPUs as the Serve rows' replicas did "
        f"and the benchmark can read Serve's status. /healthz returned 200 {rest.server_start_seconds:.1f} s after it started. With "
        "the first administrator's token the benchmark registered a model, uploaded the same .keras file as its version "
        f"(ready {rest.model_ready_seconds:.1f} s later, inspection included) and created a token with scope PREDICT for "
        f"the team. `createDeployment` with maxBatchSize {serving.BATCH_SIZE}, batchWaitMs {serving.BATCH_WAIT_MS:g} and "
        f"cpusPerReplica {serving.CPUS_PER_REPLICA:g} deployed one replica with the Serve rows' settings, and the "
        f"deployment was HEALTHY {rest.healthy_seconds:.1f} s later. `updateDeployment` with maxBatchSize 1 made revision "
        f"2 active after {rest.update_active_seconds:.1f} s, and Serve reported the updated application RUNNING after "
        f"{rest.update_rollout_seconds:.1f} s. The timed requests started after both. requestLogSample was the default "
        f"{rest.request_log_sample:g}, so the API logged that share of the requests with their payloads. The clients are "
        f"{serving.CONCURRENCY} asyncio tasks sharing one `httpx.AsyncClient` with {serving.CONCURRENCY} keep-alive "
        "connections. Each request is `POST /v1/models/{name}:predict` with `{\"instances\": [row]}` and the PREDICT "
        "token. `GET /v1/models/{name}` authenticates the token, reads the deployment and returns its state without "
        "calling a model, so it shows what the API's HTTP path costs without the model."
    )


def rest_time_paragraph(batched: Variant, rest_batched: Variant, rest_unbatched: Variant, rest_status: Variant) -> str:
    """Describe where a REST request's time goes, from the CPU time each process used during the timed requests."""
    assert batched.client_cpu_ms is not None and rest_batched.client_cpu_ms is not None
    assert rest_batched.server_cpu_ms is not None and rest_status.server_cpu_ms is not None
    assert batched.machine_busy is not None and rest_batched.machine_busy is not None
    added_cpu = rest_batched.client_cpu_ms + rest_batched.server_cpu_ms - batched.client_cpu_ms
    return paragraph(
        "Where the time goes: with batching on, REST served "
        f"{rest_batched.requests_per_second / batched.requests_per_second:.2f} times the requests a second of the Serve "
        f"handle, with a p50 of {milliseconds(rest_batched.p50_ms)} ms against {milliseconds(batched.p50_ms)} ms. Through the handle the "
        f"benchmark process used {batched.client_cpu_ms:.2f} ms of CPU a request (all its threads, Ray's included). "
        f"Through REST it used {rest_batched.client_cpu_ms:.2f} ms in httpx, and the API process used "
        f"{rest_batched.server_cpu_ms:.2f} ms, which includes calling the same handle, against "
        f"{rest_status.server_cpu_ms:.2f} ms for the status GET (HTTP, authentication and reading the deployment). So "
        f"going through the API adds about {added_cpu:.1f} ms of CPU a request in the client and the API process, on "
        f"the same 2 cores as the replica and Ray's processes. All CPUs of the machine, counting every process on it, were {rest_batched.machine_busy:.0%} busy "
        f"during the timed REST requests with batching on and {batched.machine_busy:.0%} during the handle's. With "
        f"{rest_batched.concurrency} requests always in flight, the mean latency is about {rest_batched.concurrency} "
        "divided by the requests a second (Little's law), so REST's lower throughput and its higher latency are one "
        "effect, not two. With batching off REST served "
        f"{rest_unbatched.requests_per_second / rest_batched.requests_per_second:.2f} times the requests a second it "
        "served with batching on."
    )


def max_difference(result: ServingResult) -> float:
    measured = [entry.max_difference for entry in result.variants if entry.max_difference is not None]
    if result.rest is not None:
        measured.append(result.rest.whole_dataset_difference)
    return max([*measured, result.whole_dataset_difference])


def rebuild_rows(result: ProjectionRebuildResult) -> list[str]:
    rows = []
    for measured in result.databases:
        rebuild, read = measured.rebuild, measured.read
        rows += [
            (
                f"{measured.database}, {measured.fill.events:,} events, `projections.rebuild()` of all "
                f"{len(measured.projection_seconds)} projections",
                f"{rebuild.events_per_second:,.0f} events/s ({duration(rebuild.seconds)}), peak RSS {memory(rebuild.peak_rss_bytes)}",
                f"reading and decoding the same events: {read.events_per_second:,.0f} events/s ({duration(read.seconds)}), "
                f"peak RSS {memory(read.peak_rss_bytes)}",
                f"{rebuild.events_per_second / read.events_per_second:.2f}",
            ),
            (f"{measured.database}, time in each projection's batches", projection_breakdown(measured), "", ""),
        ]
    return [f"{REBUILD_ROW_PREFIX}{label} | {figures} | {baseline} | {ratio} |" for label, figures, baseline, ratio in rows]


def projection_breakdown(measured: DatabaseRebuild, slowest_count: int = 3) -> str:
    """Describe the `slowest_count` slowest projections with their seconds and events/s, and the others' seconds together."""
    slowest = sorted(measured.projection_seconds.items(), key=lambda item: -item[1])
    events = measured.fill.events
    parts = [f"{name} {duration(seconds)} ({events / seconds:,.0f} events/s)" for name, seconds in slowest[:slowest_count]]
    others = slowest[slowest_count:]
    if others:
        parts.append(f"the other {len(others)} projections {duration(sum(seconds for _, seconds in others))} together")
    return ", ".join(parts)


def rebuild_section(result: ProjectionRebuildResult, machine: Machine, command: str) -> str:
    databases = [measured.database for measured in result.databases]
    postgres = f" and PostgreSQL {machine.postgres}" if "PostgreSQL" in databases else ""
    loads = [load for measured in result.databases for load in measured.load_averages]
    return "\n\n".join(
        [
            REBUILD_HEADING,
            paragraph(
                f"Measured on {result.measured_at:%Y-%m-%d %H:%M} UTC by `{command}` ({result.seconds:.0f} s) on "
                f"{machine.cpu} with {machine.cores} cores and {machine.memory_gib:.1f} GiB of memory, Python "
                f"{machine.python}, SQLite {machine.sqlite}{postgres}. The 1-minute load average was "
                f"{machine.load_average:.2f} when the run started, and from {min(loads):.2f} to {max(loads):.2f} as each "
                "measured step started. Other processes were not stopped. In the "
                "`Projection rebuild` rows the result is the rebuild and the baseline is reading and decoding the same "
                "events without applying them, which every rebuild has to do. The ratio divides the rebuild's events/s "
                "by the baseline's, so it is the share of the rebuild's time that reading and decoding alone take. Each "
                "figure comes from one run."
            ),
            rebuild_data(result),
            rebuild_method(result),
            rebuild_findings(result),
        ]
    )


def rebuild_data(result: ProjectionRebuildResult) -> str:
    sqlite = result.databases[0]
    total = sum(result.event_types.values())
    largest = [f"`{name}` {count / total:.1%}" for name, count in list(result.event_types.items())[:6]]
    fills = [
        f"The benchmark built the SQLite log and inserted it in {duration(sqlite.fill.seconds)}, with `executemany` of "
        f"{projection_rebuild.INSERT_BATCH_ROWS:,} rows and {projection_rebuild.ROWS_PER_TRANSACTION:,} rows a "
        "transaction."
    ]
    for measured in result.databases[1:]:
        fills.append(
            f"The {measured.database} store got copies of the first {measured.fill.events:,} rows, in log order, with binary "
            f"COPY in {duration(measured.fill.seconds)}, and then `ANALYZE`, as autovacuum would soon run on a table that "
            "size."
        )
    return paragraph(
        f"Data: {sqlite.fill.events:,} events of one installation's history, built with the domain classes "
        "(`LogBuilder` in the module) and stored by `EventStore.mapper` in the rows the eventsourcing library writes. "
        f"The history starts with an administrator and {projection_rebuild.TEAMS} teams of "
        f"{projection_rebuild.MEMBERS_PER_TEAM} members, every third made an editor, and gives each team a dataset "
        f"with one profiled version and {projection_rebuild.PROFILES_PER_TEAM} configuration profiles. Then come "
        "models, each registered and trained "
        f"{projection_rebuild.RUNS_PER_MODEL} times. A run is queued, started and prepared, and records "
        f"{projection_rebuild.EPOCHS} epochs, each with 4 metrics, the learning rate and the weight and gradient "
        f"histograms ({projection_rebuild.HISTOGRAM_BINS} bins) of the 4 tensors of a `tabular_mlp` with hidden units "
        f"{projection_rebuild.HIDDEN_UNITS}, and a checkpoint after each epoch. Its success registers the model's next "
        "version in the same command, the version is inspected, `staging` moves to it, and `production` moves to "
        f"every other one. The most frequent events: {natural_list(largest)}. A stored event (topic and JSON state) "
        f"takes {sqlite.fill.stored_bytes / sqlite.fill.events:,.0f} bytes on average, most of them in the epochs' "
        "histograms. " + " ".join(fills)
    )


def rebuild_method(result: ProjectionRebuildResult) -> str:
    sqlite = result.databases[0]
    outside = sqlite.rebuild.seconds - sum(sqlite.projection_seconds.values())
    rows = ", ".join(f"`{table}` {count:,}" for table, count in sqlite.rows.items())
    sizes = natural_list([f"{memory(measured.database_bytes)} on {measured.database}" for measured in result.databases])
    return paragraph(
        "Each step runs in a fresh process. The read step opens `EventStore` and reads the log with `read_log` in "
        "batches of 500, the projection runner's batch size, decoding each event with the store's mapper. The rebuild "
        "step does what `modelcloud projections rebuild` does: `Runtime.build` with the default settings, `prepare`, "
        "then `projections.rebuild()`. That drops and recreates every projection's tables and replays the log: each "
        "batch of 500 events is decoded once, and each projection applies it in its own transaction that also moves "
        "its tracking position. On PostgreSQL each change also sends a `pg_notify` in that transaction. The seconds "
        "time the call alone, without the process start, the imports and `Runtime.build`. Peak RSS is the process's "
        "VmHWM, imports included, and the RSS before the timed work was "
        + natural_list([
            f"{memory(measured.read.rss_before_bytes)} and {memory(measured.rebuild.rss_before_bytes)} on {measured.database}"
            for measured in result.databases
        ])
        + " for the read and the rebuild step. A projection's time is the sum of the runner's own "
        "`modelcloud_projection_batch_seconds` histogram, its transactions from claiming a batch to the commit. Every "
        "projection sees every event and skips those it has no handler for, so its events/s divides all the events by "
        f"its own time. On SQLite the rest of the rebuild, {duration(outside)}, went to reading, decoding and reading "
        "the tracking positions. The benchmark checks that every projection ended at the last event and that the audit "
        f"log has one row per event. After the SQLite rebuild the read models held {rows} rows. The database, with the "
        f"event store and every read model, took {sizes} afterwards."
    )


def rebuild_findings(result: ProjectionRebuildResult) -> str:
    notes = [
        "The training projection takes the largest share. For each epoch it deletes and inserts the epoch row, "
        "replaces the metric points and the histograms with one `executemany` each for the deletes and the inserts, "
        "and updates the run. On PostgreSQL psycopg pipelines each `executemany`, so an epoch of 5 points and 16 "
        "histograms costs 7 round trips instead of 45. The audit projection "
        "looks up the subject's label for most events' summaries and inserts a row into a table with four indexes. The "
        "registry projection reads the model and its aliases after every model event and writes the whole state into "
        "`model_history`.",
        "The store was just written, so the operating system's file cache holds it and neither step waits on the "
        "disk. The log has no `MetricsLogged` events from tracking clients.",
    ]
    sqlite = result.databases[0]
    for measured in result.databases[1:]:
        if measured.fill.events < sqlite.fill.events:
            minutes = sqlite.fill.events / measured.rebuild.events_per_second / 60
            notes.append(
                f"The {measured.database} rows use the first {measured.fill.events:,} events of the same log, because at "
                f"the rate measured here all {sqlite.fill.events:,} would take about {minutes:.0f} minutes to rebuild."
            )
    return paragraph(" ".join(notes))


def startup_rows(result: ApiStartupResult) -> list[str]:
    modelcloud, mlflow = result.modelcloud, result.mlflow
    assert modelcloud.health_seconds is not None, "ModelCloud's runs always time /healthz"
    rows = [
        (
            "`modelcloud serve` on a fresh SQLite store, spawn to the first 200 from /readyz",
            f"{seconds_spread(modelcloud.ready_seconds)}; /healthz after {modelcloud.health_seconds.median:.2f} s",
            f"`mlflow server`, spawn to the first 200 from /health: {seconds_spread(mlflow.ready_seconds)}",
            f"{modelcloud.ready_seconds.median / mlflow.ready_seconds.median:.2f}",
        ),
        (
            "RSS of the server's process tree when ready",
            f"{memory_spread(modelcloud.ready_rss_bytes)}, {process_count(modelcloud)}",
            f"MLflow: {memory_spread(mlflow.ready_rss_bytes)}, {process_count(mlflow)}",
            f"{modelcloud.ready_rss_bytes.median / mlflow.ready_rss_bytes.median:.2f}",
        ),
        (
            f"RSS of the process tree after {result.requests} requests, GraphQL `models` and REST `registered-models/search`",
            memory_spread(modelcloud.after_requests_rss_bytes),
            f"MLflow: {memory_spread(mlflow.after_requests_rss_bytes)}",
            f"{modelcloud.after_requests_rss_bytes.median / mlflow.after_requests_rss_bytes.median:.2f}",
        ),
    ]
    return [f"{STARTUP_ROW_PREFIX}{label} | {figures} | {baseline} | {ratio} |" for label, figures, baseline, ratio in rows]


def memory_spread(spread: Spread) -> str:
    """Format a spread of byte counts in MiB with one decimal, since runs often differ by less than 1 MiB."""
    mebibytes = [value / 1024**2 for value in (spread.median, spread.low, spread.high)]
    return f"{mebibytes[0]:,.1f} MiB, runs {mebibytes[1]:,.1f}–{mebibytes[2]:,.1f} MiB"


def process_count(runs: ServerRuns) -> str:
    return counted(runs.processes, "process", "processes")


def startup_section(result: ApiStartupResult, machine: Machine, command: str) -> str:
    install = ""
    if result.mlflow_install_seconds is not None:
        install = f", of which {result.mlflow_install_seconds:.0f} s installing MLflow"
    modelcloud, mlflow = result.modelcloud, result.mlflow
    return "\n\n".join(
        [
            STARTUP_HEADING,
            paragraph(
                f"Measured on {result.measured_at:%Y-%m-%d %H:%M} UTC by `{command}` ({result.seconds:.0f} s{install}) on "
                f"{machine.cpu} with {machine.cores} cores, Python {machine.python}, ModelCloud {modelcloud.version} and "
                f"MLflow {mlflow.version}. The 1-minute load average was {machine.load_average:.2f} when the run started, "
                f"and from {result.load_average[0]:.2f} to {result.load_average[1]:.2f} as each timed start began. Other "
                "processes were not stopped. In the `API startup` rows the result is ModelCloud and the baseline MLflow, "
                "and the ratio divides ModelCloud's median by MLflow's, so below 1 means ModelCloud was ready sooner or "
                f"held less memory. A figure followed by \"runs\" is the median of {result.runs} starts and then the "
                "lowest and highest one."
            ),
            startup_method(result),
            startup_memory(result),
        ]
    )


def startup_method(result: ApiStartupResult) -> str:
    return paragraph(
        "Each start gets a new temporary folder with a new SQLite file and a free loopback port, and the servers take "
        f"turns, each repetition starting with the other one, after one untimed start of each that fills the operating "
        "system's file cache. ModelCloud runs `python -m backend.cli serve`, which the `modelcloud serve` command runs, "
        "with `MODELCLOUD_DATABASE_URL`, `MODELCLOUD_ARTIFACTS`, `MODELCLOUD_HOST`, `MODELCLOUD_PORT` and "
        "`MODELCLOUD_LOG_LEVEL=WARNING`, and every other setting at its default, workers and periodic policies "
        "included. Its start creates the event store and read-model tables, creates the first administrator (an "
        "argon2 password hash), a team and a token, prints them, and starts the projection thread, the reconciler and "
        "the policies before uvicorn listens. MLflow runs `mlflow server --backend-store-uri sqlite:///… "
        "--default-artifact-root … --host 127.0.0.1 --port … --workers 1` with job execution off. Its start creates "
        "its tables on the new SQLite file (its database migrations) and then starts one uvicorn worker process. "
        "MLflow's default is 4 workers, which would hold more memory. The clock starts just before the process is "
        f"spawned, and the benchmark polls the health endpoints every {api_startup.POLL_SECONDS * 1000:.0f} ms, so a "
        "figure can be late by up to that much. ModelCloud's /healthz answers once the HTTP server runs, and /readyz "
        "once every projection has caught up with the log and none is failing."
    )


def startup_memory(result: ApiStartupResult) -> str:
    modelcloud, mlflow = result.modelcloud, result.mlflow
    ray = "none" if modelcloud.ray_processes == 0 else f"up to {modelcloud.ray_processes}"
    loaded = "was" if modelcloud.ray_loaded else "was not"
    return paragraph(
        "Memory is VmRSS summed over the server process and its descendants (from /proc), right after the first 200 "
        f"from /readyz or /health and again after {result.requests} requests sent one after another over one "
        f"keep-alive connection: GraphQL `models(first: {api_startup.PAGE})` with the first administrator's API token "
        f"from the lines the server prints at first start, and MLflow's `GET {registry_search.MLFLOW_SEARCH_PATH}"
        f"?max_results={api_startup.PAGE}`. Both registries are empty. The requests' p50, the median over the runs, "
        f"was {milliseconds(modelcloud.request_p50_ms.median)} ms on ModelCloud and "
        f"{milliseconds(mlflow.request_p50_ms.median)} ms on MLflow. MLflow's tree is the `mlflow server` command, "
        "which stays to supervise, and the uvicorn process it starts, the larger of the two holding "
        f"{memory(int(mlflow.ready_largest_rss_bytes.median))} when ready. "
        "Pages that processes share count once for each process. Ray: `modelcloud serve` runs with workers on, but on "
        "a fresh store the reconciler has no version to inspect, dataset to profile, run, evaluation or deployment, so "
        "it does not start Ray. The first such job starts Ray later (a local head unless `RAY_ADDRESS` names a "
        "cluster), and neither that start nor Ray's processes are in these figures. The benchmark found "
        f"{ray} of Ray's processes in the tree, and Ray's native module (`_raylet`) {loaded} mapped into the API process."
    )


def merge_rebuild(readme: str, result: ProjectionRebuildResult, machine: Machine) -> str:
    """Replace the projection rebuild rows, the projection rebuild section and the reproduce section of `readme`, keeping the rest."""
    section = rebuild_section(result, machine, "python -m bench.run --only rebuild")
    return merge_benchmark(readme, REBUILD_ROW_PREFIX, rebuild_rows(result), REBUILD_HEADING, section)


def merge_startup(readme: str, result: ApiStartupResult, machine: Machine) -> str:
    """Replace the API startup rows, the API startup section and the reproduce section of `readme`, keeping the rest."""
    section = startup_section(result, machine, "python -m bench.run --only startup")
    return merge_benchmark(readme, STARTUP_ROW_PREFIX, startup_rows(result), STARTUP_HEADING, section)


def encryption_section(result: EncryptionCostResult, machine: Machine, command: str) -> str:
    postgres = f" and PostgreSQL {machine.postgres}" if any(run.database == "PostgreSQL" for run in result.runs) else ""
    return "\n\n".join(
        [
            encryption_cost.HEADING,
            paragraph(
                f"Measured on {result.measured_at:%Y-%m-%d %H:%M} UTC by `{command}` ({result.seconds:.0f} s) on "
                f"{machine.cpu} with {machine.cores} cores, Python {machine.python}, SQLite {machine.sqlite}{postgres}. The "
                f"1-minute load average was {machine.load_average:.2f} when the run started. Other processes were not "
                "stopped. In the `Encryption at rest` rows the result is the encrypted store, with "
                "MODELCLOUD_ENCRYPTION_KEY set, and the baseline is the same work on an unencrypted one."
            ),
            encryption_cost.readme_method(result),
        ]
    )


def merge_encryption(readme: str, result: EncryptionCostResult, machine: Machine) -> str:
    """Replace the encryption rows, the encryption section and the reproduce section of `readme`, keeping the rest."""
    section = encryption_section(result, machine, "python -m bench.run --only encryption")
    return merge_benchmark(readme, encryption_cost.ROW_PREFIX, encryption_cost.readme_rows(result), encryption_cost.HEADING, section)


def merge_registry(readme: str, result: RegistrySearchResult, machine: Machine) -> str:
    """Replace the registry rows, the registry section and the reproduce section of `readme`, keeping the rest."""
    section = registry_section(result, machine, "python -m bench.run --only registry")
    return merge_benchmark(readme, REGISTRY_ROW_PREFIX, registry_rows(result), REGISTRY_HEADING, section)


def merge_datasets(readme: str, result: DatasetIngestResult, machine: Machine) -> str:
    """Replace the dataset ingest rows, the dataset ingest section and the reproduce section of `readme`, keeping the rest."""
    section = dataset_section(result, machine, "python -m bench.run --only datasets")
    return merge_benchmark(readme, DATASET_ROW_PREFIX, dataset_rows(result), DATASET_HEADING, section)


def merge_training(readme: str, result: TrainingResult, machine: Machine) -> str:
    """Replace the training rows, the training section and the reproduce section of `readme`, keeping the rest."""
    section = training_section(result, machine, "python -m bench.run --only training")
    return merge_benchmark(readme, TRAINING_ROW_PREFIX, training_rows(result), TRAINING_HEADING, section)


def merge_tracking(readme: str, result: TrackingIngestResult, machine: Machine) -> str:
    """Replace the tracking ingest rows, the tracking ingest section and the reproduce section of `readme`, keeping the rest."""
    section = tracking_section(result, machine, "python -m bench.run --only tracking")
    return merge_benchmark(readme, TRACKING_ROW_PREFIX, tracking_rows(result), TRACKING_HEADING, section)


def merge_serving(readme: str, result: ServingResult, machine: Machine) -> str:
    """Replace the serving rows, the serving section and the reproduce section of `readme`, keeping the rest."""
    section = serving_section(result, machine, "python -m bench.run --only serving")
    return merge_benchmark(readme, SERVING_ROW_PREFIX, serving_rows(result), SERVING_HEADING, section)


def merge_benchmark(readme: str, row_prefix: str, rows: list[str], heading: str, section: str) -> str:
    """Replace one benchmark's table rows and section, and the reproduce section, of `readme`.

    Rows with a baseline replace the old ones in the comparison table. Rows without one replace those in the table
    of figures without a peer. Rows go to the end of their table when it had none of this benchmark's rows.
    """
    lines = readme.split("\n")
    for header in (TABLE_HEADER, DETAIL_HEADER):
        if header not in lines:
            raise SystemExit(f"The README has no results table starting with {header!r}. Run `python -m bench.run` first.")
    compared, alone = split_rows(rows)
    lines = merge_rows(lines, TABLE_HEADER, row_prefix, compared)
    lines = merge_rows(lines, DETAIL_HEADER, row_prefix, alone)
    merged = replace_section("\n".join(lines), heading, section)
    return replace_section(merged, REPRODUCE_HEADING, reproduce_section())


def merge_rows(lines: list[str], header: str, row_prefix: str, rows: list[str]) -> list[str]:
    """Put `rows` where the table under `header` had its rows starting with `row_prefix`, or at the table's end."""
    start = lines.index(header)
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    old = [index for index in range(start, end) if lines[index].startswith(row_prefix)]
    table = [line for line in lines[start:end] if not line.startswith(row_prefix)]
    position = old[0] - start if old else len(table)
    table[position:position] = rows
    return lines[:start] + table + lines[end:]


def replace_section(text: str, heading: str, section: str) -> str:
    """Replace the section that starts at `heading` and runs to the next `## ` heading, or insert it before the reproduce section."""
    start = text.find(f"\n{heading}\n")
    if start == -1:
        start = text.find(f"\n{REPRODUCE_HEADING}\n")
        if start == -1:
            return text.rstrip("\n") + "\n\n" + section + "\n"
        return text[: start + 1] + section + "\n\n" + text[start + 1 :]
    end = text.find("\n## ", start + 1)
    tail = text[end + 1 :] if end != -1 else ""
    return text[: start + 1] + section + ("\n\n" + tail if tail else "\n")


def paragraph(text: str) -> str:
    return textwrap.fill(text, width=PROSE_WIDTH, break_on_hyphens=False)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run every benchmark and rewrite bench/README.md.")
    parser.add_argument("--commands", type=int, default=command_throughput.COMMANDS, help="Commands per throughput run.")
    parser.add_argument(
        "--repeats", type=int, default=command_throughput.REPEATS, help="Runs of each throughput measurement, of which the median is reported."
    )
    parser.add_argument("--connections", type=int, default=subscriber_latency.CONNECTIONS, help="WebSocket connections.")
    parser.add_argument(
        "--per-connection", type=int, default=subscriber_latency.SUBSCRIPTIONS_PER_CONNECTION,
        help="Subscriptions on each connection, at most 100.",
    )
    parser.add_argument("--mutations", type=int, default=subscriber_latency.MUTATIONS, help="Measured createTeam mutations.")
    parser.add_argument("--models", type=int, default=registry_search.MODELS, help="Registered models in the registry search benchmark.")
    parser.add_argument("--versions", type=int, default=registry_search.VERSIONS, help="Model versions in the registry search benchmark.")
    parser.add_argument(
        "--iterations", type=int, default=registry_search.ITERATIONS, help="Timed runs of each registry query on each side."
    )
    parser.add_argument(
        "--http-iterations", type=int, default=registry_search.HTTP_ITERATIONS, help="Timed HTTP requests to each registry server."
    )
    parser.add_argument(
        "--csv-bytes", type=int, default=dataset_ingest.CSV_BYTES, help="Size in bytes of the CSV the dataset ingest benchmark generates."
    )
    parser.add_argument(
        "--training-repeats", type=int, default=training.LOOP_REPEATS,
        help="Timed runs of each training loop variant and of Keras' fit, of which the median is reported.",
    )
    parser.add_argument(
        "--training-server-repeats", type=int, default=training.PLATFORM_REPEATS,
        help="Training runs on the server with 1 and with 2 workers each.",
    )
    parser.add_argument(
        "--series-points", type=int, default=training.SERIES_POINTS, help="Step points in the long metric series of the training benchmark."
    )
    parser.add_argument(
        "--tracking-steps", type=int, default=tracking_ingest.STEPS,
        help=f"Steps logged in each tracking ingest run, each with {len(tracking_ingest.METRIC_NAMES)} metrics.",
    )
    parser.add_argument(
        "--tracking-repeats", type=int, default=tracking_ingest.REPEATS,
        help="Timed tracking ingest runs of each client and server, of which the median is reported.",
    )
    parser.add_argument(
        "--rebuild-events", type=int, default=projection_rebuild.EVENTS, help="Events in the projection rebuild benchmark's SQLite log."
    )
    parser.add_argument(
        "--rebuild-postgres-events", type=int, default=projection_rebuild.POSTGRES_EVENTS,
        help="Events of that log that the projection rebuild benchmark copies to PostgreSQL.",
    )
    parser.add_argument(
        "--startup-runs", type=int, default=api_startup.RUNS, help="Timed starts of each server in the API startup benchmark."
    )
    parser.add_argument(
        "--encryption-commands", type=int, default=encryption_cost.COMMANDS,
        help="createTeam commands in each run of the encryption at rest benchmark.",
    )
    parser.add_argument(
        "--encryption-repeats", type=int, default=encryption_cost.REPEATS,
        help="Runs of each side of the encryption at rest benchmark, of which the median is reported.",
    )
    parser.add_argument("--skip-postgres", action="store_true", help="Measure SQLite only.")
    parser.add_argument(
        "--only", choices=["registry", "datasets", "training", "tracking", "serving", "rebuild", "startup", "encryption"],
        help="Run only this benchmark and replace its rows and section in the output file, keeping the rest.",
    )
    parser.add_argument("--output", type=Path, default=README, help=f"File to write (default {README}).")
    arguments = parser.parse_args()

    if arguments.only == "registry":
        run_registry_only(arguments)
        return
    if arguments.only == "datasets":
        run_datasets_only(arguments)
        return
    if arguments.only == "training":
        run_training_only(arguments)
        return
    if arguments.only == "tracking":
        run_tracking_only(arguments)
        return
    if arguments.only == "serving":
        run_serving_only(arguments)
        return
    if arguments.only == "rebuild":
        run_rebuild_only(arguments)
        return
    if arguments.only == "startup":
        run_startup_only(arguments)
        return
    if arguments.only == "encryption":
        run_encryption_only(arguments)
        return

    started = time.monotonic()
    measured_at = datetime.now(timezone.utc)
    with command_throughput.bench_postgres_database(arguments.skip_postgres) as postgres_url:
        machine = describe_machine(postgres_url)
        print("command throughput", flush=True)
        report = command_throughput.measure(arguments.commands, postgres_url, arguments.repeats)

    print("subscriber latency", flush=True)
    latency = subscriber_latency.measure(arguments.connections, arguments.per_connection, arguments.mutations)

    print("registry search", flush=True)
    registry = measure_registry(arguments)

    print("dataset ingest", flush=True)
    datasets = dataset_ingest.measure(arguments.csv_bytes)

    print("training", flush=True)
    trained = measure_training(arguments)

    print("tracking ingest", flush=True)
    # The throughput benchmark's database is dropped by now, so this benchmark gets a fresh one.
    with command_throughput.bench_postgres_database(arguments.skip_postgres) as tracking_postgres_url:
        tracked = measure_tracking(arguments, tracking_postgres_url)

    print("serving", flush=True)
    served = serving.measure()

    print("projection rebuild", flush=True)
    with command_throughput.bench_postgres_database(arguments.skip_postgres) as rebuild_postgres_url:
        rebuilt = measure_rebuild(arguments, rebuild_postgres_url)

    print("API startup", flush=True)
    started_up = api_startup.measure(arguments.startup_runs)

    print("encryption at rest", flush=True)
    with command_throughput.bench_postgres_database(arguments.skip_postgres) as encryption_postgres_url:
        encrypted = measure_encryption(arguments, encryption_postgres_url)

    readme = render_readme(
        report, latency, registry, datasets, trained, tracked, served, rebuilt, started_up, encrypted, machine, measured_at,
        time.monotonic() - started,
    )
    arguments.output.write_text(readme)
    print(readme)


def measure_registry(arguments: argparse.Namespace) -> RegistrySearchResult:
    return registry_search.measure(arguments.models, arguments.versions, arguments.iterations, arguments.http_iterations)


def run_registry_only(arguments: argparse.Namespace) -> None:
    if not arguments.output.exists():
        raise SystemExit(f"{arguments.output} does not exist. Run `python -m bench.run` without --only to create it.")
    machine = describe_machine(None)
    print("registry search", flush=True)
    registry = measure_registry(arguments)
    readme = merge_registry(arguments.output.read_text(), registry, machine)
    arguments.output.write_text(readme)
    print(readme)


def run_datasets_only(arguments: argparse.Namespace) -> None:
    if not arguments.output.exists():
        raise SystemExit(f"{arguments.output} does not exist. Run `python -m bench.run` without --only to create it.")
    machine = describe_machine(None)
    print("dataset ingest", flush=True)
    datasets = dataset_ingest.measure(arguments.csv_bytes)
    readme = merge_datasets(arguments.output.read_text(), datasets, machine)
    arguments.output.write_text(readme)
    print(readme)



def measure_training(arguments: argparse.Namespace) -> TrainingResult:
    return training.measure(arguments.training_repeats, arguments.training_server_repeats, arguments.series_points)


def run_training_only(arguments: argparse.Namespace) -> None:
    if not arguments.output.exists():
        raise SystemExit(f"{arguments.output} does not exist. Run `python -m bench.run` without --only to create it.")
    machine = describe_machine(None)
    print("training", flush=True)
    trained = measure_training(arguments)
    readme = merge_training(arguments.output.read_text(), trained, machine)
    arguments.output.write_text(readme)
    print(readme)


def measure_tracking(arguments: argparse.Namespace, postgres_url: str | None) -> TrackingIngestResult:
    return tracking_ingest.measure(arguments.tracking_steps, arguments.tracking_repeats, postgres_url)


def run_tracking_only(arguments: argparse.Namespace) -> None:
    if not arguments.output.exists():
        raise SystemExit(f"{arguments.output} does not exist. Run `python -m bench.run` without --only to create it.")
    print("tracking ingest", flush=True)
    with command_throughput.bench_postgres_database(arguments.skip_postgres) as postgres_url:
        machine = describe_machine(postgres_url)
        tracked = measure_tracking(arguments, postgres_url)
    readme = merge_tracking(arguments.output.read_text(), tracked, machine)
    arguments.output.write_text(readme)
    print(readme)


def run_serving_only(arguments: argparse.Namespace) -> None:
    if not arguments.output.exists():
        raise SystemExit(f"{arguments.output} does not exist. Run `python -m bench.run` without --only to create it.")
    machine = describe_machine(None)
    print("serving", flush=True)
    served = serving.measure()
    readme = merge_serving(arguments.output.read_text(), served, machine)
    arguments.output.write_text(readme)
    print(readme)



def measure_rebuild(arguments: argparse.Namespace, postgres_url: str | None) -> ProjectionRebuildResult:
    return projection_rebuild.measure(arguments.rebuild_events, postgres_url, arguments.rebuild_postgres_events)


def run_rebuild_only(arguments: argparse.Namespace) -> None:
    if not arguments.output.exists():
        raise SystemExit(f"{arguments.output} does not exist. Run `python -m bench.run` without --only to create it.")
    print("projection rebuild", flush=True)
    with command_throughput.bench_postgres_database(arguments.skip_postgres) as postgres_url:
        machine = describe_machine(postgres_url)
        rebuilt = measure_rebuild(arguments, postgres_url)
    readme = merge_rebuild(arguments.output.read_text(), rebuilt, machine)
    arguments.output.write_text(readme)
    print(readme)


def run_startup_only(arguments: argparse.Namespace) -> None:
    if not arguments.output.exists():
        raise SystemExit(f"{arguments.output} does not exist. Run `python -m bench.run` without --only to create it.")
    machine = describe_machine(None)
    print("API startup", flush=True)
    started_up = api_startup.measure(arguments.startup_runs)
    readme = merge_startup(arguments.output.read_text(), started_up, machine)
    arguments.output.write_text(readme)
    print(readme)


def measure_encryption(arguments: argparse.Namespace, postgres_url: str | None) -> EncryptionCostResult:
    return encryption_cost.measure(arguments.encryption_commands, postgres_url, arguments.encryption_repeats)


def run_encryption_only(arguments: argparse.Namespace) -> None:
    if not arguments.output.exists():
        raise SystemExit(f"{arguments.output} does not exist. Run `python -m bench.run` without --only to create it.")
    print("encryption at rest", flush=True)
    with command_throughput.bench_postgres_database(arguments.skip_postgres) as postgres_url:
        machine = describe_machine(postgres_url)
        encrypted = measure_encryption(arguments, postgres_url)
    readme = merge_encryption(arguments.output.read_text(), encrypted, machine)
    arguments.output.write_text(readme)
    print(readme)


if __name__ == "__main__":
    main()
