"""Content-stream bombs over HTTP: a 422 problem, nothing stored, and the server's memory where it was.

A 1.4 MB PDF (~300 MB of inflated content) once answered 503 after 60 s while the abandoned threads went on
parsing, taking the server from 1.2 to 15.5 GB. Now PDFs are read in a limited child process that is killed
when over budget; the request thread only waits for it."""

from __future__ import annotations

import sys
from pathlib import Path

import psutil
import pytest
from sqlalchemy import func, select

from config.settings import Settings, StorageSettings
from storage.models import Blob

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "capture"))
from pdf_bombs import content_bomb

MB = 1024 * 1024


@pytest.fixture(scope="module")
def api_settings(tmp_path_factory) -> Settings:
    """SQLite, and a small reader budget so the test is quick (the mechanism is the one of the defaults)."""
    tmp = tmp_path_factory.mktemp("api-hostile")
    base = Settings()
    return base.model_copy(
        update={
            "var_dir": tmp,
            "storage": StorageSettings(database_url=f"sqlite:///{tmp / 'docintel.db'}", blob_dir=tmp / "blobs"),
            "checks": base.checks.model_copy(update={"registry": "none"}),
            "capture": base.capture.model_copy(update={"isolate_memory_mb": 256, "isolate_wall_s": 60.0}),
        }
    )


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / MB


def test_pdf_bombs_get_a_422_store_nothing_and_leave_memory_where_it_was(app, client, problem) -> None:
    from pipeline.keys import create_api_key

    key = create_api_key(app.state.services.db, role="counter", branch="BOMB")
    headers = {"Authorization": f"Bearer {key.secret}"}
    case = client.post("/v1/cases", json={"business_type": "rental_withdrawal"}, headers=headers).json()["id"]
    zeros = content_bomb(300)  # refused from its bytes
    rects = content_bomb(3, operands=b"0 0 1 1 re f ")  # refused when the reader child runs out of memory
    with app.state.services.db.session() as s:
        blobs_before = s.scalar(select(func.count()).select_from(Blob))
    idle = rss_mb()
    for data, url in ((zeros, "/v1/extract"), (zeros, f"/v1/cases/{case}/documents"), (rects, "/v1/extract")):
        r = client.post(url, files={"file": ("contract.pdf", data, "application/pdf")}, headers=headers)
        body = problem(r, 422, "too_complex")
        assert "0x" not in body["detail"]
    assert rss_mb() - idle < 150
    with app.state.services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Blob)) == blobs_before
    # The server still reads ordinary files afterwards.
    sample = Path(__file__).parents[2] / "samples" / "contracts" / "rental_agreement_city_template_text_pdf.pdf"
    ok = client.post("/v1/extract", files={"file": ("c.pdf", sample.read_bytes())}, headers=headers)
    assert ok.status_code == 200, ok.text
