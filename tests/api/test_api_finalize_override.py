"""A case whose ID card is flagged as a photocopy is finalized only with the clerk's override, which is audited —
through the ASGI app with real OCR, storage and signing (dev PKI).

The flag reaches the case the way a detector's output does: capture's quality report for the page carries a
``photocopy`` issue (in most tests added by wrapping ``capture.frame.assess``, so the rule is tested apart from
the cues' thresholds; the last test uploads a real generated copy that capture.trust flags itself), and the normal
upload path stores it with the extraction; finalize reads it from there."""

from __future__ import annotations

import io
import random

import pdfplumber
import pytest
from sqlalchemy import select

from domain.models import QualityIssue, Severity
from storage.models import AuditEvent, Case, Document, DocumentCrop

ID_NUMBER = "420106199001014312"


@pytest.fixture(scope="module")
def counter(app):
    from pipeline.keys import create_api_key

    key = create_api_key(app.state.services.db, role="counter", branch="OVR")
    return {"Authorization": f"Bearer {key.secret}"}


def _open_case(client, counter, *, photocopy: bool) -> str:
    """A retirement-withdrawal case with both card sides uploaded; the front flagged ``photocopy`` if asked."""
    import capture.frame
    from samples.generator.case import make_case

    sample = make_case(random.Random().randint(10_000, 99_999), business="retirement_withdrawal")
    case_id = client.post("/v1/cases", json={"business_type": sample.business}, headers=counter).json()["id"]
    real = capture.frame.assess

    def assess_with_photocopy(*args, **kwargs):
        report = real(*args, **kwargs)
        flag = QualityIssue("photocopy", "疑似复印件，请拍摄身份证原件", Severity.WARNING, 0.93)
        return report.__class__(issues=(*report.issues, flag), metrics=report.metrics)

    for doc in sample.documents:
        (name, data), *_ = doc.files
        with pytest.MonkeyPatch.context() as mp:
            if photocopy and doc.doc_type == "id_card_front":
                mp.setattr(capture.frame, "assess", assess_with_photocopy)
            r = client.post(f"/v1/cases/{case_id}/documents", files={"file": (name, data)}, headers=counter)
        assert r.status_code == 201, r.text
    assert client.get(f"/v1/cases/{case_id}", headers=counter).json()["check_report"]["passed"]
    return case_id


@pytest.fixture(scope="module")
def flagged(client, counter) -> str:
    return _open_case(client, counter, photocopy=True)


def test_a_flagged_id_card_needs_an_override_to_finalize(app, client, counter, flagged, problem):
    front = next(
        d
        for d in client.get(f"/v1/cases/{flagged}", headers=counter).json()["documents"]
        if d["doc_type"] == "id_card_front"
    )
    assert "photocopy" in {i["code"] for i in front["extraction"]["quality"]["issues"]}

    body = problem(client.post(f"/v1/cases/{flagged}/finalize", headers=counter), 409, "override_required")
    (flag,) = body["extra"]["flags"]
    assert flag == {
        "document": front["id"],
        "index": front["index"],
        "doc_type": "id_card_front",
        "page": 0,
        "code": "photocopy",
    }
    assert "复印件" in body["detail_zh"]
    blank = client.post(f"/v1/cases/{flagged}/finalize", json={"override_reason": "   "}, headers=counter)
    problem(blank, 409, "override_required")
    too_long = "x" * (app.state.services.settings.api.override_reason_max_chars + 1)
    problem(client.post(f"/v1/cases/{flagged}/finalize", json={"override_reason": too_long}, headers=counter), 400)
    problem(client.post(f"/v1/cases/{flagged}/finalize", json={"override_reason": "x" * 5000}, headers=counter), 422)
    problem(client.post(f"/v1/cases/{flagged}/finalize", json={"override_reason": "ok\u202e"}, headers=counter), 422)
    with app.state.services.db.session() as s:
        assert s.get(Case, flagged).status == "open"
        assert not s.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == flagged, AuditEvent.action == "case.finalize_override")
        ).all()


def test_the_override_is_audited_and_the_portrait_is_the_applications_photo(app, client, counter, flagged):
    reason = f"原件已当面核验（证号 {ID_NUMBER}），复印件系申请人另行提交"
    r = client.post(f"/v1/cases/{flagged}/finalize", json={"override_reason": reason, "clerk": "A017"}, headers=counter)
    assert r.status_code == 201, r.text
    override = r.json()["override"]
    assert [f["code"] for f in override["flags"]] == ["photocopy"]
    assert ID_NUMBER not in override["reason"] and "4201**********4312" in override["reason"]
    assert override["clerk"] == "A017"
    with app.state.services.db.session() as s:
        (event,) = s.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == flagged, AuditEvent.action == "case.finalize_override")
        ).all()
        assert event.api_key_id and event.at is not None and event.branch == "OVR"
        assert event.detail["clerk"] == "A017" and [f["code"] for f in event.detail["flags"]] == ["photocopy"]
        assert event.detail["reason"] == override["reason"]
        assert ID_NUMBER not in str(event.detail)

    pdf = client.get(f"/v1/cases/{flagged}/application.pdf", headers=counter).content
    assert len(_photos(pdf)) == 1
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "".join((p.extract_text() or "") for p in doc.pages).replace("\n", "")
    assert "身份证影像风险提示：疑似复印件" in text and "原件已当面核验" in text


def test_a_case_without_flags_finalizes_as_before_and_a_card_stored_without_crops_still_gives_the_photo(
    app, client, counter
):
    case_id = _open_case(client, counter, photocopy=False)
    # As a case stored before migration 0006 (or by a package job): no crop rows; the portrait is made at finalize
    # from the stored frame.
    with app.state.services.db.session() as s:
        docs = s.scalars(select(Document.id).where(Document.case_id == case_id)).all()
        for crop in s.scalars(select(DocumentCrop).where(DocumentCrop.document_id.in_(docs))):
            s.delete(crop)
    r = client.post(f"/v1/cases/{case_id}/finalize", headers=counter)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "finalized" and r.json()["override"] is None
    pdf = client.get(f"/v1/cases/{case_id}/application.pdf", headers=counter).content
    assert len(_photos(pdf)) == 1


def _photos(pdf: bytes) -> list[dict]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first = doc.pages[0]
        return [
            im
            for im in first.images
            if 0.6 < (im["x1"] - im["x0"]) / (im["bottom"] - im["top"]) < 0.95 and im["x1"] > first.width * 0.75
        ]


def test_a_photocopy_the_detector_flags_needs_the_override(client, counter, problem):
    """No stand-in: the ID card front is a grey laser copy of the applicant's card (samples.generator.attacks), the
    trust cues of capture flag it at upload, and finalize asks for the clerk's reason."""
    from samples.generator.attacks.photocopy import photocopy
    from samples.generator.camera import shoot
    from samples.generator.case import make_case
    from samples.generator.idcard import CARD_FILL, CARD_MIN_PX
    from samples.generator.idcard_render import CardStyle, render_front

    sample = make_case(41_017, business="retirement_withdrawal")
    rng = random.Random(41_017)
    card, mask = photocopy(render_front(sample.applicant, CardStyle.draw(rng), rng), "grey_laser", rng)
    copy = shoot(
        [card], seed=7, difficulty="easy", masks=[mask], fill=CARD_FILL["easy"], min_long_side=CARD_MIN_PX["easy"]
    )
    case_id = client.post("/v1/cases", json={"business_type": sample.business}, headers=counter).json()["id"]
    for doc in sample.documents:
        (name, data), *_ = doc.files
        if doc.doc_type == "id_card_front":
            name, data = "front_copy.jpg", copy.jpeg
        r = client.post(f"/v1/cases/{case_id}/documents", files={"file": (name, data)}, headers=counter)
        assert r.status_code == 201, r.text
    case = client.get(f"/v1/cases/{case_id}", headers=counter).json()
    front = next(d for d in case["documents"] if d["doc_type"] == "id_card_front")
    assert "photocopy" in {i["code"] for i in front["extraction"]["quality"]["issues"]}
    assert case["check_report"]["passed"], case["check_report"]
    body = problem(client.post(f"/v1/cases/{case_id}/finalize", headers=counter), 409, "override_required")
    assert [f["code"] for f in body["extra"]["flags"]] == ["photocopy"]
