"""Exponential backoff with full jitter for requests sent again after a transient failure."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from modelcloud.errors import ServerUnavailable

log = logging.getLogger("modelcloud")

Result = TypeVar("Result")


class Backoff:
    """Delays before each retry: a random time between 0 and `base * 2**attempt` seconds, at most `cap`.

    Full jitter spreads the retries of many clients that lost the same server at once, so they
    do not all come back in the same second.
    """

    def __init__(self, base: float = 0.5, cap: float = 10.0, uniform: Callable[[float, float], float] = random.uniform) -> None:
        if base <= 0 or cap < base:
            raise ValueError(f"invalid backoff: base {base} must be positive and cap {cap} at least base")
        self.base = base
        self.cap = cap
        self.uniform = uniform

    def delay(self, attempt: int) -> float:
        """Return the seconds to wait before retry number `attempt` (0 for the first retry)."""
        ceiling = self.cap if attempt >= 64 else min(self.cap, self.base * 2**attempt)
        return self.uniform(0.0, ceiling)


def call_with_retries(
    call: Callable[[], Result],
    *,
    timeout: float,
    backoff: Backoff | None = None,
    retry_sent: bool = True,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Result:
    """Return `call()`, retrying after ServerUnavailable with backoff for up to `timeout` seconds.

    When the next delay would end after the deadline, the last retry is sent at the deadline
    instead, so a short `timeout` still gets its full time. With `retry_sent=False` a request is
    sent again only when the connection failed, for calls that are not idempotent: the server
    may have acted on a request whose response was lost.
    """
    backoff = backoff or Backoff()
    deadline = clock() + timeout
    attempt = 0
    while True:
        try:
            return call()
        except ServerUnavailable as error:
            if error.request_sent and not retry_sent:
                raise
            remaining = deadline - clock()
            if remaining <= 0:
                raise
            delay = min(backoff.delay(attempt), remaining)
            log.info("the server is unavailable (%s); retrying in %.1f s", error, delay)
            attempt += 1
            sleep(delay)
