"""Warnings for locations that Ray workers on other nodes of a cluster cannot reach."""

from __future__ import annotations

from pathlib import Path

from backend.settings import load_settings
from workers.ray_runtime import local_only_locations


def test_local_head_has_no_warnings(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'one.db'}", artifacts=str(tmp_path / "artifacts"), ray_address="")

    assert local_only_locations(settings) == []


def test_cluster_with_local_locations_warns_twice(tmp_path: Path) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'one.db'}", artifacts=str(tmp_path / "artifacts"), ray_address="ray://head:10001"
    )

    problems = local_only_locations(settings)

    assert len(problems) == 2
    assert "MODELCLOUD_DATABASE_URL is a SQLite file" in problems[0]
    assert "MODELCLOUD_ARTIFACTS is a local folder" in problems[1]


def test_cluster_with_postgres_and_s3_has_no_warnings() -> None:
    settings = load_settings(
        database_url="postgresql://modelcloud@db.internal/modelcloud", artifacts="s3://models/team", ray_address="ray://head:10001"
    )

    assert local_only_locations(settings) == []
