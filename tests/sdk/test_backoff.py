"""Retry delays and the retry loop for calls that may or may not be sent again."""

from __future__ import annotations

import pytest

from modelcloud.backoff import Backoff, call_with_retries
from modelcloud.errors import ApiError, ServerUnavailable

pytestmark = pytest.mark.unit


def test_delay_ceiling_doubles_up_to_cap() -> None:
    ceilings = Backoff(base=0.5, cap=10.0, uniform=lambda low, high: high)

    assert [ceilings.delay(attempt) for attempt in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert ceilings.delay(10_000) == 10.0


def test_delay_is_jittered_from_zero() -> None:
    backoff = Backoff(base=1.0, cap=4.0)

    delays = [backoff.delay(2) for _ in range(200)]

    assert all(0.0 <= delay <= 4.0 for delay in delays)
    assert len(set(delays)) > 100


class Flaky:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "done"


def test_transient_failures_are_retried() -> None:
    call = Flaky([ServerUnavailable("503"), ServerUnavailable("refused", request_sent=False)])
    sleeps: list[float] = []

    assert call_with_retries(call, timeout=5, backoff=Backoff(0.1, 0.2), sleep=sleeps.append) == "done"
    assert call.calls == 3
    assert len(sleeps) == 2


def test_sent_request_is_not_repeated_when_not_idempotent() -> None:
    call = Flaky([ServerUnavailable("read timed out", request_sent=True)])

    with pytest.raises(ServerUnavailable):
        call_with_retries(call, timeout=5, retry_sent=False, sleep=lambda _: None)
    assert call.calls == 1


def test_rejection_is_not_retried() -> None:
    call = Flaky([ApiError("no such team", "NOT_FOUND")])

    with pytest.raises(ApiError):
        call_with_retries(call, timeout=5, sleep=lambda _: None)
    assert call.calls == 1


def test_retries_stop_at_timeout() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    call = Flaky([ServerUnavailable("503")] * 1000)
    with pytest.raises(ServerUnavailable):
        call_with_retries(call, timeout=3.0, backoff=Backoff(0.5, 1.0, uniform=lambda low, high: high), sleep=sleep,
                          clock=lambda: now[0])
    # Delays 0.5, 1.0 and 1.0 end at 2.5 s, the last one is cut to the 0.5 s left, and then it gives up.
    assert now[0] == 3.0
    assert call.calls == 5


def test_last_retry_waits_out_deadline() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    call = Flaky([ServerUnavailable("refused", request_sent=False)] * 1000)
    with pytest.raises(ServerUnavailable):
        call_with_retries(call, timeout=5.0, backoff=Backoff(4.0, 10.0, uniform=lambda low, high: high), sleep=sleep,
                          clock=lambda: now[0])

    # The second delay (8 s) would end after the deadline, so the client waits the 1 s left and tries once more.
    assert now[0] == 5.0
    assert call.calls == 3
