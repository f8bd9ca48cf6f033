"""The blob store: content-addressed, deduplicated, verified on read; local folder and S3 (moto server on
loopback) behind the same interface."""

from __future__ import annotations

import os

import pytest

from config.settings import StorageSettings
from domain.errors import ExternalServiceError, NotFound
from storage.blobs import BlobStore, LocalBlobStore, S3BlobStore, build_blob_store, sha256_hex


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _s3_settings(endpoint: str, bucket: str) -> StorageSettings:
    return StorageSettings(
        blob_backend="s3",
        s3_endpoint_url=endpoint,
        s3_bucket=bucket,
        s3_access_key_id="test",
        s3_secret_access_key="test",
    )


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path) -> BlobStore:
    if request.param == "local":
        return build_blob_store(StorageSettings(blob_dir=tmp_path / "blobs"))
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"b-{os.urandom(4).hex()}"
    s3 = S3BlobStore(_s3_settings(endpoint, bucket))
    s3._client.create_bucket(Bucket=bucket)
    return s3


def test_put_returns_the_sha256_and_get_gives_the_same_bytes(store):
    data = os.urandom(10_000)
    sha = store.put(data)
    assert sha == sha256_hex(data)
    assert store.exists(sha)
    assert store.get(sha) == data


def test_storing_the_same_bytes_twice_keeps_one_copy(store, tmp_path):
    data = b"same frame" * 100
    assert store.put(data) == store.put(data)
    if isinstance(store, LocalBlobStore):
        assert len([p for p in store.root.rglob("*") if p.is_file()]) == 1  # and no temporary file is left


def test_unknown_and_malformed_addresses_are_not_found(store):
    assert not store.exists("0" * 64)
    with pytest.raises(NotFound):
        store.get("0" * 64)
    with pytest.raises(NotFound):
        store.get("../../etc/passwd")


def test_a_damaged_local_blob_is_detected_on_read(tmp_path):
    store = LocalBlobStore(tmp_path / "blobs")
    sha = store.put(b"original bytes")
    store._path(sha).write_bytes(b"tampered bytes")
    with pytest.raises(ExternalServiceError):
        store.get(sha)


def test_s3_ping_reports_a_missing_bucket(s3_endpoint):
    store = S3BlobStore(_s3_settings(s3_endpoint, "no-such-bucket"))
    with pytest.raises((NotFound, ExternalServiceError)):
        store.ping()


def test_s3_unreachable_endpoint_is_a_service_error_not_a_crash():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = S3BlobStore(_s3_settings(f"http://127.0.0.1:{port}", "bucket"))
    with pytest.raises(ExternalServiceError):
        store.put(b"data")
