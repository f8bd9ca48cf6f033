"""Crops through the ASGI app with real OCR: `POST /v1/extract?crops=true` answers the rectified card and the
portrait (ID front) or the rectified page (contracts) as bounded base64 JPEGs, and a case keeps them with the
document (listed in GET /v1/cases/{id}, served as JPEG to the roles that see page images)."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from storage.models import AuditEvent, DocumentCrop

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "idcards"


@pytest.fixture(scope="module")
def counter(app):
    from pipeline.keys import create_api_key

    return {"Authorization": f"Bearer {create_api_key(app.state.services.db, role='counter', branch='CROPS').secret}"}


def _jpeg(crop: dict) -> np.ndarray:
    data = base64.b64decode(crop["data_base64"])
    assert data[:2] == b"\xff\xd8"
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert img.shape[:2] == (crop["height"], crop["width"])
    return img


def test_extract_answers_the_card_and_its_portrait_only_when_asked(client, counter, app):
    name = "idcard_0000_easy_front.jpg"
    files = {"file": (name, (SAMPLES / name).read_bytes(), "image/jpeg")}
    plain = client.post("/v1/extract", files=files, headers=counter)
    assert plain.status_code == 200, plain.text
    assert "crops" not in plain.json()["documents"][0]

    r = client.post("/v1/extract?crops=true", files=files, headers=counter)
    assert r.status_code == 200, r.text
    (doc,) = r.json()["documents"]
    assert doc["doc_type"] == "id_card_front"
    assert doc["fields"] == plain.json()["documents"][0]["fields"]
    card, portrait = doc["crops"]
    assert (card["kind"], card["page"], card["method"], card["media_type"]) == ("document", 0, "page", "image/jpeg")
    assert portrait["kind"] == "portrait" and portrait["method"] in ("face", "layout")
    width, height = (int(v) for v in doc["pages"][0]["size"])
    assert card["bbox"] == [0, 0, width, height]
    # The portrait is the photo side of the card: right of the text columns, above the number line.
    x0, _, x1, y1 = portrait["bbox"]
    assert x0 > 0.55 * width and x1 <= width and y1 < 0.85 * height
    limit = app.state.services.settings.crops.max_side_px
    for crop in (card, portrait):
        assert max(_jpeg(crop).shape[:2]) <= limit


def test_a_photographed_contract_page_gives_its_rectified_page_and_no_portrait(client, counter):
    from samples.generator.case import make_case

    sample = make_case(31, business="purchase_withdrawal", contract_form="camera", card_difficulty="easy")
    contract = next(d for d in sample.documents if d.doc_type == "purchase_contract")
    name, data = contract.files[0]
    r = client.post("/v1/extract?crops=true", files={"file": (name, data, "image/jpeg")}, headers=counter)
    assert r.status_code == 200, r.text
    (doc,) = r.json()["documents"]
    assert [(c["kind"], c["page"]) for c in doc["crops"]] == [("document", 0)]
    page = _jpeg(doc["crops"][0])
    assert page.shape[0] > page.shape[1]  # an upright A4 page, not the landscape frame it was photographed in


def test_bad_crops_values_are_refused_with_422(client, counter, problem):
    name = "idcard_0000_easy_front.jpg"
    files = {"file": (name, (SAMPLES / name).read_bytes(), "image/jpeg")}
    problem(client.post("/v1/extract?crops=maybe", files=files, headers=counter), 422)


def test_a_case_keeps_the_crops_of_its_cards_and_serves_them(client, counter, app):
    from samples.generator.case import make_case

    sample = make_case(random.Random(4).randint(1000, 9999), business="retirement_withdrawal")
    case_id = client.post("/v1/cases", json={"business_type": sample.business}, headers=counter).json()["id"]
    for doc in sample.documents:
        (name, data), *_ = doc.files
        r = client.post(f"/v1/cases/{case_id}/documents", files={"file": (name, data)}, headers=counter)
        assert r.status_code == 201, r.text
        assert r.json()["documents"][0]["crops"], "the upload answer lists the crops it stored"
    shown = client.get(f"/v1/cases/{case_id}", headers=counter).json()
    kinds = {d["doc_type"]: [c["kind"] for c in d["crops"]] for d in shown["documents"]}
    assert kinds == {"id_card_front": ["document", "portrait"], "id_card_back": ["document"]}
    front = next(d for d in shown["documents"] if d["doc_type"] == "id_card_front")
    portrait = next(c for c in front["crops"] if c["kind"] == "portrait")
    r = client.get(f"/v1/cases/{case_id}/documents/{front['id']}/crops/{portrait['id']}.jpg", headers=counter)
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    img = cv2.imdecode(np.frombuffer(r.content, np.uint8), cv2.IMREAD_COLOR)
    assert img.shape[:2] == (portrait["height"], portrait["width"])
    with app.state.services.db.session() as s:
        rows = s.scalars(select(DocumentCrop).where(DocumentCrop.document_id == front["id"])).all()
        assert {c.kind for c in rows} == {"document", "portrait"}
        assert app.state.services.blobs.get(next(c.blob_sha256 for c in rows if c.kind == "portrait")) == r.content
        audited = s.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == front["id"])).all()
    assert "console.crop_image" in audited


def test_crops_are_not_shown_to_roles_that_do_not_see_page_images_nor_to_other_branches(
    client, counter, make_key, problem
):
    name = "idcard_0004_easy_front.jpg"
    case_id = client.post("/v1/cases", json={"business_type": "retirement_withdrawal"}, headers=counter).json()["id"]
    r = client.post(
        f"/v1/cases/{case_id}/documents", files={"file": (name, (SAMPLES / name).read_bytes())}, headers=counter
    )
    doc = r.json()["documents"][0]
    url = f"/v1/cases/{case_id}/documents/{doc['id']}/crops/{doc['crops'][0]['id']}.jpg"
    problem(client.get(url, headers=make_key("loan", "CROPS")), 403, "forbidden")
    problem(client.get(url, headers=make_key("counter", "ELSEWHERE")), 404)
    problem(client.get(f"/v1/cases/{case_id}/documents/{doc['id']}/crops/999999999.jpg", headers=counter), 404)
