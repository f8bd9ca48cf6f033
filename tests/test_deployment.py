"""The Dockerfile and docker-compose.yml cannot be run on the development machines (no Docker engine), so they
are kept in step with the Makefile, which CI runs: these tests fail when one moves without the other."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
MAKEFILE = (ROOT / "Makefile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _make_variable(name: str) -> str:
    """A Makefile variable's value, continuation lines joined."""
    m = re.search(rf"^{name}\s*[:?]?=\s*((?:.*\\\n)*.*)$", MAKEFILE, re.M)
    assert m, f"{name} is not set in the Makefile"
    return m.group(1).replace("\\\n", " ")


def _recipe(target: str) -> str:
    m = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n?)+)", MAKEFILE, re.M)
    assert m, f"no `make {target}`"
    return m.group(1).replace("\\\n", " ")


@pytest.mark.parametrize("service,target", [("migrate", "migrate"), ("api", "api"), ("worker", "workers")])
def test_each_compose_service_has_a_make_target_running_the_same_command(service: str, target: str) -> None:
    command = COMPOSE["services"][service]["command"]
    recipe = shlex.split(_recipe(target).replace("$(BIN)/", "").replace("$$", "$"), comments=False)
    # The compose command appears in the recipe word for word (the Makefile adds only a worker name).
    assert any(recipe[i : i + len(command)] == command for i in range(len(recipe))), (service, command, recipe)


@pytest.mark.parametrize(
    "name",
    [
        "DOCINTEL_JOBS__BROKER_URL",
        "DOCINTEL_STORAGE__DATABASE_URL",
        "DOCINTEL_STORAGE__AUTO_MIGRATE",
        "DOCINTEL_OCR__THREADS",
    ],
)
def test_the_make_targets_set_what_compose_sets(name: str) -> None:
    compose_env = COMPOSE["x-docintel"]["environment"]
    scale_env = dict(pair.split("=", 1) for pair in _make_variable("SCALE_ENV").split() if "=" in pair)
    assert name in compose_env and name in scale_env
    if name in ("DOCINTEL_STORAGE__AUTO_MIGRATE", "DOCINTEL_OCR__THREADS"):
        assert scale_env[name] == compose_env[name]
    else:  # the same kind of server, on another host name
        assert scale_env[name].split(":", 1)[0] == compose_env[name].split(":", 1)[0]


def test_redis_keeps_queued_work_in_both() -> None:
    compose = COMPOSE["services"]["redis"]["command"]
    recipe = _recipe("redis")
    for flag in ("--appendonly", "--save"):
        assert flag in compose and flag in recipe


def test_the_image_installs_the_makefile_packages_less_the_servers() -> None:
    make = set(_make_variable("APT_PACKAGES").split())
    m = re.search(r"apt-get install -y --no-install-recommends\s*\\\n((?:.*\\\n)*.*?)\s*&&", DOCKERFILE)
    assert m
    image = set(m.group(1).replace("\\\n", " ").split())
    servers = {"redis-server", "postgresql"}  # their own containers in docker-compose.yml
    assert make - servers == image - {"make"}
    assert {"redis", "postgres"} <= set(COMPOSE["services"])


def test_the_image_installs_the_same_locked_tools_as_the_makefile() -> None:
    pins = re.findall(r"pip==\S+|setuptools==\S+|wheel==\S+", _recipe("$(STAMPS)/venv"))
    assert pins and all(pin in DOCKERFILE for pin in pins)
    assert "--no-deps -r requirements.lock" in DOCKERFILE
    assert "docintel models assemble" in DOCKERFILE
