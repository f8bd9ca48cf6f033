"""The case workflow through the ASGI app with real OCR on the committed sample frames: uploads answered with
fields and evidence, corrections beside machine values, Idempotency-Key replays, /v1/extract, OpenAPI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import AuditEvent, Extraction

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "idcards"


@pytest.fixture(scope="module")
def truth() -> dict:
    data = json.loads((SAMPLES / "ground_truth.json").read_text(encoding="utf-8"))
    return {c["file"]: c["documents"] for c in data["captures"]}


@pytest.fixture(scope="module")
def counter(make_key_module):
    return make_key_module("counter", "CASES")


@pytest.fixture(scope="module")
def make_key_module(app):
    from pipeline.keys import create_api_key

    def make(role: str, branch: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {create_api_key(app.state.services.db, role=role, branch=branch).secret}"}

    return make


@pytest.fixture(scope="module")
def uploaded(client, counter, truth):
    r = client.post("/v1/cases", json={"business_type": "retirement_withdrawal"}, headers=counter)
    case_id = r.json()["id"]
    name = "idcard_0000_easy_front.jpg"
    r = client.post(
        f"/v1/cases/{case_id}/documents",
        files={"file": (name, (SAMPLES / name).read_bytes(), "image/jpeg")},
        headers={**counter, "Idempotency-Key": "front-1"},
    )
    return case_id, r, truth[name][0]["fields"]


def test_an_upload_answers_with_fields_evidence_and_the_check_report(uploaded):
    case_id, r, expected = uploaded
    assert r.status_code == 201, r.text
    body = r.json()
    doc = body["documents"][0]
    assert body["case_id"] == case_id and doc["doc_type"] == "id_card_front"
    assert doc["fields"]["id_number"]["value"] == expected["id_number"]
    evidence = doc["fields"]["id_number"]["machine"]
    assert evidence["page"] == 0 and len(evidence["bbox"]) == 4 and 0 < evidence["confidence"] <= 1
    assert evidence["file"].startswith("idcard_0000")
    assert doc["extraction"]["version"] == 1 and doc["extraction"]["engine"]
    report = body["check_report"]
    assert not report["passed"]  # the back of the card is still missing
    assert any(f["rule"] == "materials.missing" for f in report["findings"])


def test_a_retried_upload_is_answered_from_its_idempotency_key(client, counter, uploaded, problem):
    case_id, first, _ = uploaded
    name = "idcard_0000_easy_front.jpg"
    again = client.post(
        f"/v1/cases/{case_id}/documents",
        files={"file": (name, (SAMPLES / name).read_bytes(), "image/jpeg")},
        headers={**counter, "Idempotency-Key": "front-1"},
    )
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert len(client.get(f"/v1/cases/{case_id}", headers=counter).json()["documents"]) == 1
    other = "idcard_0003_medium_back.jpg"
    reused = client.post(
        f"/v1/cases/{case_id}/documents",
        files={"file": (other, (SAMPLES / other).read_bytes(), "image/jpeg")},
        headers={**counter, "Idempotency-Key": "front-1"},
    )
    problem(reused, 422, "idempotency_key_reused")


def test_a_clerks_correction_is_kept_beside_the_machine_value(app, client, counter, uploaded):
    case_id, first, _ = uploaded
    doc_id = first.json()["documents"][0]["id"]
    r = client.patch(
        f"/v1/cases/{case_id}/documents/{doc_id}/fields/address",
        json={"value": "北京市朝阳区长江路339号", "reason": "打印地址不全", "clerk": "E007"},
        headers=counter,
    )
    assert r.status_code == 200, r.text
    field = r.json()["document"]["fields"]["address"]
    assert field["value"] == "北京市朝阳区长江路339号" and field["source"] == "correction"
    assert field["machine"]["value"] == first.json()["documents"][0]["fields"]["address"]["value"]
    assert field["correction"]["reason"] == "打印地址不全" and field["correction"]["clerk"] == "E007"
    assert r.json()["check_report"]["trigger"] == "correction"
    shown = client.get(f"/v1/cases/{case_id}", headers=counter).json()
    assert shown["documents"][0]["fields"]["address"]["source"] == "correction"
    with app.state.services.db.session() as s:
        machine = s.scalars(select(Extraction).where(Extraction.document_id == doc_id)).one()
        assert machine.result["fields"]["address"]["value"] == field["machine"]["value"]
        actions = {a.action for a in s.scalars(select(AuditEvent).where(AuditEvent.subject_id.in_([doc_id, case_id])))}
    assert {"document.upload", "field.correct", "case.read"} <= actions


def test_extract_reads_both_sides_of_a_card_in_one_frame(client, counter, truth):
    name = "idcard_0002_easy_both.jpg"
    r = client.post("/v1/extract", files={"file": (name, (SAMPLES / name).read_bytes(), "image/jpeg")}, headers=counter)
    assert r.status_code == 200, r.text
    docs = r.json()["documents"]
    assert sorted(d["doc_type"] for d in docs) == sorted(d["doc_type"] for d in truth[name])
    assert set(docs[0]) >= {"source", "doc_type", "fields", "quality", "warnings", "timing_ms"}


def test_case_creation_with_an_idempotency_key_opens_one_case(client, counter):
    h = {**counter, "Idempotency-Key": "open-1"}
    a = client.post("/v1/cases", json={"business_type": "rental_withdrawal"}, headers=h)
    b = client.post("/v1/cases", json={"business_type": "rental_withdrawal"}, headers=h)
    assert a.status_code == b.status_code == 201 and a.json()["id"] == b.json()["id"]


def test_openapi_describes_every_operation_and_its_errors(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/v1/extract",
        "/v1/cases",
        "/v1/cases/{case_id}",
        "/v1/cases/{case_id}/documents",
        "/v1/cases/{case_id}/finalize",
        "/v1/cases/{case_id}/application.pdf",
        "/v1/cases/{case_id}/receipt.pdf",
        "/v1/verify",
        "/healthz",
        "/readyz",
        "/metrics",
    ):
        assert path in paths, path
    for path, ops in paths.items():
        for method, op in ops.items():
            assert op.get("summary"), (method, path)
            if path.startswith("/v1/"):
                assert "401" in op["responses"] and "application/problem+json" in op["responses"]["401"]["content"]
    assert "detail_zh" in spec["components"]["schemas"]["Problem"]["properties"]
    assert client.get("/docs").status_code == 200


def test_metrics_expose_request_and_stage_latency_and_queue_depth(client, uploaded):
    text = client.get("/metrics").text
    assert 'docintel_http_request_duration_seconds_count{method="POST",route="/v1/cases/{case_id}/documents"' in text
    assert 'docintel_extraction_stage_duration_seconds_count{stage="ocr"}' in text
    assert "docintel_ocr_queue_depth" in text


def test_a_page_photographed_again_replaces_the_old_picture(client, counter, truth):
    r = client.post("/v1/cases", json={"business_type": "retirement_withdrawal"}, headers=counter)
    case_id = r.json()["id"]
    first, second = "idcard_0000_easy_front.jpg", "idcard_0001_medium_front.jpg"
    r = client.post(
        f"/v1/cases/{case_id}/documents",
        files={"file": (first, (SAMPLES / first).read_bytes(), "image/jpeg")},
        headers=counter,
    )
    doc_id = r.json()["documents"][0]["id"]
    url = f"/v1/cases/{case_id}/documents/{doc_id}/pages"
    again = {"file": (second, (SAMPLES / second).read_bytes(), "image/jpeg")}
    r = client.put(f"{url}/0", files=again, headers={**counter, "Idempotency-Key": "reshoot-1"})
    assert r.status_code == 200, r.text
    retry = client.put(f"{url}/0", files=again, headers={**counter, "Idempotency-Key": "reshoot-1"})
    assert retry.headers.get("Idempotent-Replayed") == "true" and retry.json() == r.json()
    doc = r.json()["documents"][0]
    assert doc["fields"]["id_number"]["value"] == truth[second][0]["fields"]["id_number"]
    assert doc["fields"]["id_number"]["machine"]["file"] == second
    assert [v["reason"] for v in doc["versions"]] == ["upload", "page_replaced"]
    r = client.put(f"{url}/3", files=again, headers=counter)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    r = client.put(f"{url}/0", files={"file": ("x.jpg", b"not a picture", "image/jpeg")}, headers=counter)
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("application/problem+json")
    r = client.put(f"/v1/cases/{case_id}/documents/nope/pages/0", files=again, headers=counter)
    assert r.status_code == 404
