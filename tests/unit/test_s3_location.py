"""Parsing of s3:// artifact store locations, their validation at start-up, and what Ray workers are given for them."""

from __future__ import annotations

import pytest

from backend.settings import SettingsError, load_settings
from backend.storage.s3_location import DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE, S3Location, parse_s3_location
from workers.ray_runtime import worker_environment

pytestmark = pytest.mark.unit

MIB = 1024 * 1024


def test_parse_bucket_root() -> None:
    location = parse_s3_location("s3://models-bucket")

    assert location == S3Location(bucket="models-bucket", prefix="")
    assert location.key("blobs", "ab", "ab12") == "blobs/ab/ab12"
    assert str(location) == "s3://models-bucket"


def test_parse_prefix_without_slashes() -> None:
    location = parse_s3_location("s3://models.example-1/team/artifacts/")

    assert location.bucket == "models.example-1"
    assert location.prefix == "team/artifacts"
    assert location.key("refs", "ab12") == "team/artifacts/refs/ab12"
    assert str(location) == "s3://models.example-1/team/artifacts"


def test_parse_defaults() -> None:
    location = parse_s3_location("s3://models-bucket/artifacts")

    assert location.multipart_threshold == DEFAULT_MULTIPART_THRESHOLD == 8 * MIB
    assert location.part_size == DEFAULT_PART_SIZE == 8 * MIB
    assert location.addressing_style is None


def test_parse_options() -> None:
    location = parse_s3_location(
        "s3://models-bucket/artifacts?multipart_threshold=67108864&part_size=16777216&addressing_style=path"
    )

    assert location.multipart_threshold == 64 * MIB
    assert location.part_size == 16 * MIB
    assert location.addressing_style == "path"


INVALID_LOCATIONS = [
    ("s3://", "names no bucket"),
    ("s3:///artifacts", "names no bucket"),
    ("s3://ab/artifacts", "it has 2 characters, but a bucket name has 3 to 63"),
    ("s3://" + "a" * 64, "it has 64 characters"),
    ("s3://Models_Bucket/artifacts", "lowercase letters, digits, dots and hyphens"),
    ("s3://-models/artifacts", "starts and ends with a letter or digit"),
    ("s3://models..bucket", "no two adjacent dots"),
    ("s3://192.168.10.20/artifacts", "not formatted as an IP address"),
    ("s3://user:secret@models-bucket/artifacts", "lowercase letters, digits, dots and hyphens"),
    ("s3://models-bucket/team//artifacts", "single slashes"),
    ("s3://models-bucket/team/../artifacts", "without '.' or '..' segments"),
    ("s3://models-bucket/artifacts#v1", "has a fragment"),
    ("s3://models-bucket/artifacts?chunk_size=8388608", "Unknown option 'chunk_size'"),
    ("s3://models-bucket/artifacts?part_size=1048576", "from 5242880 (5 MiB) to 5368709120 (5 GiB)"),
    ("s3://models-bucket/artifacts?part_size=8MiB", "Invalid part_size '8MiB'"),
    ("s3://models-bucket/artifacts?multipart_threshold=6442450944", "Invalid multipart_threshold '6442450944'"),
    ("s3://models-bucket/artifacts?addressing_style=dns", "Expected one of auto, path, virtual"),
    ("s3://models-bucket/artifacts?part_size=8388608&part_size=8388608", "appears twice"),
]


@pytest.mark.parametrize(("location", "reason"), INVALID_LOCATIONS)
def test_parse_rejects_invalid_location(location: str, reason: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_s3_location(location)

    assert repr(location) in str(raised.value)
    assert reason in str(raised.value)


@pytest.mark.parametrize(("location", "reason"), INVALID_LOCATIONS)
def test_settings_reject_invalid_location(location: str, reason: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(artifacts=location)

    assert str(raised.value).startswith(f"MODELCLOUD_ARTIFACTS={location!r} is invalid: ")
    assert reason in str(raised.value)


@pytest.mark.parametrize("location", ["http://example.com/artifacts", "gs://models-bucket/artifacts"])
def test_settings_reject_other_schemes(location: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(artifacts=location)

    assert f"MODELCLOUD_ARTIFACTS={location!r} is invalid" in str(raised.value)
    assert "s3://BUCKET/PREFIX" in str(raised.value)


@pytest.mark.parametrize("location", ["s3://models-bucket/artifacts", ".modelcloud/artifacts", "file:///srv/artifacts"])
def test_settings_accept_location(location: str) -> None:
    assert load_settings(artifacts=location).artifacts == location


def test_worker_environment_forwards_aws_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "modelcloud")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("MODELCLOUD_LOG_LEVEL", "DEBUG")

    forwarded = worker_environment(load_settings(artifacts="s3://models-bucket/artifacts"))

    assert forwarded["AWS_ENDPOINT_URL_S3"] == "http://127.0.0.1:9000"
    assert forwarded["AWS_ACCESS_KEY_ID"] == "modelcloud"
    assert forwarded["AWS_REGION"] == "eu-central-1"
    assert "MODELCLOUD_LOG_LEVEL" not in forwarded


def test_worker_environment_empty_for_local_store(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "modelcloud")

    assert worker_environment(load_settings(artifacts=str(tmp_path))) == {}
