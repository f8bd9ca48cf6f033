"""Finalize under concurrency and failure, through the ASGI app with real OCR, signing (dev PKI, B-LTA over
loopback TSA/OCSP) and blob store: one claim before rendering, so 20 racing retries sign once, and no signed PDF —
each carries a full name and ID number — survives in the blob store without a row that names it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from domain.errors import ExternalServiceError, SignerUnavailable
from storage.models import Artifact, AuditEvent, Blob, Case, DocumentCrop, DocumentFile


@pytest.fixture(scope="module")
def counter(app):
    from pipeline.keys import create_api_key

    key = create_api_key(app.state.services.db, role="counter", branch="FIN")
    return {"Authorization": f"Bearer {key.secret}"}


@pytest.fixture(scope="module")
def ready_case(client, counter) -> str:
    """A purchase-withdrawal case whose documents agree (two card sides photographed, a text-PDF contract)."""
    from samples.generator.case import make_case

    sample = make_case(23, business="purchase_withdrawal", contract_form="text_pdf")
    r = client.post(
        "/v1/cases",
        json={"business_type": sample.business, "business_date": sample.business_date.isoformat()},
        headers=counter,
    )
    case_id = r.json()["id"]
    for doc in sample.documents:
        (name, data), *_ = doc.files
        r = client.post(f"/v1/cases/{case_id}/documents", files={"file": (name, data)}, headers=counter)
        assert r.status_code == 201, r.text
    report = client.get(f"/v1/cases/{case_id}", headers=counter).json()["check_report"]
    assert report["passed"], report["findings"]
    return case_id


def _blob_files(app) -> set[str]:
    root = app.state.services.settings.storage.blob_dir
    return {p.name for p in root.rglob("*") if p.is_file() and not p.name.startswith(".tmp-")}


def _referenced(app) -> set[str]:
    with app.state.services.db.session() as s:
        rows = set(s.scalars(select(Blob.sha256)))
        named = (
            set(s.scalars(select(DocumentFile.blob_sha256)))
            | set(s.scalars(select(Artifact.blob_sha256)))
            | set(s.scalars(select(DocumentCrop.blob_sha256)))
        )
    assert rows <= named | _replaced(app)
    return rows


def _replaced(app) -> set[str]:
    from storage.models import ReplacedDocumentFile

    with app.state.services.db.session() as s:
        return set(s.scalars(select(ReplacedDocumentFile.blob_sha256)))


def _status(app, case_id: str) -> str:
    with app.state.services.db.session() as s:
        return s.get(Case, case_id).status


@pytest.mark.parametrize("fails", ["blob_store", "signer"])
def test_a_failed_finalize_leaves_no_signed_pdf_and_gives_the_case_back(
    app, client, counter, ready_case, monkeypatch, fails
):
    svc = app.state.services
    written: list[str] = []
    if fails == "blob_store":
        put = svc.blobs.put

        def put_once(data: bytes) -> str:  # the store fills up after the application was written
            if written:
                raise ExternalServiceError("blob store full", message_zh="文件存储已满")
            written.append(put(data))
            return written[-1]

        monkeypatch.setattr(svc.blobs, "put", put_once)
    else:
        sign = svc.signer.sign

        def sign_once(pdf: bytes) -> bytes:  # the TSA goes away between the application and the receipt
            if written:
                raise SignerUnavailable("the TSA stopped answering", message_zh="时间戳服务不可用")
            written.append("signed")
            return sign(pdf)

        monkeypatch.setattr(svc.signer, "sign", sign_once)
    r = client.post(f"/v1/cases/{ready_case}/finalize", headers=counter)
    assert r.status_code == 503, r.text
    assert written, "the failure was injected after the first PDF"
    assert _blob_files(app) == _referenced(app)
    assert _status(app, ready_case) == "open"


def test_a_case_being_finalized_refuses_changes_until_its_claim_goes_stale(app, client, counter, ready_case, problem):
    """While one call holds the case, another finalize (no key) and uploads get 409; a claim whose process died
    (older than api.finalize_lease_s) is taken over by the next finalize — the test below starts from one."""
    import datetime as dt

    svc = app.state.services
    with svc.db.session() as s:
        case = s.get(Case, ready_case)
        case.status, case.updated_at = "finalizing", dt.datetime.now(dt.UTC)
    problem(client.post(f"/v1/cases/{ready_case}/finalize", headers=counter), 409, "case_finalizing")
    upload = client.post(f"/v1/cases/{ready_case}/documents", files={"file": ("a.jpg", b"x")}, headers=counter)
    problem(upload, 409, "case_finalizing")
    assert client.get(f"/v1/cases/{ready_case}", headers=counter).json()["status"] == "finalizing"
    lease = svc.settings.api.finalize_lease_s
    with svc.db.session() as s:
        s.get(Case, ready_case).updated_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=lease + 1)


def test_twenty_racing_finalizes_with_one_key_sign_once_and_leave_no_stray_pdf(app, client, counter, ready_case):
    svc = app.state.services
    assert _status(app, ready_case) == "finalizing"  # left stale by the test above
    signed: list[int] = []
    sign = svc.signer.sign

    def counting_sign(pdf: bytes) -> bytes:
        signed.append(1)
        return sign(pdf)

    before = _blob_files(app)
    svc.signer.sign = counting_sign
    try:
        with ThreadPoolExecutor(20) as pool:
            answers = list(
                pool.map(
                    lambda _: client.post(
                        f"/v1/cases/{ready_case}/finalize", headers={**counter, "Idempotency-Key": "fin-20"}
                    ),
                    range(20),
                )
            )
    finally:
        del svc.signer.sign
    assert [a.status_code for a in answers] == [201] * 20, {a.status_code: a.text for a in answers}
    assert len({a.text for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 19
    assert len(signed) == 2  # one application, one receipt
    files = _blob_files(app)
    assert files == _referenced(app) and len(files - before) == 2
    with svc.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Artifact).where(Artifact.case_id == ready_case)) == 2
        audits = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.subject_id == ready_case, AuditEvent.action == "case.finalize")
        )
        assert audits == 1
    assert _status(app, ready_case) == "finalized"
    assert client.post(f"/v1/cases/{ready_case}/finalize", headers=counter).status_code == 409
