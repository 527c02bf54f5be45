"""One measured step of the dataset benchmark, run by `bench/dataset_ingest.py` in a fresh process.

    python -m bench.dataset_ingest_subprocess ingest CSV PARQUET LABEL RESULT_JSON
    python -m bench.dataset_ingest_subprocess profile PARQUET LABEL RESULT_JSON
    python -m bench.dataset_ingest_subprocess pandas CSV RESULT_JSON

Each step imports only what it runs (the engine's modules or pandas), so the peak RSS of the
process covers that step and its imports alone. The result is a JSON object written to
RESULT_JSON: wall and CPU seconds of the measured calls (imports excluded), the peak RSS of
the process (imports included), the RSS right after the imports, and a summary of the output
that the parent process checks.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def current_rss_bytes() -> int:
    return proc_status_bytes("VmRSS:")


def peak_rss_bytes() -> int:
    """Return the peak RSS of this process since it started its program (VmHWM).

    ru_maxrss from getrusage is no use here: Linux carries it over from the parent through fork
    and exec, so a child would report at least the parent's RSS at the time it was started.
    """
    return proc_status_bytes("VmHWM:")


def proc_status_bytes(field: str) -> int:
    """Return a memory field of /proc/self/status in bytes; raise on a system without /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field} line.")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(call: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """Run `call` and return its result with its wall and CPU seconds and the process's peak RSS after it."""
    wall, cpu = time.monotonic(), cpu_seconds()
    result = call()
    return result, {
        "seconds": time.monotonic() - wall,
        "cpu_seconds": cpu_seconds() - cpu,
        "peak_rss_bytes": peak_rss_bytes(),
    }


def run_ingest(csv_path: str, parquet_path: str, label: str) -> dict[str, Any]:
    import pyarrow

    from workers.datasets.ingest import ingest

    after_imports = current_rss_bytes()
    result, measured = timed(lambda: ingest(csv_path, os.path.basename(csv_path), parquet_path, label=label))
    return {
        **measured,
        "rss_after_imports_bytes": after_imports,
        "arrow_threads": pyarrow.cpu_count(),
        "rows": result["rows"],
        "column_types": {column["name"]: column["type"] for column in result["columns"]},
        "parquet_bytes": os.path.getsize(parquet_path),
    }


def run_profile(parquet_path: str, label: str) -> dict[str, Any]:
    from workers.datasets.profile import profile

    after_imports = current_rss_bytes()
    result, measured = timed(lambda: profile(parquet_path, label=label))
    columns = {
        column["name"]: {
            "present": result["rows"] - column["missing"],
            "distinct": column["distinct"],
            "distinct_exact": column["distinctExact"],
            "mean": column.get("mean"),
        }
        for column in result["columns"]
    }
    return {**measured, "rss_after_imports_bytes": after_imports, "rows": result["rows"], "columns": columns}


def run_pandas(csv_path: str) -> dict[str, Any]:
    import pandas as pd

    after_imports = current_rss_bytes()
    frame, read = timed(lambda: pd.read_csv(csv_path))
    description, described = timed(lambda: frame.describe(include="all"))
    columns = {
        str(name): {
            "present": int(description.at["count", name]),
            "distinct": number_or_none(description.at["unique", name]) if "unique" in description.index else None,
            "mean": number_or_none(description.at["mean", name]) if "mean" in description.index else None,
            "dtype": str(frame[name].dtype),
        }
        for name in description.columns
    }
    return {
        "read_csv": read,
        "describe": described,
        "rss_after_imports_bytes": after_imports,
        "frame_bytes": int(frame.memory_usage(deep=True).sum()),
        "rows": len(frame),
        "columns": columns,
        "pandas_version": pd.__version__,
    }


def number_or_none(value: Any) -> float | None:
    """Return `value` as a float, or None where describe() left the statistic empty (NaN) for the column's dtype."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def main() -> None:
    parser = argparse.ArgumentParser(description="Run one measured step of the dataset benchmark and write its result as JSON.")
    steps = parser.add_subparsers(dest="step", required=True)
    ingest = steps.add_parser("ingest", help="workers.datasets.ingest.ingest from CSV to Parquet.")
    ingest.add_argument("csv")
    ingest.add_argument("parquet")
    ingest.add_argument("label")
    ingest.add_argument("result", type=Path)
    profile = steps.add_parser("profile", help="workers.datasets.profile.profile of a canonical Parquet file.")
    profile.add_argument("parquet")
    profile.add_argument("label")
    profile.add_argument("result", type=Path)
    baseline = steps.add_parser("pandas", help="pandas.read_csv followed by DataFrame.describe(include='all').")
    baseline.add_argument("csv")
    baseline.add_argument("result", type=Path)
    arguments = parser.parse_args()

    if arguments.step == "ingest":
        result = run_ingest(arguments.csv, arguments.parquet, arguments.label)
    elif arguments.step == "profile":
        result = run_profile(arguments.parquet, arguments.label)
    else:
        result = run_pandas(arguments.csv)
    arguments.result.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
