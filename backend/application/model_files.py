"""Checks on an uploaded model file before it becomes a version, without TensorFlow.

The API process only reads archive directories here: it never unpacks a file and never imports
TensorFlow. A worker inspects the model itself later.
"""

from __future__ import annotations

import posixpath
import tarfile
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from backend.domain.base import InvalidInput

KERAS, SAVEDMODEL = "keras", "savedmodel"
ZIP, TAR = "zip", "tar.gz"
MAX_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 200
MAX_UNPACKED_BYTES = 8 * 1024**3
KERAS_MEMBERS = ("config.json", "model.weights.h5")
ACCEPTED = "a Keras 3 .keras file, or a SavedModel directory packed as .zip or .tar.gz"


@dataclass(frozen=True)
class ModelFile:
    """Kind of model in an upload (`keras` or `savedmodel`) and its packing (`zip` or `tar.gz`)."""

    format: str
    packing: str


def packing_of(filename: str, given_format: str | None) -> tuple[str, str]:
    """Decide format and packing from the upload's file name, or from an explicit `format` argument."""
    name = filename.lower()
    if given_format == "keras" or (given_format is None and name.endswith(".keras")):
        return KERAS, ZIP
    if given_format == "savedmodel_zip" or (given_format is None and name.endswith(".zip")):
        return SAVEDMODEL, ZIP
    if given_format == "savedmodel_tar" or (given_format is None and name.endswith((".tar.gz", ".tgz"))):
        return SAVEDMODEL, TAR
    raise InvalidInput(
        f"filename {filename!r} does not say what kind of model it is; upload {ACCEPTED} "
        "(send X-Filename with the upload), or pass format.",
        field="uploadId",
        value=filename[:40],
    )


def check_model_file(stream: BinaryIO, filename: str, given_format: str | None = None, *, size: int) -> ModelFile:
    """Check that `stream` (of `size` bytes) is a well-formed model archive, or raise InvalidInput naming what is wrong."""
    model_format, packing = packing_of(filename, given_format)
    if packing == ZIP:
        names = _zip_members(stream, filename)
    else:
        names = _tar_members(stream, filename, size)
    if model_format == KERAS:
        missing = [member for member in KERAS_MEMBERS if member not in names]
        if missing:
            raise InvalidInput(
                f"{filename!r} is a zip file but not a Keras 3 .keras file: it lacks {', '.join(missing)}.",
                field="uploadId",
                value=filename[:40],
            )
    elif not _has_saved_model(names):
        raise InvalidInput(
            f"{filename!r} contains no saved_model.pb at its top level or in one top folder, so it is not a SavedModel.",
            field="uploadId",
            value=filename[:40],
        )
    return ModelFile(model_format, packing)


def _zip_members(stream: BinaryIO, filename: str) -> set[str]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise InvalidInput(
            f"{filename!r} is not a readable zip archive ({error}); upload {ACCEPTED}.", field="uploadId", value=filename[:40]
        ) from None
    with archive:
        entries = archive.infolist()
        _check_count(len(entries), filename)
        unpacked = 0
        for entry in entries:
            _check_path(entry.filename, filename)
            if (entry.external_attr >> 16) & 0o170000 == 0o120000:
                raise InvalidInput(
                    f"{filename!r} contains {entry.filename[:80]!r}, which is a link; only files and folders are accepted.",
                    field="uploadId",
                    value=filename[:40],
                )
            unpacked += entry.file_size
            if entry.compress_size and entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO:
                raise _bomb(filename, f"{entry.filename!r} expands {entry.file_size // entry.compress_size} times")
        _check_unpacked(unpacked, filename)
        return {entry.filename.rstrip("/") for entry in entries}


def _tar_members(stream: BinaryIO, filename: str, compressed: int) -> set[str]:
    names: set[str] = set()
    unpacked = 0
    try:
        with tarfile.open(fileobj=stream, mode="r:gz") as archive:
            for count, member in enumerate(archive, start=1):
                _check_count(count, filename)
                _check_path(member.name, filename)
                if not (member.isfile() or member.isdir()):
                    raise InvalidInput(
                        f"{filename!r} contains {member.name!r}, which is a link or device; only files and folders are accepted.",
                        field="uploadId",
                        value=filename[:40],
                    )
                unpacked += member.size
                _check_unpacked(unpacked, filename)
                if unpacked > MAX_COMPRESSION_RATIO * max(compressed, 1):
                    raise _bomb(filename, f"it expands more than {MAX_COMPRESSION_RATIO} times")
                names.add(member.name.rstrip("/"))
    except (tarfile.TarError, OSError, EOFError) as error:
        raise InvalidInput(
            f"{filename!r} is not a readable .tar.gz archive ({error}); upload {ACCEPTED}.", field="uploadId", value=filename[:40]
        ) from None
    return names


def _check_path(member: str, filename: str) -> None:
    normalized = posixpath.normpath(member.replace("\\", "/"))
    if member.startswith(("/", "\\")) or normalized == ".." or normalized.startswith("../") or ":" in member.split("/")[0]:
        raise InvalidInput(
            f"{filename!r} contains the path {member[:80]!r}, which escapes the archive's folder.",
            field="uploadId",
            value=filename[:40],
        )


def _check_count(count: int, filename: str) -> None:
    if count > MAX_MEMBERS:
        raise InvalidInput(f"{filename!r} has more than {MAX_MEMBERS} entries.", field="uploadId", value=filename[:40])


def _check_unpacked(unpacked: int, filename: str) -> None:
    if unpacked > MAX_UNPACKED_BYTES:
        raise _bomb(filename, f"it would unpack to more than {MAX_UNPACKED_BYTES} bytes")


def _bomb(filename: str, reason: str) -> InvalidInput:
    return InvalidInput(f"{filename!r} is rejected as a possible zip bomb: {reason}.", field="uploadId", value=filename[:40])


def _has_saved_model(names: set[str]) -> bool:
    if "saved_model.pb" in names:
        return True
    tops = {name.split("/")[0] for name in names}
    return len(tops) == 1 and f"{tops.pop()}/saved_model.pb" in names
