"""A local S3-compatible server (moto's) on a free loopback port, and the AWS variables that point boto3 at it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

REGION = "us-east-1"


@dataclass
class S3Server:
    endpoint_url: str
    _client: Any = None

    @property
    def environment(self) -> dict[str, str]:
        """AWS variables for boto3 in this process, in servers it starts and in their Ray workers."""
        return {
            "AWS_ENDPOINT_URL_S3": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "modelcloud-test",
            "AWS_SECRET_ACCESS_KEY": "modelcloud-test-secret",
            "AWS_REGION": REGION,
            # Keeps boto3 from reading a developer's ~/.aws files or asking a cloud metadata service.
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def client(self) -> Any:
        """A boto3 client of its own, for checks that go around the store."""
        if self._client is None:
            self._client = boto3.client(
                "s3", endpoint_url=self.endpoint_url, region_name=REGION,
                aws_access_key_id="modelcloud-test", aws_secret_access_key="modelcloud-test-secret",
            )
        return self._client

    def create_bucket(self) -> str:
        name = f"modelcloud-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    """Run moto's S3 server in a thread of this process, bound to 127.0.0.1 on a free port."""
    # werkzeug logs every request at INFO, which would flood the output of a failing test.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield S3Server(endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()
