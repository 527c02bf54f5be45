"""A full disk reads as INSUFFICIENT_STORAGE in GraphQL errors, whatever wrote to it."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from graphql import GraphQLError

from backend.graphql.errors import INSUFFICIENT_STORAGE, INTERNAL_SERVER_ERROR, normalize, out_of_space


def normalized(original: Exception) -> GraphQLError:
    error = GraphQLError("raw text", original_error=original, path=["uploadDatasetVersion"])
    normalize(error, "corr-1")
    return error


@pytest.mark.parametrize(
    "original",
    [
        OSError(errno.ENOSPC, "No space left on device", "/data/artifacts/tmp/write-1"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
        sqlite3.OperationalError("database or disk is full"),
    ],
)
def test_full_disk_is_insufficient_storage(original: Exception) -> None:
    error = normalized(original)

    assert error.extensions is not None
    assert error.extensions["code"] == INSUFFICIENT_STORAGE
    assert error.message.startswith("The server ran out of disk space, so nothing was stored.")
    assert "corr-1" in error.message
    assert "/data/artifacts" not in error.message


def test_other_os_error_stays_internal() -> None:
    error = normalized(PermissionError(errno.EACCES, "Permission denied", "/data/x"))

    assert error.extensions is not None
    assert error.extensions["code"] == INTERNAL_SERVER_ERROR
    assert not out_of_space(PermissionError(errno.EACCES, "Permission denied"))
