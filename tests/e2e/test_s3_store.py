"""A server whose artifact store is an S3 bucket: uploads, a dataset parsed by a Ray worker, and a download.

The bucket lives on moto's S3 server on a loopback port, started by this test session.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from tests.e2e.conftest import CREATE_TEAM, unique
from tests.support.s3 import S3Server
from tests.support.server import Client, Server, start_server

pytestmark = pytest.mark.e2e

PREFIX = "modelcloud"
CREATE_DATASET = "mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }"
UPLOAD_VERSION = (
    "mutation($i: UploadDatasetVersionInput!) { uploadDatasetVersion(input: $i) { id number rows sha256 size } }"
)


@pytest.fixture(scope="module")
def s3_store_server(s3_server: S3Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    bucket = s3_server.create_bucket()
    # Without the reconciler no profiling job competes for the CPUs; dataset uploads still run on Ray.
    running = start_server(
        tmp_path_factory.mktemp("s3-server"), MODELCLOUD_ARTIFACTS=f"s3://{bucket}/{PREFIX}", MODELCLOUD_WORKERS="0",
        **s3_server.environment,
    )
    yield running, bucket
    running.stop()


def stored_object(s3_server: S3Server, bucket: str, sha256: str) -> bytes:
    key = f"{PREFIX}/blobs/{sha256[:2]}/{sha256}"
    return bytes(s3_server.client().get_object(Bucket=bucket, Key=key)["Body"].read())


def test_dataset_round_trip_through_bucket(
    s3_store_server: tuple[Server, str], s3_server: S3Server, dataset_files: Path
) -> None:
    server, bucket = s3_store_server
    source = dataset_files / "breast_cancer.csv"
    content = source.read_bytes()
    headers = {"Authorization": f"Bearer {server.admin_token}"}
    client = Client(server, token=server.admin_token)
    team_id = client.data(CREATE_TEAM, {"i": {"name": unique("s3")}})["createTeam"]["id"]

    uploaded = httpx.post(
        f"{server.url}/v1/uploads", params={"team": team_id}, content=content,
        headers={**headers, "X-Filename": source.name}, timeout=30,
    )
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["sha256"] == hashlib.sha256(content).hexdigest()
    assert uploaded.json()["size"] == len(content)
    assert stored_object(s3_server, bucket, uploaded.json()["sha256"]) == content

    dataset_id = client.data(CREATE_DATASET, {"i": {"teamId": team_id, "name": "breast-cancer"}})["createDataset"]["id"]
    version = client.data(
        UPLOAD_VERSION, {"i": {"datasetId": dataset_id, "uploadId": uploaded.json()["uploadId"], "label": "target"}}
    )["uploadDatasetVersion"]
    assert version["rows"] == 569
    parquet = stored_object(s3_server, bucket, version["sha256"])
    assert hashlib.sha256(parquet).hexdigest() == version["sha256"]
    assert len(parquet) == version["size"]

    downloaded = httpx.get(
        f"{server.url}/v1/dataset-versions/{version['id']}/data", params={"format": "csv"}, headers=headers, timeout=60,
    )
    assert downloaded.status_code == 200
    pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(downloaded.content)), pd.read_csv(source), check_exact=False)
    client.close()
