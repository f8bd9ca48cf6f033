"""Real brokers and real workers: the embedded broker (SQLite) and Debian's redis-server on a free loopback port,
``docintel worker`` subprocesses (prefork, one process, one inference thread) that tests may SIGKILL.

Each test gets its own var/ (database, blobs, embedded broker) or Redis database number, so tests never see each
other's messages. Leases, heartbeats and sweeps are shortened so a killed worker's work is taken over in seconds.
"""

from __future__ import annotations

import uuid

import pytest
from jobs_helpers import make_job_env

from devtools.job_servers import RedisServer, find_redis_server


@pytest.fixture(scope="session")
def redis_server():
    if find_redis_server() is None:
        pytest.skip("redis-server NOT FOUND (install Debian's redis-server): Redis broker tests skipped")
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqla", pytest.param("redis", marks=pytest.mark.redis)])
def job_env(request, tmp_path):
    redis = request.getfixturevalue("redis_server") if request.param == "redis" else None
    env = make_job_env(request.param, tmp_path, redis)
    yield env
    for w in env.workers:
        w.stop()
    env.db.dispose()


@pytest.fixture
def embedded_env(tmp_path):
    env = make_job_env("sqla", tmp_path)
    yield env
    for w in env.workers:
        w.stop()
    env.db.dispose()


@pytest.fixture
def branch() -> str:
    return f"B{uuid.uuid4().hex[:8]}"
