"""The committed SDL is what the code serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.graphql.schema import schema_sdl

pytestmark = pytest.mark.unit

COMMITTED = Path(__file__).resolve().parents[2] / "backend" / "graphql" / "schema.graphql"


def test_committed_schema_matches_code() -> None:
    assert COMMITTED.read_text() == schema_sdl(), "run `make schema` and commit backend/graphql/schema.graphql"
