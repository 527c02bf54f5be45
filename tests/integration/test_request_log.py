"""The request log's sampling and storage, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from backend.application import request_log
from backend.application.request_log import LoggedCall, RequestSampler
from backend.runtime import Runtime

pytestmark = pytest.mark.integration


def call(deployment_id: str, number: int) -> LoggedCall:
    return LoggedCall(deployment_id=deployment_id, logged_at=f"2026-12-01T09:00:{number:02d}.000000+00:00", version=1,
                      caller="someone", rows=1, latency_ms=2.5, inputs={"features": [[float(number)] * 3]},
                      outputs={"predictions": [[0.5]]})


def test_sampler_takes_exact_share() -> None:
    sampler = RequestSampler()

    taken = [sampler.take("a", 0.1) for _ in range(100)]

    assert sum(taken) == 10
    assert [index for index, kept in enumerate(taken) if kept][:3] == [9, 19, 29]
    assert sum(sampler.take("b", 0.0) for _ in range(50)) == 0
    assert sum(sampler.take("c", 1.0) for _ in range(50)) == 50


def test_entries_numbered_newest_first(runtime: Runtime) -> None:
    runtime.request_log.append([call("d1", 1), call("d1", 2), call("d2", 3)])
    runtime.request_log.append([call("d1", 4)])

    entries = runtime.request_log.entries("d1", None, 10)

    assert [row["entry_id"] for row in entries] == [3, 2, 1]
    assert entries[0]["inputs"] == '{"features": [[4.0, 4.0, 4.0]]}'
    assert [row["entry_id"] for row in runtime.request_log.entries("d1", 3, 10)] == [2, 1]
    assert len(runtime.request_log.entries("d2", None, 10)) == 1


def test_oldest_entries_dropped_beyond_cap(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(request_log, "MAX_ENTRIES_PER_DEPLOYMENT", 3)

    runtime.request_log.append([call("d1", number) for number in range(1, 6)])

    assert [row["entry_id"] for row in runtime.request_log.entries("d1", None, 10)] == [5, 4, 3]
