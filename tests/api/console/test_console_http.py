"""The console over HTTP, without a browser: sign-in cookie and CSRF, roles and masking with their audit rows,
the signature pad's PNG, and finalize waiting for the signature. The real app, OCR engine and SQLite."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image, ImageDraw
from starlette.testclient import TestClient

from api.console.session import COOKIE
from config.settings import PROJECT_ROOT
from pipeline.keys import create_api_key
from storage.repositories import list_audit
from tests.api.conftest import make_settings

FRONT = PROJECT_ROOT / "samples" / "idcards" / "idcard_0000_easy_front.jpg"  # 蔡涵 110105199702200140


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from api.app import create_app

    tmp = tmp_path_factory.mktemp("console-http")
    app = create_app(make_settings(tmp, f"sqlite:///{tmp / 'docintel.db'}"))
    yield app
    app.state.core.close()


def _key(app, role: str = "counter", branch: str = "CH1") -> str:
    return create_api_key(app.state.services.db, role=role, branch=branch).secret


def _signed_in(app, key: str) -> tuple[TestClient, str]:
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = client.post("/console/login", data={"key": key, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/console/")
    return client, re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def _png(ink: bool = True) -> bytes:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    if ink:
        ImageDraw.Draw(image).line([(50, 150), (200, 40), (350, 160), (550, 60)], fill=(0, 0, 0, 255), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def case_with_card(app):
    """A retirement-withdrawal case of branch CH1 holding the committed ID card front (read by the real engine)."""
    client, csrf = _signed_in(app, _key(app))
    r = client.post(
        "/console/cases",
        data={"business_type": "retirement_withdrawal", "csrf": csrf},
        follow_redirects=False,
    )
    case_id = r.headers["location"].rsplit("/", 1)[1]
    r = client.post(
        f"/console/cases/{case_id}/documents",
        files={"file": (FRONT.name, FRONT.read_bytes(), "image/jpeg")},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    assert r.json()["documents"][0]["doc_type"] == "id_card_front"
    return case_id, client, csrf


def test_session_cookie_is_signed_httponly_strict_and_expires(app):
    client = TestClient(app)
    r = client.get("/console/login")
    cookie = r.headers["set-cookie"]
    assert COOKIE in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie
    # Not signed in: pages send the browser to the login form, script calls get 401.
    assert client.get("/console/", headers={"Accept": "text/html"}, follow_redirects=False).headers["location"] == (
        "/console/login"
    )
    assert client.get("/console/cases/x/state").status_code == 401
    # A forged or tampered cookie is no session.
    client.cookies.set(COOKIE, "eyJjIjoieCIsImsiOiJhYmMifQ.forged.sig", path="/console")
    assert client.get("/console/cases/x/state").status_code == 401


def test_expired_session_is_refused(app):
    client, _ = _signed_in(app, _key(app))
    assert client.get("/console/").status_code == 200
    app.state.settings.console.session_ttl_s, ttl = -1, app.state.settings.console.session_ttl_s
    try:
        assert client.get("/console/", headers={"Accept": "text/html"}, follow_redirects=False).status_code == 303
    finally:
        app.state.settings.console.session_ttl_s = ttl


def test_every_form_and_call_needs_the_csrf_token(app, case_with_card):
    client = TestClient(app, raise_server_exceptions=False)
    client.get("/console/login")
    r = client.post("/console/login", data={"key": _key(app), "csrf": "wrong"}, follow_redirects=False)
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    case_id, signed_in, csrf = case_with_card
    assert signed_in.post("/console/cases", data={"business_type": "retirement_withdrawal"}).status_code == 403
    assert signed_in.put(f"/console/cases/{case_id}/signature", content=_png()).status_code == 403
    assert signed_in.post(f"/console/cases/{case_id}/finalize", headers={"X-CSRF-Token": "x" + csrf}).status_code == 403
    r = signed_in.post("/console/logout", data={"csrf": "nope"}, follow_redirects=False)
    assert r.status_code == 403


def test_counter_sees_unmasked_with_an_audit_row_and_loan_sees_masked(app, case_with_card):
    case_id, counter, _ = case_with_card
    page = counter.get(f"/console/cases/{case_id}")
    assert page.status_code == 200 and "110105199702200140" in page.text and "蔡涵" in page.text
    assert page.text.count('class="box"') >= 5  # boxes of name, sex, birth date, address, ID number, …
    image = counter.get(re.search(r'src="(/console/cases/[^"]+/pages/0\.jpg)"', page.text).group(1))
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    with app.state.services.db.session() as s:
        actions = [e.action for e in list_audit(s, subject_id=case_id)]
    assert "console.case.read" in actions

    loan, _ = _signed_in(app, _key(app, role="loan"))
    page = loan.get(f"/console/cases/{case_id}")
    assert page.status_code == 200
    assert "110105199702200140" not in page.text and "1101**********0140" in page.text
    assert "蔡涵" not in page.text and "蔡*" in page.text
    assert 'class="page-img"' not in page.text and "finalize" in page.text
    document_id = re.search(r'data-doc-option="([^"]+)"', page.text).group(1)
    assert loan.get(f"/console/cases/{case_id}/documents/{document_id}/pages/0.jpg").status_code == 403
    with app.state.services.db.session() as s:
        audit = [e for e in list_audit(s, subject_id=case_id) if e.action.startswith("console.case.")]
    assert [e.detail["unmasked"] for e in audit][-2:] == [True, False]
    # The case list masks for everyone.
    listing = counter.get("/console/")
    assert "1101**********0140" in listing.text and "110105199702200140" not in listing.text


def test_page_images_are_the_pages_the_boxes_belong_to(app, case_with_card):
    """The page image right after the upload (the extraction's own capture) and one captured again from the stored
    file (another process, a restart) are the same picture, of the size the boxes are measured in."""
    from pipeline.cases import page_images

    case_id, client, _ = case_with_card
    api = {"Authorization": f"Bearer {_key(app)}"}
    doc = client.get(f"/v1/cases/{case_id}", headers=api).json()["documents"][0]
    width, height = doc["extraction"]["pages"][0]["size"]
    url = f"/console/cases/{case_id}/documents/{doc['id']}/pages/0.jpg"
    first = Image.open(io.BytesIO(client.get(url).content))
    page_images._cache.clear()
    again = Image.open(io.BytesIO(client.get(url).content))
    assert first.size == again.size == (round(width), round(height))
    diff = np.abs(np.asarray(first.convert("L"), dtype=np.int16) - np.asarray(again.convert("L"), dtype=np.int16))
    assert diff.mean() < 2
    assert client.get(url.replace("/0.jpg", "/5.jpg")).status_code == 404


def test_language_toggle_and_logout(app):
    client, csrf = _signed_in(app, _key(app))
    assert "本网点业务" in client.get("/console/").text
    r = client.get("/console/lang/en?back=/console/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console/"
    assert "Cases of this branch" in client.get("/console/").text
    assert (
        client.get("/console/lang/en?back=https://elsewhere.example/", follow_redirects=False).headers["location"]
        == "/console/"
    )
    r = client.post("/console/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/console/", headers={"Accept": "text/html"}, follow_redirects=False).status_code == 303


def test_another_branch_gets_404_everywhere(app, case_with_card):
    case_id, _, _ = case_with_card
    other, csrf = _signed_in(app, _key(app, branch="CH2"))
    page = other.get(f"/console/cases/{case_id}", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "业务案件不存在" in page.text and 'action="/console/logout"' in page.text
    assert other.get(f"/console/cases/{case_id}/state").status_code == 404
    assert (
        other.put(f"/console/cases/{case_id}/signature", content=_png(), headers={"X-CSRF-Token": csrf}).status_code
        == 404
    )


def test_signature_is_checked_stored_audited_and_required_to_finalize(app, case_with_card):
    case_id, client, csrf = case_with_card
    headers = {"X-CSRF-Token": csrf, "Content-Type": "image/png"}
    assert client.put(f"/console/cases/{case_id}/signature", content=b"GIF89a....", headers=headers).status_code == 415
    r = client.put(f"/console/cases/{case_id}/signature", content=_png(ink=False), headers=headers)
    assert r.status_code == 400 and "签名板为空" in r.json()["detail_zh"]
    truncated = _png()[:200]
    assert client.put(f"/console/cases/{case_id}/signature", content=truncated, headers=headers).status_code == 422
    assert client.get(f"/console/cases/{case_id}/signature.png").status_code == 204

    # Retirement withdrawal with the card front only does not pass its checks: finalize is refused either way.
    r = client.post(f"/console/cases/{case_id}/finalize", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 409

    png = _png()
    r = client.put(f"/console/cases/{case_id}/signature", content=png, headers=headers)
    assert r.status_code == 200 and r.json()["width"] == 600
    stored = client.get(f"/console/cases/{case_id}/signature.png")
    assert stored.status_code == 200 and stored.content == png
    with app.state.services.db.session() as s:
        actions = [e.action for e in list_audit(s, subject_id=case_id)]
    assert "signature.store" in actions and "signature.read" in actions
    assert 'id="signature-saved"' in client.get(f"/console/cases/{case_id}").text


def test_finalize_from_the_console_needs_the_signature_but_the_api_does_not(app):
    """A case whose checks pass (retirement withdrawal with registries off needs the card's two sides, which the
    committed sample frame holds): the console refuses to finalize it unsigned, the /v1 API does not."""
    both = PROJECT_ROOT / "samples" / "idcards" / "idcard_0002_easy_both.jpg"
    key = _key(app, branch="CH3")
    client, csrf = _signed_in(app, key)
    api = {"Authorization": f"Bearer {key}"}
    case_ids = []
    for _ in range(2):
        case_id = client.post("/v1/cases", json={"business_type": "retirement_withdrawal"}, headers=api).json()["id"]
        r = client.post(
            f"/v1/cases/{case_id}/documents", files={"file": (both.name, both.read_bytes(), "image/jpeg")}, headers=api
        )
        assert r.status_code == 201 and r.json()["check_report"]["passed"], r.text
        case_ids.append(case_id)
    page = client.get(f"/console/cases/{case_ids[0]}")
    assert re.search(r'<button type="button" id="finalize" disabled', page.text)
    r = client.post(f"/console/cases/{case_ids[0]}/finalize", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 409 and r.json()["code"] == "signature_required"
    assert client.post(f"/v1/cases/{case_ids[1]}/finalize", headers=api).status_code == 201

    r = client.put(
        f"/console/cases/{case_ids[0]}/signature",
        content=_png(),
        headers={"X-CSRF-Token": csrf, "Content-Type": "image/png"},
    )
    assert r.status_code == 200
    assert not re.search(r'id="finalize" disabled', client.get(f"/console/cases/{case_ids[0]}").text)
    r = client.post(f"/console/cases/{case_ids[0]}/finalize", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["artifacts"] == ["application", "receipt"]
    signed = client.get(f"/console/cases/{case_ids[0]}/application.pdf")
    unsigned = client.get(f"/v1/cases/{case_ids[1]}/application.pdf", headers=api)
    assert signed.status_code == unsigned.status_code == 200
    assert _signature_images(signed.content) == 1 and _signature_images(unsigned.content) == 0


def _signature_images(pdf: bytes) -> int:
    """Images of the signature pad's size (600x200) on the pages of a PDF."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(pdf)
    return sum(
        1
        for page in doc
        for obj in page.get_objects(max_depth=1)
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE and tuple(obj.get_px_size()) == (600, 200)
    )
