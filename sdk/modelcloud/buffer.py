"""The on-disk buffer of a run: every record waits here as a file until the server has accepted it.

A run's folder contains `run.json` (the run id, team and server URL, never the token), a
`lock` file that the process sending the run keeps locked, and one JSON file per record. The
files are named by a sequence number, so they are sent in the order they were written. Records the server
rejected for good are moved to `rejected/`, so they are kept but not sent again. A record file is written
to a temporary name, flushed to disk and renamed, so a crash leaves either the whole record
or none of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import IO, Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

RUN_FILE = "run.json"
LOCK_FILE = "lock"
REJECTED_FOLDER = "rejected"
# 000000000007-metrics.json; a batch split in two becomes 000000000007.1-metrics.json and 000000000007.2-metrics.json.
RECORD_NAME = re.compile(r"^(\d{12}(?:\.\d+)*)-([a-z]+)\.json$")


def default_root() -> Path:
    """Return the buffer folder: MODELCLOUD_BUFFER_DIR, else ~/.modelcloud/buffer."""
    configured = os.environ.get("MODELCLOUD_BUFFER_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".modelcloud" / "buffer"


def check_writable(root: Path) -> None:
    """Create the buffer folder if needed and write and delete a probe file in it; raise OSError when that fails."""
    root.mkdir(parents=True, exist_ok=True)
    descriptor, probe = tempfile.mkstemp(prefix=".write-check-", suffix=".tmp", dir=root)
    try:
        os.write(descriptor, b"0")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
        os.unlink(probe)


class BufferLocked(Exception):
    """Another process is sending this run's records."""


class RunBuffer:
    """The folder of one run's unsent records."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock_file: IO[bytes] | None = None
        self._sequence = max((_position(path)[0] for path in self.records()), default=0)

    @classmethod
    def create(cls, root: Path, run_id: str, metadata: dict[str, Any]) -> RunBuffer:
        """Make the run's folder under `root`, lock it and write run.json."""
        folder = root / run_id
        folder.mkdir(parents=True, exist_ok=True)
        buffer = cls(folder)
        buffer.lock()
        _write_atomically(folder / RUN_FILE, metadata)
        return buffer

    @property
    def metadata(self) -> dict[str, Any]:
        """The contents of run.json: runId, teamId, name and url."""
        return json.loads((self.folder / RUN_FILE).read_text(encoding="utf-8"))

    def lock(self) -> None:
        """Take the run's lock, or raise BufferLocked when a live process holds it; the lock ends with the process."""
        file = (self.folder / LOCK_FILE).open("a+b")
        try:
            if fcntl is not None:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            file.close()
            raise BufferLocked(f"another process is sending the records in {self.folder}") from None
        self._lock_file = file

    def unlock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def write(self, kind: str, record: dict[str, Any]) -> Path:
        """Store a record as the next file of the run, durably, and return its path."""
        path = self.next_path(kind)
        self.write_at(path, record)
        return path

    def next_path(self, kind: str) -> Path:
        """Reserve the file name of the run's next record."""
        self._sequence += 1
        return self.folder / f"{self._sequence:012d}-{kind}.json"

    def write_at(self, path: Path, record: dict[str, Any]) -> None:
        """Store a record durably at a path from `next_path` or `part_path`; raise OSError when the disk fails."""
        _write_atomically(path, record)

    def write_after(self, path: Path, part: int, record: dict[str, Any]) -> Path:
        """Store part `part` of the record at `path` under a name that sorts right after it and before the next record."""
        part_path = self.part_path(path, part)
        _write_atomically(part_path, record)
        return part_path

    def part_path(self, path: Path, part: int) -> Path:
        """Return the name of part `part` of the record at `path`, which sorts right after it and before the next record."""
        match = RECORD_NAME.match(path.name)
        if match is None:
            raise ValueError(f"{path.name} is not a record file name")
        return path.with_name(f"{match.group(1)}.{part}-{match.group(2)}.json")

    def records(self) -> list[Path]:
        """Return the record files in the order they were written."""
        return sorted((path for path in self.folder.iterdir() if RECORD_NAME.match(path.name)), key=_position)

    def delete(self, path: Path) -> None:
        path.unlink(missing_ok=True)

    def reject(self, path: Path) -> Path:
        """Move a record the server will never accept to the `rejected` subfolder, where sync leaves it alone."""
        folder = self.folder / REJECTED_FOLDER
        folder.mkdir(exist_ok=True)
        target = folder / path.name
        os.replace(path, target)
        return target

    def write_rejected(self, name: str, record: dict[str, Any]) -> Path:
        """Store a record that exists only in memory directly in the `rejected` subfolder, as `name`."""
        folder = self.folder / REJECTED_FOLDER
        folder.mkdir(exist_ok=True)
        target = folder / name
        _write_atomically(target, record)
        return target

    def remove_temporary_files(self) -> None:
        """Delete the temporary files of writes that a crash interrupted; their records were never complete."""
        for path in self.folder.glob(".*.tmp"):
            path.unlink(missing_ok=True)

    def remove_if_empty(self) -> bool:
        """Delete the folder when no record is left in it, rejected ones included, and return whether it was deleted.

        A folder that cannot be read or changed is left as it is, and False is returned.
        """
        try:
            if self.records() or (self.folder / REJECTED_FOLDER).exists():
                self.unlock()
                return False
            self.remove_temporary_files()
            self.unlock()
            for name in (RUN_FILE, LOCK_FILE):
                (self.folder / name).unlink(missing_ok=True)
            self.folder.rmdir()
        except OSError:
            self.unlock()
            return False
        return True


def read_record(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def record_kind(path: Path) -> str:
    match = RECORD_NAME.match(path.name)
    return match.group(2) if match else ""


def _position(path: Path) -> tuple[int, ...]:
    match = RECORD_NAME.match(path.name)
    return tuple(int(number) for number in match.group(1).split(".")) if match else (0,)


def _write_atomically(path: Path, document: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    # allow_nan=False: JSON has no NaN, and the server would reject the whole request.
    text = json.dumps(document, allow_nan=False, separators=(",", ":"))
    try:
        with temporary.open("w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError:
        # A full disk leaves a partial temporary file; deleting it gives the space back.
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
