"""Bad input of every kind gets a 4xx problem+json with an English and a Chinese message, never a 500, and stores
nothing."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from storage.models import Blob, Document


@pytest.fixture(scope="module")
def headers(app):
    from pipeline.keys import create_api_key

    key = create_api_key(app.state.services.db, role="counter", branch="ERR")
    return {"Authorization": f"Bearer {key.secret}"}


@pytest.fixture(scope="module")
def case_id(client, headers) -> str:
    r = client.post("/v1/cases", json={"business_type": "purchase_withdrawal"}, headers=headers)
    assert r.status_code == 201
    return r.json()["id"]


def _jpeg(w: int = 640, h: int = 400) -> bytes:
    img = np.full((h, w, 3), 200, np.uint8)
    cv2.putText(img, "not an ID card", (20, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (0, 0, 0), 3)
    return cv2.imencode(".jpg", img)[1].tobytes()


def _bomb_png(side: int = 50_000) -> bytes:
    """A valid PNG claiming ``side`` x ``side`` pixels (2.5 gigapixels) whose compressed rows are a few kB:
    a decoder that trusts it allocates gigabytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = zlib.compress(b"\0" * (side + 1) * 64, 9)  # the first 64 rows, all black
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "hello")
    return buf.getvalue()


BAD_FILES = {
    "text": (b"hello, this is plain text\n", 415, "unsupported_file_type"),
    "garbage": (bytes(range(256)) * 40, 415, "unsupported_file_type"),
    "empty": (b"", 400, "empty_file"),
    "truncated_jpeg": (_jpeg()[:3000], 422, "corrupt_file"),
    "png_header_only": (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 422, "corrupt_file"),
    "truncated_pdf": (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", 422, "corrupt_file"),
    "zip": (_zip(), 415, "unsupported_file_type"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_4xx_problem_and_store_nothing(app, client, headers, case_id, problem, kind):
    data, status, code = BAD_FILES[kind]
    with app.state.services.db.session() as s:
        blobs_before = s.scalar(select(func.count()).select_from(Blob))
    for url in (f"/v1/cases/{case_id}/documents", "/v1/extract"):
        r = client.post(url, files={"file": (f"{kind}.jpg", data, "image/jpeg")}, headers=headers)
        problem(r, status, code)
    with app.state.services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Document).where(Document.case_id == case_id)) == 0
        assert s.scalar(select(func.count()).select_from(Blob)) == blobs_before


def test_a_decompression_bomb_is_refused_before_it_is_decoded(client, headers, case_id, problem):
    problem(
        client.post(f"/v1/cases/{case_id}/documents", files={"file": ("bomb.png", _bomb_png())}, headers=headers), 413
    )


def test_a_body_over_the_limit_is_refused_while_it_streams_in(api_settings, problem):
    from api.app import create_app

    small = api_settings.model_copy(update={"api": api_settings.api.model_copy(update={"max_request_bytes": 100_000})})
    app = create_app(small)
    from pipeline.keys import create_api_key

    key = create_api_key(app.state.services.db, role="counter", branch="ERR")
    with TestClient(app, raise_server_exceptions=False) as c:
        h = {"Authorization": f"Bearer {key.secret}"}
        big = b"\xff\xd8\xff" + b"\0" * 300_000
        problem(c.post("/v1/extract", files={"file": ("big.jpg", big)}, headers=h), 413, "file_too_large")

        def chunks():  # no Content-Length: only counting the bytes as they arrive can stop it
            boundary = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
            yield boundary
            for _ in range(40):
                yield b"\0" * 10_000
            yield b"\r\n--xyz--\r\n"

        r = c.post("/v1/extract", content=chunks(), headers={**h, "Content-Type": "multipart/form-data; boundary=xyz"})
        problem(r, 413, "file_too_large")
    app.state.core.close()


def test_unknown_case_unknown_document_and_unknown_route(client, headers, case_id, problem):
    problem(client.get("/v1/cases/no-such-case", headers=headers), 404, "not_found")
    problem(client.post("/v1/cases/no-such-case/finalize", headers=headers), 404)
    problem(
        client.patch(
            f"/v1/cases/{case_id}/documents/no-such-doc/fields/name",
            json={"value": "x", "reason": "y"},
            headers=headers,
        ),
        404,
    )
    problem(client.get("/v1/nowhere", headers=headers), 404)
    problem(client.delete(f"/v1/cases/{case_id}", headers=headers), 405)


def test_finalize_of_an_incomplete_case_is_a_conflict_naming_what_is_missing(client, headers, case_id, problem):
    body = problem(client.post(f"/v1/cases/{case_id}/finalize", headers=headers), 409, "case_incomplete")
    assert "身份证" in body["detail_zh"]
    assert {f["rule"] for f in body["extra"]["findings"]} >= {"materials.missing"}


def test_malformed_requests_are_422_problems(client, headers, case_id, problem):
    problem(client.post("/v1/cases", json={"business_type": "lottery"}, headers=headers), 422, "invalid_request")
    problem(
        client.post("/v1/cases", content=b"{not json", headers={**headers, "Content-Type": "application/json"}), 422
    )
    problem(
        client.post(
            "/v1/cases", json={"business_type": "purchase_withdrawal", "business_date": "2026-13-40"}, headers=headers
        ),
        422,
    )
    problem(client.post(f"/v1/cases/{case_id}/documents", data={"doc_type": "x"}, headers=headers), 422)
    problem(
        client.post(
            "/v1/cases",
            json={"business_type": "purchase_withdrawal"},
            headers={**headers, "Idempotency-Key": "k" * 300},
        ),
        422,
    )
    problem(
        client.post("/v1/extract", files={"file": ("a.jpg", _jpeg())}, data={"doc_type": "passport"}, headers=headers),
        422,
        "unknown_doc_type",
    )


def test_verify_refuses_what_is_not_a_readable_pdf_and_reports_an_unsigned_one(client, headers, problem):
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 100, "unsigned")
    c.save()
    pdf = buf.getvalue()
    problem(
        client.post("/v1/verify", files={"file": ("a.pdf", pdf[: len(pdf) // 2])}, headers=headers), 422, "corrupt_file"
    )
    problem(client.post("/v1/verify", files={"file": ("a.jpg", _jpeg())}, headers=headers), 415)
    r = client.post("/v1/verify", files={"file": ("a.pdf", pdf)}, headers=headers)
    assert r.status_code == 200 and r.json()["valid"] is False and r.json()["signature_count"] == 0


def test_verify_reports_a_damaged_signed_file_and_opens_an_owner_password_one(client, headers):
    """A signed file with bytes cut from its signed range is a report that says so, not "not a readable PDF";
    a PDF with an owner password only is opened as a viewer opens it."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer
    from reportlab.pdfgen import canvas

    corpus = Path(__file__).resolve().parents[1] / "corpora" / "signed" / "dss"
    cut = (corpus / "pdf-signed-corrupted.pdf").read_bytes()
    r = client.post("/v1/verify", files={"file": ("cut.pdf", cut)}, headers=headers)
    assert r.status_code == 200, r.text
    [sig] = r.json()["signatures"]
    assert (sig["indication"], sig["sub_indication"], sig["intact"]) == ("TOTAL-FAILED", "HASH_FAILURE", False)
    assert r.json()["notes"]

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 100, "owner password only")
    c.save()
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(buf.getvalue())))
    writer.encrypt(owner_pass="owner-secret", user_pass="")
    out = io.BytesIO()
    writer.write(out)
    r = client.post("/v1/verify", files={"file": ("locked.pdf", out.getvalue())}, headers=headers)
    assert r.status_code == 200 and r.json()["signature_count"] == 0, r.text
