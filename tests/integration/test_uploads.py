"""Uploads store a file by digest and record it, also while another holder of the same bytes lets them go."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from backend.application.uploads import UploadService, upload_holder
from backend.domain.base import Cause
from backend.runtime import Runtime
from backend.storage import LocalArtifactStore
from tests.integration.test_event_store import admin_of
from tests.unit.test_artifact_store import ReleasedAfterFirstWrite, make_csv_bytes

pytestmark = pytest.mark.integration


def test_upload_survives_concurrent_release(runtime: Runtime, tmp_path: Path, clock) -> None:
    """The same bytes, held by an earlier upload that is released at that moment, are written again, not lost."""
    admin = admin_of(runtime)
    team_id, _ = runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Uploaders")
    data = make_csv_bytes(50)
    earlier = LocalArtifactStore(tmp_path / "artifacts").write([data])
    LocalArtifactStore(tmp_path / "artifacts").add_reference(earlier.sha256, "upload:earlier")
    racing = ReleasedAfterFirstWrite(tmp_path / "artifacts", "upload:earlier")
    uploads = UploadService(runtime.commands, racing, clock)

    received = uploads.receive(
        admin, Cause.new(admin.actor, None, at=clock()), team_id=team_id, body=io.BytesIO(data), max_size=1024 * 1024,
        filename="metrics.csv", content_type="text/csv",
    )

    assert received.sha256 == earlier.sha256
    assert racing.writes == 2
    assert racing.references(received.sha256) == frozenset({upload_holder(received.upload_id)})
    assert runtime.projections.wait_for(received.outcome.position)
    row = runtime.readers.uploads.upload(str(received.upload_id))
    assert row is not None
    assert row["sha256"] == earlier.sha256
