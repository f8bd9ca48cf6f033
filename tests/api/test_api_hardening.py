"""Findings of a red-team pass, each held here: a revoked key stops at once; NUL, control and invisible bidi
characters are refused in facts and corrections; problem+json never shows Python object addresses; the key lookup
never queues behind a writer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from domain.errors import CorruptFile, InputError
from pipeline.keys import authenticate, create_api_key, revoke_api_key

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "idcards"
UNSAFE = ["\x00", "\u202e", "\u2066", "\u200f", "\x1b", "\ufeff"]


def test_a_revoked_key_stops_working_at_once(app, client):
    key = create_api_key(app.state.services.db, role="counter", branch="REVOKE")
    headers = {"Authorization": f"Bearer {key.secret}"}
    assert client.post("/v1/cases", json={"business_type": "retirement_withdrawal"}, headers=headers).status_code == 201
    revoke_api_key(app.state.services.db, key_id=key.key_id)  # what `docintel keys revoke` does, from outside
    r = client.post("/v1/cases", json={"business_type": "retirement_withdrawal"}, headers=headers)
    assert r.status_code == 401, r.text


@pytest.fixture(scope="module")
def case_with_card(app, client):
    key = create_api_key(app.state.services.db, role="counter", branch="PLAIN")
    headers = {"Authorization": f"Bearer {key.secret}"}
    case_id = client.post("/v1/cases", json={"business_type": "retirement_withdrawal"}, headers=headers).json()["id"]
    name = "idcard_0000_easy_front.jpg"
    r = client.post(
        f"/v1/cases/{case_id}/documents", files={"file": (name, (SAMPLES / name).read_bytes())}, headers=headers
    )
    assert r.status_code == 201, r.text
    return headers, case_id, r.json()["documents"][0]["id"]


@pytest.mark.parametrize("char", UNSAFE, ids=[f"U+{ord(c):04X}" for c in UNSAFE])
def test_control_and_bidi_characters_are_refused_in_facts_and_corrections(client, case_with_card, problem, char):
    headers, case_id, doc_id = case_with_card
    for body in (
        {"facts": {"bank_card_number": f"6222{char}020200112233445"}},
        {"facts": {"property_address": f"北京市朝阳区{char}长江路339号"}},
    ):
        found = problem(client.patch(f"/v1/cases/{case_id}", json=body, headers=headers), 422, "invalid_request")
        assert f"U+{ord(char):04X}" in found["detail"]
    url = f"/v1/cases/{case_id}/documents/{doc_id}/fields/address"
    for body in (
        {"value": f"北京市{char}朝阳区", "reason": "打印地址不全"},
        {"value": "北京市朝阳区", "reason": f"打印{char}地址不全"},
        {"value": "北京市朝阳区", "reason": "打印地址不全", "clerk": f"E{char}007"},
    ):
        problem(client.patch(url, json=body, headers=headers), 422, "invalid_request")
    create = {"business_type": "retirement_withdrawal", "facts": {"bank_card_number": f"62{char}22"}}
    problem(client.post("/v1/cases", json=create, headers=headers), 422, "invalid_request")
    details = client.get(f"/v1/cases/{case_id}", headers=headers).json()
    assert details["facts"] == {} and char not in str(details)  # nothing of it was stored
    # Plain text, tabs and line breaks included, is kept.
    ok = client.patch(url, json={"value": "北京市朝阳区长江路339号", "reason": "打印地址不全\n见原件"}, headers=headers)
    assert ok.status_code == 200, ok.text


def test_the_use_cases_refuse_them_too(app, case_with_card):
    from pipeline.cases import records
    from pipeline.keys import Principal, Role

    headers, case_id, doc_id = case_with_card
    who = authenticate(app.state.services.db, key=headers["Authorization"].split()[1])
    assert isinstance(who, Principal) and who.role == Role.COUNTER
    with pytest.raises(InputError, match="U\\+202E"):
        records.set_facts(app.state.services, principal=who, case_id=case_id, facts={"bank_card_number": "62\u202e22"})
    with pytest.raises(InputError, match="U\\+0000"):
        records.correct_field(
            app.state.services,
            principal=who,
            case_id=case_id,
            document_id=doc_id,
            field="name",
            value="王\x00",
            reason="r",
        )


def test_problem_details_never_show_object_addresses():
    """A library's message quoted in an error (``not a readable PDF (…)``) may hold object reprs."""
    from api.errors import install_error_handlers

    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        inner = ValueError(f"Expected a dictionary, got {object()!r} in {boom!r}")
        raise CorruptFile(
            f"not a readable PDF ({inner})", message_zh="不是可读取的 PDF 文件", detail={"why": repr(app)}
        )

    body = TestClient(app).get("/boom").json()
    text = str(body)
    assert " at 0x" not in text and "0x" not in text
    assert body["detail"].startswith("not a readable PDF (Expected a dictionary, got <object> in <function ")


def test_the_key_lookup_does_not_wait_for_a_writer(tmp_path):
    """Authentication reads in a transaction that takes no write lock (SQLite WAL), so a long write elsewhere —
    a finalize's claim, a job's bookkeeping — never holds up every request behind it."""
    from config.settings import StorageSettings
    from storage import migrate
    from storage.db import Database

    db = Database(StorageSettings(database_url=f"sqlite:///{tmp_path / 'k.db'}", sqlite_busy_timeout_ms=100))
    migrate.upgrade(db)
    key = create_api_key(db, role="counter", branch="W")
    holding, done = threading.Event(), threading.Event()

    def writer() -> None:
        with db.session() as s:
            s.execute(__import__("sqlalchemy").text("CREATE TABLE held (x INTEGER)"))
            holding.set()
            done.wait(30)

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert holding.wait(30)
        assert authenticate(db, key=key.secret).branch == "W"  # with BEGIN IMMEDIATE: "database is locked"
    finally:
        done.set()
        t.join()
        db.dispose()
