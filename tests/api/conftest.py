"""API tests go through the real app (httpx against the ASGI app, via Starlette's TestClient) with the real OCR
engine, over SQLite and a real PostgreSQL. One app per backend and module; tests keep apart by branch."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from config.settings import Settings, StorageSettings
from devtools.pg_cluster import find_pg_bin, shared_server
from pipeline.keys import create_api_key

ROOT = Path(__file__).resolve().parents[2]


def make_settings(tmp: Path, database_url: str, **api: object) -> Settings:
    base = Settings()
    return base.model_copy(
        update={
            "var_dir": tmp,
            "storage": StorageSettings(database_url=database_url, blob_dir=tmp / "blobs"),
            "api": base.api.model_copy(update=api),
            # The API is not what registry tests are about: one INDETERMINATE info finding says none was asked.
            "checks": base.checks.model_copy(update={"registry": "none"}),
        }
    )


def database_url_for(backend: str, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'docintel.db'}"
    if find_pg_bin() is None:
        pytest.skip("PostgreSQL binaries NOT FOUND (install Debian's postgresql): PostgreSQL tests skipped")
    return shared_server().create_database()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def api_settings(request, tmp_path_factory) -> Settings:
    tmp = tmp_path_factory.mktemp(f"api-{request.param}")
    return make_settings(tmp, database_url_for(request.param, tmp))


@pytest.fixture(scope="module")
def app(api_settings):
    from api.app import create_app

    app = create_app(api_settings)
    yield app
    app.state.core.close()


@pytest.fixture(scope="module")
def client(app) -> TestClient:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def branch() -> str:
    return f"B{uuid.uuid4().hex[:8]}"


@pytest.fixture
def make_key(app) -> Callable[..., dict[str, str]]:
    """Headers for a new key of ``role`` in ``branch``."""

    def make(role: str = "counter", branch: str = "B1") -> dict[str, str]:
        key = create_api_key(app.state.services.db, role=role, branch=branch)
        return {"Authorization": f"Bearer {key.secret}"}

    return make


@pytest.fixture
def problem() -> Callable[..., dict]:
    return assert_problem


def assert_problem(response, status: int, code: str | None = None) -> dict:
    """A problem+json answer (RFC 9457) with the given status, an English and a Chinese message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["detail"] and body["detail_zh"] and body["title"] and body["type"].startswith("urn:docintel:problem:")
    if code is not None:
        assert body["code"] == code, body
    return body
