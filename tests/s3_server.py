"""An S3 (and CloudFront) endpoint on loopback: moto's server, in this process.

Stopping it is an S3 outage (connections refused); starting it again on the same
port brings the same buckets back, as moto keeps its state in the process.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import requests
from moto.server import ThreadedMotoServer

REGION = "eu-west-2"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Server:
    def __init__(self) -> None:
        self.port = _free_port()
        self._server: ThreadedMotoServer | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> S3Server:
        self._server = ThreadedMotoServer(
            ip_address="127.0.0.1", port=self.port, verbose=False
        )
        self._server.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def client(self, service: str = "s3"):
        return boto3.client(
            service, endpoint_url=self.endpoint_url, region_name=REGION, **CREDENTIALS
        )

    def keys(self, bucket: str) -> set[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    def storage_options(self, *, bucket: str, location: str = "") -> dict:
        """django-storages options for a bucket here (short time-outs)."""
        return {
            "bucket_name": bucket,
            "location": location,
            "endpoint_url": self.endpoint_url,
            "region_name": REGION,
            "access_key": CREDENTIALS["aws_access_key_id"],
            "secret_key": CREDENTIALS["aws_secret_access_key"],
            "default_acl": None,
            "file_overwrite": False,
            "timeout_seconds": 1,
        }


@contextmanager
def s3_server(*buckets: str) -> Iterator[S3Server]:
    server = S3Server().start()
    try:
        for bucket in buckets:
            server.client().create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        yield server
    finally:
        if server._server is None:
            server.start()
        requests.post(f"{server.endpoint_url}/moto-api/reset", timeout=10)
        server.stop()
