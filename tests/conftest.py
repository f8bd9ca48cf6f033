"""Test-wide setup: an isolated var/ per session, so tests never touch a developer's data."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DOCINTEL_VAR_DIR", tempfile.mkdtemp(prefix="docintel-test-var-"))
os.environ.setdefault("DOCINTEL_ENV", "test")
# Models are assembled once under the project's var/ by `make models`; tests reuse them read-only.
os.environ.setdefault("DOCINTEL_OCR__MODEL_DIR", str(ROOT / "var" / "models"))
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
# Outside registries are off by default; the tests, like the demo, consult the sample registry explicitly
# (tests/cli/test_cli_check.py runs `docintel check` without it, as a fresh install does).
SAMPLE_REGISTRY = ROOT / "samples" / "registry" / "registry.json"
os.environ.setdefault("DOCINTEL_CHECKS__REGISTRY", "local")
os.environ.setdefault("DOCINTEL_CHECKS__REGISTRY_FILE", str(SAMPLE_REGISTRY))


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT
