"""Packages on real workers (prefork, real OCR): a mixed package from samples/ through the API on the embedded
broker, and a worker killed with SIGKILL mid-package on both brokers, after which every document is stored once."""

from __future__ import annotations

import json

import pytest
from jobs_helpers import Receiver, sample
from malicious_zips import make_zip
from sqlalchemy import func, select
from starlette.testclient import TestClient

from pipeline.packages.submit import Upload, submit_package
from pipeline.work.callbacks import SIGNATURE_HEADER, verify_signature
from storage.jobs_models import ItemState, Job, JobItem
from storage.models import Document, DocumentFile, Extraction

BROKEN_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x13\x37" * 500  # a JPEG header over garbage: a poison file


def _signed_pdf(settings) -> bytes:  # type: ignore[no-untyped-def]
    """A rental agreement e-signed by "someone else" (the dev PKI), as loan teams receive them."""
    from signing.service import build_signer, sign_pdf

    signer = build_signer(settings.signing, env="test")
    return sign_pdf(sample("contracts/rental_agreement_city_template_text_pdf.pdf"), signer=signer, level="B-B")


def test_a_mixed_package_is_read_grouped_checked_and_called_back(embedded_env):
    env = embedded_env
    from api.app import create_app

    app = create_app(env.settings)
    app.state.dispatcher = env.dispatcher
    receiver = Receiver()
    files = {
        "01_身份证正面.jpg": sample("idcards/idcard_0000_easy_front.jpg"),
        "02_身份证反面.jpg": sample("idcards/idcard_0003_medium_back.jpg"),
        "购房合同_p1.jpg": sample("contracts/purchase_contract_gf2014_camera_p1.jpg"),
        "购房合同_p2.jpg": sample("contracts/purchase_contract_gf2014_camera_p2.jpg"),
        "租赁合同（已签章）.pdf": _signed_pdf(env.settings),
        "坏文件.jpg": BROKEN_JPEG,
    }
    try:
        env.start_worker()
        _principal, secret = env.principal("loan", "B1")
        headers = {"Authorization": f"Bearer {secret}"}
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.post(
                "/v1/packages",
                headers=headers,
                files=[("file", ("loan.zip", make_zip(list(files.items())), "application/zip"))],
                data={"business_type": "purchase_withdrawal", "callback_url": receiver.url},
            )
            assert response.status_code == 202, response.text
            job_id = response.json()["job_id"]
            env.wait_job(job_id)
            env.wait_for(lambda: bool(receiver.requests), timeout_s=60)
            view = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
            case = client.get(f"/v1/cases/{view['case_id']}", headers=headers).json()
    finally:
        receiver.close()
        app.state.core.close()

    # Every file accounted for: read into a document, or failed with its reason.
    assert view["state"] == "partial", view
    assert view["progress"] == {"done": 6, "total": 6, "succeeded": 5, "failed": 1}
    assert sorted(f for d in view["documents"] for f in d["files"]) == sorted(files)
    failed = [d for d in view["documents"] if d["state"] == "failed"]
    assert [d["files"] for d in failed] == [["坏文件.jpg"]]
    assert failed[0]["error"]["code"] in ("corrupt_file", "unsupported_file_type") and failed[0]["error"]["message_zh"]
    assert any(e["files"] == ["坏文件.jpg"] for e in view["errors"])

    done = {tuple(d["files"]): d for d in view["documents"] if d["state"] == "done"}
    assert done[("01_身份证正面.jpg",)]["doc_type"] == "id_card_front"
    assert done[("02_身份证反面.jpg",)]["doc_type"] == "id_card_back"
    # The two numbered camera pages of the contract are one document.
    contract = done[("购房合同_p1.jpg", "购房合同_p2.jpg")]
    assert contract["doc_type"] == "purchase_contract"
    signed = done[("租赁合同（已签章）.pdf",)]
    assert signed["doc_type"] == "rental_agreement"
    incoming = signed["signatures"]["租赁合同（已签章）.pdf"]
    assert incoming["signed"] is True and "report" in incoming, incoming
    assert "TOTAL-FAILED" not in json.dumps(incoming["report"])

    # Stored exactly once in the package's case, with the checks run over them.
    assert len(case["documents"]) == len(done) == 4
    assert {d["id"] for d in case["documents"]} == {d["document_id"] for d in done.values()}
    assert view["result"]["check_report"]["business"] == "purchase_withdrawal"

    # The callback: one signed POST saying how the job ended.
    (cb_headers, body), *_ = receiver.requests
    assert verify_signature(b"jobs-test-secret", body, cb_headers[SIGNATURE_HEADER])
    assert json.loads(body)["state"] == "partial" and json.loads(body)["job_id"] == job_id


def test_a_worker_killed_mid_package_loses_nothing_and_duplicates_nothing(job_env):
    env = job_env
    principal, _secret = env.principal("loan", "B2")
    package = make_zip(
        [
            ("a_front.jpg", sample("idcards/idcard_0004_easy_front.jpg")),
            ("b_both.jpg", sample("idcards/idcard_0002_easy_both.jpg")),
            ("c_front.jpg", sample("idcards/idcard_0001_medium_front.jpg")),
            ("d_back.jpg", sample("idcards/idcard_0003_medium_back.jpg")),
        ]
    )
    outcome = submit_package(
        env.services,
        env.dispatcher,
        principal=principal,
        uploads=[Upload("pkg.zip", package)],
        business_type="retirement_withdrawal",
    )
    job_id = outcome.body["job_id"]

    def running() -> list[int]:
        with env.db.session() as s:
            return list(
                s.scalars(select(JobItem.id).where(JobItem.job_id == job_id, JobItem.state == ItemState.RUNNING))
            )

    first = env.start_worker()
    env.wait_for(lambda: bool(running()))
    first.kill()  # SIGKILL to the worker and its pool process, mid-task
    (victim,) = running()  # still running: it was really cut off in the middle

    env.start_worker()
    job = env.wait_job(job_id)
    assert job.state == "succeeded", job.result

    with env.db.session() as s:
        items = {i.id: i for i in s.scalars(select(JobItem).where(JobItem.job_id == job_id))}
        assert all(i.state == ItemState.DONE for i in items.values())
        assert items[victim].attempts == 2  # the killed task ran again elsewhere
        assert all(i.attempts == 1 for i in items.values() if i.id != victim)
        job = s.get(Job, job_id)
        docs = list(s.scalars(select(Document).where(Document.case_id == job.case_id)))
        entries = [d for d in job.result["documents"] if d["state"] == "done"]
        assert len(docs) == len(entries) == 5  # the frame with both card sides is two documents
        assert {d.id for d in docs} == {e["document_id"] for e in entries}
        assert (
            s.scalar(
                select(func.count()).select_from(Extraction).where(Extraction.document_id.in_([d.id for d in docs]))
            )
            == 5
        )
        files = s.execute(select(DocumentFile.filename).where(DocumentFile.document_id.in_([d.id for d in docs]))).all()
        assert sorted(f for (f,) in files) == [
            "a_front.jpg",
            "b_both.jpg",
            "b_both.jpg",
            "c_front.jpg",
            "d_back.jpg",
        ]
    assert "received" in first.log()


def test_a_package_asked_to_finalize_ends_with_a_signed_application(tmp_path):
    from jobs_helpers import ROOT, make_job_env

    # The sample registry, with the applicant recorded as retired by social security (the business needs it).
    registry = json.loads((ROOT / "samples" / "registry" / "registry.json").read_text())
    registry["sources"]["social_security"]["440106199805171648"] = {"status": "retired"}
    (tmp_path / "registry.json").write_text(json.dumps(registry, ensure_ascii=False))
    env = make_job_env(
        "sqla",
        tmp_path,
        DOCINTEL_CHECKS__REGISTRY_FILE=str(tmp_path / "registry.json"),
        DOCINTEL_SIGNING__DEFAULT_LEVEL="B-B",  # the signing levels are tested in tests/signing
    )
    try:
        _finalize_package(env)
    finally:
        for w in env.workers:
            w.stop()
        env.db.dispose()


def _finalize_package(env) -> None:  # type: ignore[no-untyped-def]
    principal, _secret = env.principal("loan", "B4")
    outcome = submit_package(
        env.services,
        env.dispatcher,
        principal=principal,
        uploads=[Upload("身份证.jpg", sample("idcards/idcard_0002_easy_both.jpg"))],
        business_type="retirement_withdrawal",
        finalize=True,
    )
    env.start_worker()
    job = env.wait_job(outcome.body["job_id"])
    assert job.state == "succeeded", (job.errors, job.result.get("check_report"))
    assert job.result["check_report"]["passed"] is True
    finalized = job.result["finalize"]
    assert finalized["status"] == "finalized"
    assert {a["kind"] for a in finalized["artifacts"]} == {"application", "receipt"}
    with env.db.session() as s:
        from storage.models import Artifact, Case

        assert s.get(Case, job.case_id).status == "finalized"
        application = s.scalars(
            select(Artifact).where(Artifact.case_id == job.case_id, Artifact.kind == "application")
        ).one()
    pdf = env.services.blobs.get(application.blob_sha256)
    assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf  # signed


@pytest.mark.redis
def test_a_package_accepted_while_the_broker_is_down_is_run_once_it_is_back(redis_server, tmp_path):
    from jobs_helpers import make_job_env

    from devtools.job_servers import free_port, settings_for
    from jobs.dispatch import dispatcher_for

    env = make_job_env("redis", tmp_path, redis_server)
    try:
        down = settings_for({**env.env, "DOCINTEL_JOBS__BROKER_URL": f"redis://127.0.0.1:{free_port()}/0"})
        principal, _ = env.principal("loan", "B5")
        outcome = submit_package(
            env.services,
            dispatcher_for(down),  # nothing listens there: every send fails
            principal=principal,
            uploads=[Upload("front.jpg", sample("idcards/idcard_0000_easy_front.jpg"))],
            business_type="retirement_withdrawal",
        )
        assert outcome.status == 202  # stored, answered; the sweep of any worker sends it later
        with env.db.session() as s:
            item = s.scalars(select(JobItem).where(JobItem.job_id == outcome.body["job_id"])).one()
            assert item.dispatched_at is None
        env.start_worker()
        job = env.wait_job(outcome.body["job_id"])
        assert job.state == "succeeded" and job.result["documents"][0]["doc_type"] == "id_card_front"
    finally:
        for w in env.workers:
            w.stop()
        env.db.dispose()
