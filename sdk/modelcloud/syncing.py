"""Sending the records that earlier processes left in the buffer: after a crash, a lost server or a finish that timed out."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from modelcloud.api import ApiClient
from modelcloud.buffer import RUN_FILE, BufferLocked, RunBuffer, default_root
from modelcloud.delivery import Delivery

log = logging.getLogger("modelcloud")

SYNC_TIMEOUT = 60.0


@dataclass
class SyncReport:
    """The run ids that `sync` sent, left in the buffer, skipped because a live process had them, or found ended.

    A run in `ended` had already ended on the server (finished or cancelled there), so its
    remaining records were moved to its `rejected/` folder unsent. It counts as done.
    """

    sent: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    skipped_live: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether no record is left, apart from those of runs that a live process is still sending."""
        return not self.left


def sync(
    buffer_dir: str | os.PathLike[str] | None = None,
    *,
    url: str | None = None,
    token: str | None = None,
    timeout: float = SYNC_TIMEOUT,
) -> SyncReport:
    """Send every run's buffered records in order, its finish included, and delete what the server accepted.

    Each run goes to the server recorded in its run.json unless `url` is given. `token`
    defaults to MODELCLOUD_TOKEN. Runs that a live process still has locked are skipped. Each run
    gets up to `timeout` seconds of retries; what is not sent stays in the buffer.
    """
    api_token = token or os.environ.get("MODELCLOUD_TOKEN")
    if not api_token:
        raise ValueError("no API token: pass token= or set MODELCLOUD_TOKEN")
    root = Path(buffer_dir).expanduser() if buffer_dir is not None else default_root()
    report = SyncReport()
    if not root.is_dir():
        log.info("the buffer %s does not exist, so there is nothing to send", root)
        return report

    for folder in sorted(path for path in root.iterdir() if (path / RUN_FILE).is_file()):
        _sync_run(RunBuffer(folder), url, api_token, timeout, report)
    return report


def _sync_run(buffer: RunBuffer, url: str | None, token: str, timeout: float, report: SyncReport) -> None:
    run_id = buffer.folder.name
    try:
        buffer.lock()
    except BufferLocked:
        log.info("run %s is skipped: a live process is still sending it", run_id)
        report.skipped_live.append(run_id)
        return

    buffer.remove_temporary_files()
    records = buffer.records()
    if not records:
        buffer.remove_if_empty()
        return

    metadata = buffer.metadata
    api = ApiClient(url or metadata["url"], token, timeout=min(timeout, 30.0))
    log.info("sending %d buffered records of run %s to %s", len(records), run_id, api.url)
    delivery = Delivery(api, buffer, metadata["runId"])
    delivery.start()
    try:
        sent = delivery.close(timeout)
    finally:
        api.close()

    if sent and delivery.ended_on_server is not None:
        buffer.remove_if_empty()
        report.ended.append(run_id)
        log.info("run %s had already ended on the server, so its unsent records were set aside", run_id)
    elif sent:
        buffer.remove_if_empty()
        report.sent.append(run_id)
        log.info("run %s: every buffered record was sent", run_id)
    else:
        buffer.unlock()
        report.left.append(run_id)
        log.warning("run %s: %d records could not be sent and stay in %s", run_id, delivery.unsent_records, buffer.folder)
