"""A real S3-compatible server for the test session (moto in server mode on a loopback port).

Credentials are dummies in the environment, as boto3 reads them when ``SAOLUU_S3_ACCESS_KEY`` is
not set. Each test gets its own bucket, so tests never share objects.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.sync.conftest import live_server, tablet  # noqa: F401  (the real server and tablets)

DUMMY_ENV = {
    "AWS_ACCESS_KEY_ID": "saoluu-test",
    "AWS_SECRET_ACCESS_KEY": "saoluu-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_buckets = itertools.count()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of a moto S3 server running for the whole session."""
    saved = {k: os.environ.get(k) for k in DUMMY_ENV}
    os.environ.update(DUMMY_ENV)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)  # 0: the OS picks a free port
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def s3_bucket() -> str:
    """A bucket name no other test uses (the store under test creates it)."""
    return f"saoluu-test-{os.getpid()}-{next(_buckets)}"


@pytest.fixture
def s3_client(s3_endpoint: str) -> Any:
    """A plain boto3 client to look at the bucket from outside the store."""
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")


def object_keys(s3_client: Any, bucket: str) -> list[str]:
    """Every key in ``bucket``, sorted."""
    pages = s3_client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))
