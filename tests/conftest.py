"""Shared fixtures. Integration tests talk to the real services started by
``visio-archive services up`` (``bash infra/test.sh`` does it for you)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

# Importing the package switches off every hub access and telemetry (visio_archive/offline.py).
from visio_archive.settings import Settings


@pytest.fixture(scope="session")
def run_id() -> str:
    """A short unique tag so that parallel or repeated runs never see each other's data."""
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def settings(run_id: str) -> Settings:
    return Settings(index_prefix=f"test-{run_id}", bucket=f"test-{run_id}")


@pytest.fixture(scope="session")
def opensearch_client(settings: Settings) -> Iterator[object]:
    from opensearchpy import OpenSearch

    client = OpenSearch(hosts=[settings.opensearch_url], timeout=30)
    try:
        client.info()
    except Exception as exc:  # pragma: no cover - environment problem, not a test result
        pytest.fail(
            f"OpenSearch is not answering at {settings.opensearch_url} ({exc}). "
            "Start it with `visio-archive services up`."
        )
    yield client
    from visio_archive import index

    index.delete_prefix(client, settings.index_prefix)  # indices and their templates


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly (test media are made with it); fail the test when it fails."""
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


def drop_bucket(client: Any, bucket: str) -> None:
    """Remove every object version and delete marker of ``bucket``, then the bucket itself."""
    from minio.deleteobjects import DeleteObject

    if not client.bucket_exists(bucket_name=bucket):
        return
    targets = [
        DeleteObject(o.object_name, o.version_id)
        for o in client.list_objects(bucket_name=bucket, recursive=True, include_version=True)
        if o.object_name
    ]
    errors = list(client.remove_objects(bucket_name=bucket, delete_object_list=targets))
    assert not errors, errors
    client.remove_bucket(bucket_name=bucket)


@pytest.fixture(scope="session")
def minio_client(settings: Settings) -> Iterator[object]:
    from visio_archive.storage import Storage

    client = Storage.from_settings(settings).client
    try:
        client.list_buckets()
    except Exception as exc:  # pragma: no cover
        pytest.fail(
            f"The S3 server is not answering at {settings.s3_endpoint} ({exc}). "
            "Start it with `visio-archive services up`."
        )
    yield client
    drop_bucket(client, settings.bucket)  # the session's own bucket: leave the S3 server as found


@pytest.fixture(scope="module")
def module_settings(settings: Settings, request: pytest.FixtureRequest, opensearch_client: Any,
                    minio_client: Any) -> Iterator[Settings]:
    """Settings with an index prefix and a bucket of this test module's own, removed afterwards: modules
    never see each other's data, whatever order they run in (``-p no:randomly``, reversed, random)."""
    from visio_archive import index

    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_").replace("_", "-").lower()[:30]
    own = settings.model_copy(update={"index_prefix": f"{settings.index_prefix}-{name}",
                                      "bucket": f"{settings.bucket}-{name}"[:63].rstrip("-")})
    yield own
    index.delete_prefix(opensearch_client, own.index_prefix)
    drop_bucket(minio_client, own.bucket)
