"""bench/README.md's two tables: figures beside a peer's, and figures without one."""

from __future__ import annotations

from bench.run import DETAIL_HEADER, DETAIL_HEADING, TABLE_HEADER, merge_benchmark, results_tables, split_rows

COMPARED = "| Serving: Serve handle, 1 row | 19.4 ms p50 | in-process `tf.function`: 1,544 requests/s | 0.26 |"
ALONE = "| Serving: REST `GET /v1/models/{name}`, no model call | 11.9 ms p50 | | |"
OTHER = "| API startup: RSS when ready | 118.0 MiB | MLflow: 491.9 MiB | 0.24 |"
OTHER_ALONE = "| API startup: process count | 1 process |"


def readme(*table_rows: str, detail_rows: tuple[str, ...] = ()) -> str:
    return "\n".join(
        [
            "# Benchmarks",
            "",
            TABLE_HEADER,
            "|---|---|---|---|",
            *table_rows,
            "",
            DETAIL_HEADING,
            "",
            "Intro.",
            "",
            DETAIL_HEADER,
            "|---|---|",
            *detail_rows,
            "",
            "## Serving (`bench/serving.py`)",
            "",
            "Old serving prose.",
            "",
            "## Reproduce",
            "",
            "Old.",
            "",
        ]
    )


def test_row_without_baseline_moves_down() -> None:
    compared, alone = split_rows([COMPARED, ALONE])

    assert compared == [COMPARED]
    assert alone == ["| Serving: REST `GET /v1/models/{name}`, no model call | 11.9 ms p50 |"]


def test_tables_list_each_row_once() -> None:
    comparison, heading, _intro, details = results_tables([COMPARED, ALONE, OTHER])

    assert comparison.splitlines()[2:] == [COMPARED, OTHER]
    assert heading == DETAIL_HEADING
    assert details.splitlines()[2:] == ["| Serving: REST `GET /v1/models/{name}`, no model call | 11.9 ms p50 |"]


def test_merge_updates_both_tables() -> None:
    old_compared = COMPARED.replace("19.4", "25.0")
    text = readme(old_compared, OTHER, detail_rows=("| Serving: old detail | 1 ms |", OTHER_ALONE))

    merged = merge_benchmark(text, "| Serving: ", [COMPARED, ALONE], "## Serving (`bench/serving.py`)", "## Serving (`bench/serving.py`)\n\nNew prose.")

    lines = merged.splitlines()
    table = lines[lines.index(TABLE_HEADER) + 2 : lines.index(DETAIL_HEADING) - 1]
    details = lines[lines.index(DETAIL_HEADER) + 2 : lines.index("## Serving (`bench/serving.py`)") - 1]
    assert table == [COMPARED, OTHER]
    assert details == ["| Serving: REST `GET /v1/models/{name}`, no model call | 11.9 ms p50 |", OTHER_ALONE]
    assert "New prose." in merged
    assert "Old serving prose." not in merged
