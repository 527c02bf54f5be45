"""Command line: `python -m modelcloud sync` and `modelcloud-sync` send the records left in the buffer."""

from __future__ import annotations

import argparse
import logging
import sys

from modelcloud.syncing import SYNC_TIMEOUT, sync


def add_sync_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--buffer-dir", help="the buffer folder (default: MODELCLOUD_BUFFER_DIR, else ~/.modelcloud/buffer)"
    )
    parser.add_argument("--url", help="send every run to this server instead of the one each run was created on")
    parser.add_argument(
        "--timeout", type=float, default=SYNC_TIMEOUT, help=f"seconds of retries for each run (default {SYNC_TIMEOUT:.0f})"
    )


def run_sync(arguments: argparse.Namespace) -> int:
    """Return 0 when nothing is left to send, 1 when some records stay in the buffer, 2 for a usage error."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        report = sync(arguments.buffer_dir, url=arguments.url, timeout=arguments.timeout)
    except ValueError as error:
        logging.getLogger("modelcloud").error("%s", error)
        return 2
    summary = f"{len(report.sent)} runs sent, {len(report.left)} runs left in the buffer"
    if report.ended:
        summary += f", {len(report.ended)} runs had already ended on the server, so their records were set aside"
    if report.skipped_live:
        summary += f", {len(report.skipped_live)} runs skipped because a live process is sending them"
    logging.getLogger("modelcloud").info(summary)
    return 0 if report.complete else 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m modelcloud`."""
    parser = argparse.ArgumentParser(prog="python -m modelcloud", description="ModelCloud client commands.")
    commands = parser.add_subparsers(dest="command", required=True)
    sync_parser = commands.add_parser(
        "sync", help="send the records left in the buffer", description=SYNC_DESCRIPTION
    )
    add_sync_arguments(sync_parser)
    return run_sync(parser.parse_args(argv))


def sync_main(argv: list[str] | None = None) -> int:
    """Entry point of `modelcloud-sync`."""
    parser = argparse.ArgumentParser(prog="modelcloud-sync", description=SYNC_DESCRIPTION)
    add_sync_arguments(parser)
    return run_sync(parser.parse_args(argv))


SYNC_DESCRIPTION = (
    "Send every run's records that are still in the buffer, in order, and finish the runs whose finish was "
    "buffered too. The API token is read from MODELCLOUD_TOKEN. Runs that a live process is sending are skipped."
)

if __name__ == "__main__":
    sys.exit(main())
