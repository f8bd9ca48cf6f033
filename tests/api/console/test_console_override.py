"""The console with a flagged ID card, over HTTP (the real app, OCR and SQLite): the case page lists the flag, asks
for the clerk's reason and shows the stored crops; finalize without the reason answers 409 override_required, with
it the case is finalized and the override audited.

The ``photocopy`` flag is set the way a detector sets it: capture's quality report for the page carries the issue
(``capture.frame.assess`` wrapped here, standing in for the trust detectors built separately), and the normal upload
path stores it."""

from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import select

from domain.models import QualityIssue, Severity
from storage.models import AuditEvent
from tests.api.console.test_console_http import _key, _png, _signed_in


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from api.app import create_app
    from tests.api.conftest import make_settings

    tmp = tmp_path_factory.mktemp("console-override")
    app = create_app(make_settings(tmp, f"sqlite:///{tmp / 'docintel.db'}"))
    yield app
    app.state.core.close()


def with_photocopy_flag(report):  # type: ignore[no-untyped-def]
    flag = QualityIssue("photocopy", "疑似复印件，请拍摄身份证原件", Severity.WARNING, 0.91)
    return report.__class__(issues=(*report.issues, flag), metrics=report.metrics)


def new_sample(business: str = "retirement_withdrawal"):  # type: ignore[no-untyped-def]
    """A freshly generated case (new bytes: never a page-cache hit, so capture runs and can flag it)."""
    from samples.generator.case import make_case

    return make_case(random.Random().randint(10_000, 99_999), business=business)


def upload_flagged_case(client, csrf: str, sample=None) -> str:  # type: ignore[no-untyped-def]
    """Both sides of a card uploaded through the console; the front flagged ``photocopy``."""
    import capture.frame

    sample = sample or new_sample()
    business = sample.business
    r = client.post("/console/cases", data={"business_type": business, "csrf": csrf}, follow_redirects=False)
    case_id = r.headers["location"].rsplit("/", 1)[1]
    real = capture.frame.assess
    for doc in sample.documents:
        (name, data), *_ = doc.files
        with pytest.MonkeyPatch.context() as mp:
            if doc.doc_type == "id_card_front":
                mp.setattr(capture.frame, "assess", lambda *a, **k: with_photocopy_flag(real(*a, **k)))
            r = client.post(
                f"/console/cases/{case_id}/documents", files={"file": (name, data)}, headers={"X-CSRF-Token": csrf}
            )
        assert r.status_code == 200, r.text
    return case_id


def test_a_flagged_card_asks_for_the_reason_and_the_override_is_audited(app):
    client, csrf = _signed_in(app, _key(app, branch="OV1"))
    case_id = upload_flagged_case(client, csrf)
    r = client.put(
        f"/console/cases/{case_id}/signature",
        content=_png(),
        headers={"X-CSRF-Token": csrf, "Content-Type": "image/png"},
    )
    assert r.status_code == 200, r.text

    page = client.get(f"/console/cases/{case_id}").text
    assert 'id="trust-flags"' in page and 'data-flag="photocopy"' in page and "疑似复印件" in page
    assert 'id="override-reason"' in page and 'maxlength="500"' in page
    # The stored crops are on the page and load: the card and its portrait, the back's card.
    srcs = re.findall(r'class="crop-img" src="([^"]+)"', page)
    assert len(srcs) == 3
    assert len(re.findall(r'class="crop crop-portrait"', page)) == 1
    for src in srcs:
        img = client.get(src)
        assert img.status_code == 200 and img.content[:2] == b"\xff\xd8"

    r = client.post(f"/console/cases/{case_id}/finalize", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 409 and r.json()["code"] == "override_required", r.text
    assert [f["code"] for f in r.json()["extra"]["flags"]] == ["photocopy"]
    r = client.post(
        f"/console/cases/{case_id}/finalize",
        json={"override_reason": "原件已当面核验，与复印件一致"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "finalized"
    with app.state.services.db.session() as s:
        (event,) = s.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == case_id, AuditEvent.action == "case.finalize_override")
        ).all()
    assert event.detail["reason"] == "原件已当面核验，与复印件一致"
    assert [f["code"] for f in event.detail["flags"]] == ["photocopy"]
    page = client.get(f"/console/cases/{case_id}").text
    assert 'id="override-reason"' not in page  # finalized: nothing more to override
