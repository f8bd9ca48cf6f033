"""API keys, roles, branch tenancy (another branch's case is 404, never 403) and the audit trail of reads."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from pipeline.keys import create_api_key, revoke_api_key
from storage.models import ApiKey, AuditEvent


def _new_case(client, headers, business="retirement_withdrawal") -> str:
    r = client.post("/v1/cases", json={"business_type": business}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_keys_create_prints_the_key_alone_on_the_last_line_and_stores_only_its_hash(
    app, client, api_settings, tmp_path
):
    env = {**os.environ, "DOCINTEL_STORAGE__DATABASE_URL": api_settings.storage.database_url}
    out = subprocess.run(
        [sys.executable, "-m", "cli.main", "keys", "create", "--role", "counter", "--branch", "CLI1"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    key = out.stdout.strip().splitlines()[-1]
    assert key.startswith("dik_") and " " not in key
    r = client.post(
        "/v1/cases", json={"business_type": "retirement_withdrawal"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert r.status_code == 201 and r.json()["branch"] == "CLI1"
    with app.state.services.db.session() as s:
        rows = s.scalars(select(ApiKey).where(ApiKey.branch == "CLI1")).all()
        assert (
            len(rows) == 1
            and key not in (rows[0].secret_hash, rows[0].id)
            and key.split("_")[2] not in rows[0].secret_hash
        )


def test_missing_malformed_unknown_and_revoked_keys_are_401(app, client, problem, branch):
    assert problem(client.get("/v1/cases/x"), 401, "unauthorized")
    assert problem(client.get("/v1/cases/x", headers={"Authorization": "Bearer nonsense"}), 401)
    forged = "dik_0123456789abcdef_" + "A" * 43
    assert problem(client.get("/v1/cases/x", headers={"Authorization": f"Bearer {forged}"}), 401)
    key = create_api_key(app.state.services.db, role="counter", branch=branch)
    revoke_api_key(app.state.services.db, key_id=key.key_id)
    r = client.post(
        "/v1/cases", json={"business_type": "retirement_withdrawal"}, headers={"Authorization": f"Bearer {key.secret}"}
    )
    assert problem(r, 401)
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_roles_limit_what_a_key_may_do(client, make_key, problem, branch):
    loan = make_key("loan", branch)
    problem(client.post("/v1/cases", json={"business_type": "retirement_withdrawal"}, headers=loan), 403, "forbidden")
    case_id = _new_case(client, make_key("counter", branch))
    assert client.get(f"/v1/cases/{case_id}", headers=loan).status_code == 200  # loan teams may read
    problem(client.post(f"/v1/cases/{case_id}/finalize", headers=loan), 403)
    assert (
        client.post(
            "/v1/cases", json={"business_type": "retirement_withdrawal"}, headers=make_key("admin", branch)
        ).status_code
        == 201
    )


def test_another_branchs_case_is_not_found_on_every_endpoint(client, make_key, problem, branch):
    mine = make_key("counter", branch)
    case_id = _new_case(client, mine)
    for role in ("counter", "loan", "admin"):
        other = make_key(role, branch + "-other")
        calls = [
            client.get(f"/v1/cases/{case_id}", headers=other),
            client.patch(
                f"/v1/cases/{case_id}", json={"facts": {"bank_card_number": "6222020200112233445"}}, headers=other
            ),
            client.post(
                f"/v1/cases/{case_id}/documents", files={"file": ("a.png", b"\x89PNG\r\n\x1a\n")}, headers=other
            ),
            client.patch(
                f"/v1/cases/{case_id}/documents/whatever/fields/name", json={"value": "x", "reason": "y"}, headers=other
            ),
            client.post(f"/v1/cases/{case_id}/finalize", headers=other),
            client.get(f"/v1/cases/{case_id}/application.pdf", headers=other),
            client.get(f"/v1/cases/{case_id}/receipt.pdf", headers=other),
        ]
        for r in calls:
            if role == "loan" and r.request.method != "GET":
                problem(r, 403)  # the role check comes first and says nothing about the case
                continue
            body = problem(r, 404, "not_found")
            assert "branch" not in body["detail"]
    # Exactly what an id that never existed gets.
    ghost = client.get("/v1/cases/00000000-0000-0000-0000-000000000000", headers=make_key("counter", branch + "-other"))
    real = client.get(f"/v1/cases/{case_id}", headers=make_key("counter", branch + "-other"))
    assert ghost.status_code == real.status_code == 404
    assert {k: v for k, v in ghost.json().items() if k not in ("detail", "instance")} == {
        k: v for k, v in real.json().items() if k not in ("detail", "instance")
    }
    assert client.get(f"/v1/cases/{case_id}", headers=mine).status_code == 200


def test_every_read_of_a_case_leaves_an_audit_row(app, client, make_key, branch):
    headers = make_key("counter", branch)
    case_id = _new_case(client, headers)
    key_id = headers["Authorization"].split("_")[1]
    for _ in range(3):
        assert client.get(f"/v1/cases/{case_id}", headers=headers).status_code == 200
    client.get(f"/v1/cases/{case_id}", headers=make_key("counter", branch + "-x"))  # refused: reads nothing
    with app.state.services.db.session() as s:
        rows = s.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == case_id, AuditEvent.action == "case.read")
        ).all()
    assert len(rows) == 3
    assert {(r.api_key_id, r.branch, r.subject_type) for r in rows} == {(key_id, branch, "case")}
    assert all(r.at is not None for r in rows)
