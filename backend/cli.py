"""The `modelcloud` command line: serve the API, print the schema, run projections, copy events, manage users and tokens."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path

import psycopg
import psycopg_pool
from eventsourcing.persistence import PersistenceError

from backend.application.encryption import EncryptionMismatch, key_fingerprint
from backend.database import redacted_url, sqlite_path
from backend.domain.access import SYSTEM, Principal
from backend.domain.base import DomainError, iso
from backend.domain.validation import parse_utc_time
from backend.projections.audit import EXPORT_FORMATS, AuditFilter, export_lines
from backend.runtime import Runtime, open_store
from backend.settings import Settings, SettingsError, check_database_url, decode_encryption_key, load_settings
from backend.storage import StoreUnavailable
from backend.store_copy import CopyError, CopyResult, copy_store
from backend.telemetry import configure_logging, configure_tracing

log = logging.getLogger("modelcloud")

DATABASE_ERRORS = (PersistenceError, psycopg.Error, sqlite3.Error, psycopg_pool.PoolTimeout)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if not hasattr(arguments, "handler"):
        parser.print_help()
        return 2
    if arguments.handler is print_schema:
        return print_schema(arguments, None)
    if arguments.handler is sync_buffer:
        return sync_buffer(arguments)
    if arguments.handler is run_demo:
        return run_demo(arguments)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"modelcloud: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    configure_tracing("modelcloud")
    try:
        return int(arguments.handler(arguments, settings) or 0)
    except EncryptionMismatch as error:
        print(f"modelcloud: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"modelcloud: {error.message}", file=sys.stderr)
        return 1
    except DATABASE_ERRORS as error:
        print(f"modelcloud: cannot use the database at {redacted_url(settings.database_url)}: {_first_line(error)}", file=sys.stderr)
        return 1
    except StoreUnavailable as error:
        print(f"modelcloud: MODELCLOUD_ARTIFACTS={settings.artifacts!r} cannot be used: {error}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="modelcloud", description="ModelCloud, a self-hosted model management platform.")
    commands = parser.add_subparsers(metavar="COMMAND")

    serve_parser = commands.add_parser("serve", help="Run the API server (settings from MODELCLOUD_* variables).")
    serve_parser.add_argument(
        "--demo", action="store_true",
        help="On the first start, run `modelcloud demo` against this server with the new token (off when MODELCLOUD_DEMO=0).",
    )
    serve_parser.set_defaults(handler=serve)

    demo_parser = commands.add_parser(
        "demo", help="Create the demo team from scikit-learn's datasets through the API (MODELCLOUD_URL, MODELCLOUD_TOKEN).",
    )
    demo_parser.add_argument("--url", help="The server's URL (default: MODELCLOUD_URL, else http://127.0.0.1:8000).")
    demo_parser.add_argument("--wait", type=float, metavar="SECONDS", help="Seconds to wait for the server to be ready (default 180).")
    demo_parser.set_defaults(handler=run_demo)

    schema_parser = commands.add_parser("schema", help="Print the GraphQL schema (SDL).")
    schema_parser.set_defaults(handler=print_schema)

    sync_parser = commands.add_parser(
        "sync", help="Send the metrics that tracking clients left in their buffer (MODELCLOUD_URL, MODELCLOUD_TOKEN)."
    )
    sync_parser.add_argument("--buffer-dir", help="The buffer folder (default: MODELCLOUD_BUFFER_DIR, else ~/.modelcloud/buffer).")
    sync_parser.add_argument("--url", help="Send every run to this server instead of the one each run was created on.")
    sync_parser.add_argument("--timeout", type=float, help="Seconds of retries for each run.")
    sync_parser.set_defaults(handler=sync_buffer)

    projections_parser = commands.add_parser("projections", help="Run or rebuild the read models.")
    projection_commands = projections_parser.add_subparsers(metavar="ACTION", required=True)
    run_parser = projection_commands.add_parser("run", help="Keep every projection live in this process until interrupted.")
    run_parser.set_defaults(handler=run_projections)
    rebuild_parser = projection_commands.add_parser("rebuild", help="Drop read models and replay the log from position 0.")
    rebuild_parser.add_argument("names", nargs="*", metavar="NAME", help="Projections to rebuild (default: all).")
    rebuild_parser.set_defaults(handler=rebuild_projections)

    events_parser = commands.add_parser("events", help="Work with the event store.")
    event_commands = events_parser.add_subparsers(metavar="ACTION", required=True)
    copy_parser = event_commands.add_parser(
        "copy",
        help="Copy every event, the per-user keys and the request log into a new, empty database, encrypted with a "
        "new key or unencrypted. Stop every server, projection process and Ray job of this installation first.",
    )
    copy_parser.add_argument(
        "--to", required=True, metavar="DATABASE_URL",
        help="The new database: sqlite:///PATH or postgresql://USER@HOST:PORT/DB. It must contain no events.",
    )
    target_key = copy_parser.add_mutually_exclusive_group()
    target_key.add_argument(
        "--to-key-env", metavar="VARIABLE",
        help="Environment variable that contains the new database's key: base64 of 16, 24 or 32 bytes.",
    )
    target_key.add_argument(
        "--unencrypted", action="store_true",
        help="Store the copied events unencrypted (the default when the source is unencrypted).",
    )
    copy_parser.set_defaults(handler=copy_events)

    audit_parser = commands.add_parser("audit", help="Work with the audit log.")
    audit_commands = audit_parser.add_subparsers(metavar="ACTION", required=True)
    export_parser = audit_commands.add_parser("export", help="Write the audit log, oldest first, as CSV or JSON Lines.")
    export_parser.add_argument("--format", choices=EXPORT_FORMATS, default="jsonl", help="Output format (default jsonl).")
    export_parser.add_argument("--output", "-o", default="-", help="File to write (default: standard output).")
    export_parser.add_argument("--team", help="Only entries of this team id.")
    export_parser.add_argument("--actor", help="Only entries caused by this user id.")
    export_parser.add_argument("--subject", help="Only entries about this subject id.")
    export_parser.add_argument("--action", help="Only entries of this action, such as Team.MemberAdded.")
    export_parser.add_argument("--since", help="Only entries at or after this ISO 8601 UTC time.")
    export_parser.add_argument("--until", help="Only entries before this ISO 8601 UTC time.")
    export_parser.set_defaults(handler=export_audit)

    user_parser = commands.add_parser("user", help="Manage users.")
    user_commands = user_parser.add_subparsers(metavar="ACTION", required=True)
    create_user_parser = user_commands.add_parser("create", help="Create a user (password from MODELCLOUD_NEW_PASSWORD or a prompt).")
    create_user_parser.add_argument("username")
    create_user_parser.add_argument("--admin", action="store_true", help="Make the user a platform administrator.")
    create_user_parser.add_argument("--display-name", default="")
    create_user_parser.add_argument("--email", default="")
    create_user_parser.set_defaults(handler=create_user)

    token_parser = commands.add_parser("token", help="Manage API tokens.")
    token_commands = token_parser.add_subparsers(metavar="ACTION", required=True)
    create_token_parser = token_commands.add_parser("create", help="Issue an API token for a user in one of their teams.")
    create_token_parser.add_argument("username")
    create_token_parser.add_argument("--team", required=True, help="Team name.")
    create_token_parser.add_argument("--name", default="cli", help="Token name (default cli).")
    create_token_parser.add_argument("--scopes", default="read", help="Comma-separated scopes: read, write, predict, admin.")
    create_token_parser.set_defaults(handler=create_token)
    return parser


def sync_buffer(arguments: argparse.Namespace) -> int:
    """Run the client package's sync, which training machines also have as `modelcloud-sync`."""
    try:
        from modelcloud.cli import sync_main
    except ImportError:
        print("modelcloud: sync needs the client package; install it with pip install ./sdk", file=sys.stderr)
        return 2
    forwarded = []
    for option, value in (("--buffer-dir", arguments.buffer_dir), ("--url", arguments.url), ("--timeout", arguments.timeout)):
        if value is not None:
            forwarded += [option, str(value)]
    return sync_main(forwarded)


def run_demo(arguments: argparse.Namespace) -> int:
    """Run the demo script, a client of the API, without loading the server's settings."""
    try:
        from demo.run import main as demo_main
    except ImportError as error:
        print(f"modelcloud: the demo needs the client package and scikit-learn ({error}); install them with "
              "pip install ./sdk scikit-learn", file=sys.stderr)
        return 2
    forwarded = []
    for option, value in (("--url", arguments.url), ("--wait", arguments.wait)):
        if value is not None:
            forwarded += [option, str(value)]
    return demo_main(forwarded)


def serve(arguments: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from backend.http.app import create_app, print_bootstrap

    runtime = Runtime.build(settings)
    runtime.start(run_workers=settings.workers, run_policies=True)
    demo: subprocess.Popen[bytes] | None = None
    try:
        credentials = runtime.bootstrap()
        if credentials is not None:
            print_bootstrap(credentials)
            if arguments.demo and settings.demo:
                demo = start_demo(settings, credentials.token)
        app = create_app(runtime, manage_runtime=False)
        log.info(
            "serving",
            extra={"host": settings.host, "port": settings.port, "database": redacted_url(settings.database_url),
                   "artifacts": settings.artifacts, "workers": settings.workers, **_encryption_fields(settings)},
        )
        # uvicorn shuts down gracefully on SIGTERM and then raises the signal again under the handler that was in place
        # before it started. Ending with SystemExit there, rather than the default handler killing the process, lets
        # `runtime.stop` below record the calls counted since the last inference window.
        signal.signal(signal.SIGTERM, _exit_after_shutdown)
        uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, ws_max_size=settings.max_request_bytes)
    except SystemExit:
        pass
    finally:
        if demo is not None and demo.poll() is None:
            demo.terminate()
            demo.wait()
        runtime.stop()
    return 0


def start_demo(settings: Settings, token: str) -> subprocess.Popen[bytes]:
    """Start `modelcloud demo` as a separate client process that waits for this server to be ready."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    url = f"http://[{host}]:{settings.port}" if ":" in host else f"http://{host}:{settings.port}"
    log.info("starting the demo", extra={"url": url})
    environment = {**os.environ, "MODELCLOUD_TOKEN": token, "MODELCLOUD_URL": url}
    return subprocess.Popen([sys.executable, "-m", "backend.cli", "demo"], env=environment)


def _exit_after_shutdown(_signal: int, _frame: object) -> None:
    raise SystemExit(0)


def print_schema(_: argparse.Namespace, __: Settings | None) -> int:
    from backend.graphql.schema import schema_sdl

    sys.stdout.write(schema_sdl())
    return 0


def run_projections(_: argparse.Namespace, settings: Settings) -> int:
    runtime = Runtime.build(settings)
    runtime.start(run_projections=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    log.info("projections running", extra={"projections": list(runtime.projections.projections), **_encryption_fields(settings)})
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    runtime.stop()
    return 0


def rebuild_projections(arguments: argparse.Namespace, settings: Settings) -> int:
    runtime = Runtime.build(settings)
    runtime.prepare()
    try:
        replayed = runtime.projections.rebuild(arguments.names or None)
    except KeyError as error:
        print(f"modelcloud: {error.args[0]}", file=sys.stderr)
        return 2
    finally:
        runtime.stop()
    chosen = ", ".join(arguments.names or ["all projections"])
    if not replayed:
        print(
            f"modelcloud: rewound {chosen}, but the process that holds them has not replayed the log yet; "
            "check that `modelcloud projections run` or a server is running.",
            file=sys.stderr,
        )
        return 1
    print(f"Rebuilt {chosen}.")
    return 0


def copy_events(arguments: argparse.Namespace, settings: Settings) -> int:
    try:
        target_url = check_database_url(arguments.to)
    except ValueError as error:
        print(f"modelcloud: --to {redacted_url(arguments.to)!r} is invalid: {error}", file=sys.stderr)
        return 2
    try:
        target_key = _copy_key(arguments, settings)
    except ValueError as error:
        print(f"modelcloud: {error}", file=sys.stderr)
        return 2
    if not settings.is_postgres and not Path(sqlite_path(settings.database_url)).exists():
        # Opening the store would create an empty file, and the copy would succeed with nothing in it.
        print(f"modelcloud: MODELCLOUD_DATABASE_URL={settings.database_url!r} names a SQLite file that does not exist. "
              "Point it at the database to copy.", file=sys.stderr)
        return 2

    source, source_database = open_store(settings)
    try:
        result = copy_store(source, source_database, target_url, target_key, progress=_print_copy_progress)
    except CopyError as error:
        print(f"modelcloud: {error}", file=sys.stderr)
        return 1
    except DATABASE_ERRORS as error:
        print(
            f"modelcloud: copying from {redacted_url(settings.database_url)} to {redacted_url(target_url)} failed: "
            f"{_first_line(error)}", file=sys.stderr,
        )
        return 1
    finally:
        source_database.close()
        source.close()
    print(_copy_summary(result, target_url, target_key))
    return 0


def _copy_key(arguments: argparse.Namespace, settings: Settings) -> bytes | None:
    """Return the key of the copy from the variable --to-key-env names, or None for an unencrypted copy."""
    if arguments.to_key_env:
        variable = arguments.to_key_env
        value = os.environ.get(variable, "")
        if not value.strip():
            raise ValueError(f"--to-key-env names {variable}, which is not set. Put the new key, in base64, in it.")
        try:
            return decode_encryption_key(value)
        except ValueError as error:
            raise ValueError(f"{variable} is invalid: its value {error}") from None
    if settings.encryption_key_bytes is not None and not arguments.unencrypted:
        raise ValueError(
            "The source store is encrypted. Name the copy's key with --to-key-env VARIABLE, or pass --unencrypted to "
            "store the copy unencrypted."
        )
    return None


def _print_copy_progress(position: int, last: int) -> None:
    print(f"Copied the events up to position {position} of {last} ({position / last:.0%}).", flush=True)


def _copy_summary(result: CopyResult, target_url: str, target_key: bytes | None) -> str:
    encrypted = (
        f"encrypted with the key of fingerprint {key_fingerprint(target_key)}" if target_key is not None else "unencrypted"
    )
    rows = ", ".join(f"{table} {count}" for table, count in result.table_rows.items())
    key_step = (
        "set MODELCLOUD_ENCRYPTION_KEY to the new key" if target_key is not None else "unset MODELCLOUD_ENCRYPTION_KEY"
    )
    return (
        f"Copied and verified {result.events} events (checksum {result.checksum[:16]}) into "
        f"{redacted_url(target_url)}, {encrypted}. Rows copied from other tables: {rows}.\n"
        f"Next: set MODELCLOUD_DATABASE_URL to the new database, {key_step}, and start ModelCloud. The projections "
        "rebuild the read models from the events when they start, and users sign in again."
    )


def export_audit(arguments: argparse.Namespace, settings: Settings) -> int:
    where = AuditFilter(
        actor=arguments.actor,
        team=arguments.team,
        subject_id=arguments.subject,
        action=arguments.action,
        since=iso(parse_utc_time("--since", arguments.since)),
        until=iso(parse_utc_time("--until", arguments.until)),
    )
    runtime = Runtime.build(settings)
    runtime.start(run_projections=True)
    output = sys.stdout if arguments.output == "-" else open(arguments.output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    try:
        for line in export_lines(runtime.readers.audit, where, arguments.format):
            output.write(line)
        output.flush()
    except BrokenPipeError:
        # The reader (such as `head`) closed the pipe; stop quietly as other Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        if output is not sys.stdout:
            output.close()
        runtime.stop()
    return 0


def create_user(arguments: argparse.Namespace, settings: Settings) -> int:
    password = os.environ.get("MODELCLOUD_NEW_PASSWORD") or getpass.getpass(f"Password for {arguments.username}: ")
    runtime = Runtime.build(settings)
    runtime.start(run_projections=True)
    try:
        operator = Principal(user_id=uuid.UUID(int=0), username="cli", is_admin=True, via=SYSTEM)
        user_id, outcome = runtime.identity.create_user(
            operator, runtime.cause_from_system(), username=arguments.username, password=password,
            display_name=arguments.display_name, email=arguments.email, is_admin=arguments.admin,
        )
        runtime.projections.wait_for(outcome.position)
    finally:
        runtime.stop()
    print(f"Created user {arguments.username} with id {user_id}.")
    return 0


def create_token(arguments: argparse.Namespace, settings: Settings) -> int:
    runtime = Runtime.build(settings)
    runtime.start(run_projections=True)
    try:
        user = runtime.readers.identity.user_by_username(arguments.username)
        team = runtime.readers.identity.team_by_name(arguments.team)
        if user is None:
            print(f"modelcloud: user {arguments.username!r} was not found.", file=sys.stderr)
            return 1
        if team is None:
            print(f"modelcloud: team {arguments.team!r} was not found.", file=sys.stderr)
            return 1
        owner = Principal(user_id=uuid.UUID(user["user_id"]), username=user["username"], is_admin=bool(user["is_admin"]), via=SYSTEM)
        if not owner.is_admin and team["team_id"] not in runtime.readers.identity.memberships(user["user_id"]):
            # The operator named the team, so the message can name it, which the API's NOT_FOUND does not.
            print(f"modelcloud: user {arguments.username!r} is not a member of team {arguments.team!r}; add them with "
                  "addMember first.", file=sys.stderr)
            return 1
        scopes = [scope.strip() for scope in arguments.scopes.split(",") if scope.strip()]
        issued = runtime.identity.issue_token(
            owner, runtime.cause_from_system(), team_id=uuid.UUID(team["team_id"]), name=arguments.name, scopes=scopes
        )
        runtime.projections.wait_for(issued.outcome.position)
    finally:
        runtime.stop()
    print(issued.secret)
    return 0


def _encryption_fields(settings: Settings) -> dict[str, object]:
    """Return the log fields that show whether events are encrypted, and the key's fingerprint, never the key."""
    key = settings.encryption_key_bytes
    return {"encrypted": key is not None, "key_fingerprint": key_fingerprint(key) if key is not None else ""}


def _first_line(error: BaseException) -> str:
    cause = error.__cause__ or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


if __name__ == "__main__":
    sys.exit(main())
