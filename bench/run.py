"""Run every benchmark and rewrite bench/README.md with the results and the machine they ran on.

`make bench` runs this module, which creates a fresh PostgreSQL database and drops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import textwrap
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psycopg

from bench import command_throughput, subscriber_latency
from bench.command_throughput import CommandRun, ThroughputReport
from bench.subscriber_latency import LatencyResult

README = Path(__file__).with_name("README.md")
PROSE_WIDTH = 100


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
        f"| Entry delivery after the mutation is sent, {subscribers}, p50 | {result.delivery_p50_ms:,.0f} ms | | |",
        f"| Entry delivery after the mutation is sent, {subscribers}, p99 | {result.delivery_p99_ms:,.0f} ms | | |",
        f"| createTeam round trip, {subscribers}, p50 | {result.mutation_p50_ms:,.0f} ms "
        f"| {result.idle_mutation_p50_ms:,.1f} ms with no subscriptions "
        f"| {result.mutation_p50_ms / result.idle_mutation_p50_ms:.1f} |",
    ]


def payload_sizes(report: ThroughputReport) -> str:
    first_database = report.baselines[0].database
    sizes = [
        f"{raw.workload} {raw.mean_payload_bytes:,.0f} bytes" for raw in report.baselines if raw.database == first_database
    ]
    return ", ".join(sizes)


def render_readme(report: ThroughputReport, latency: LatencyResult, machine: Machine, measured_at: datetime, seconds: float) -> str:
    sections = [
        "# Benchmarks",
        paragraph(
            f"Measured on {measured_at:%Y-%m-%d %H:%M} UTC by `python -m bench.run`, which `make bench` runs "
            f"({seconds:.0f} s). Every ratio divides two figures measured in the same run on the same machine."
        ),
        "\n".join(
            [
                "| Measurement | Result | Baseline | Ratio |",
                "|---|---|---|---|",
                *throughput_rows(report),
                *latency_rows(latency),
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
        "## Reproduce",
        "```\nmake bench\n```",
        paragraph(
            "`make bench` starts the local PostgreSQL server and runs `python -m bench.run`, which creates "
            "`modelcloud_bench_<timestamp>` on `postgresql://postgres@127.0.0.1:5432`, drops it afterwards and "
            "rewrites this file. Set `MODELCLOUD_BENCH_POSTGRES_URL` to use an existing database instead. "
            "`python -m bench.run --help` lists the sizes, which are constants in each module."
        ),
    ]
    return "\n\n".join(sections) + "\n"


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
        f"one monotonic clock. Maximum {latency.delivery_max_ms:,.0f} ms. The client shares the machine with the "
        f"server. During the measured mutations the server used {latency.server_cpu_seconds:.1f} s of CPU "
        f"({server_cpu_per_delivery:,.0f} µs for each delivery, mutations and projections included) and the client "
        f"{latency.client_cpu_seconds:.1f} s, in {latency.wall_seconds:.1f} s of wall time."
    )


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
    parser.add_argument("--skip-postgres", action="store_true", help="Measure SQLite only.")
    parser.add_argument("--output", type=Path, default=README, help=f"File to write (default {README}).")
    arguments = parser.parse_args()

    started = time.monotonic()
    measured_at = datetime.now(timezone.utc)
    with command_throughput.bench_postgres_database(arguments.skip_postgres) as postgres_url:
        machine = describe_machine(postgres_url)
        print("command throughput", flush=True)
        report = command_throughput.measure(arguments.commands, postgres_url, arguments.repeats)

    print("subscriber latency", flush=True)
    latency = subscriber_latency.measure(arguments.connections, arguments.per_connection, arguments.mutations)

    readme = render_readme(report, latency, machine, measured_at, time.monotonic() - started)
    arguments.output.write_text(readme)
    print(readme)


if __name__ == "__main__":
    main()
