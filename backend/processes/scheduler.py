"""Runs a policy every so often in a background thread; the policy itself takes the time from the runtime's clock."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from backend.leases import Leases

log = logging.getLogger(__name__)


class Periodic:
    """Calls `action` every `interval` seconds until stopped; a failing call is logged and retried next time.

    With `leases`, a call runs only while this process holds the lease named after the policy,
    so among several processes one runs it and another takes over when that one stops.
    """

    def __init__(self, name: str, interval: float, action: Callable[[], object], *, leases: Leases | None = None) -> None:
        self.name = name
        self.interval = interval
        self.action = action
        self.leases = leases
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self.leases is not None and f"policy:{self.name}" not in self.leases.claim([f"policy:{self.name}"]):
                continue
            try:
                self.action()
            except Exception:
                log.exception("periodic policy failed; it runs again at its next interval", extra={"policy": self.name})
