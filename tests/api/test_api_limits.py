"""Inputs at the edges of their types get a clear 4xx, never a 500: dates at the end of the calendar, lists of a
million items, offsets past 64 bits (found by a red-team pass)."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin(make_key, branch):
    return make_key("admin", branch)


@pytest.mark.parametrize("created_to", ["9999-12-31", "9999-12-31T23:59:59"])
def test_a_selection_up_to_the_last_day_of_the_calendar_is_accepted(client, admin, created_to):
    r = client.post("/v1/reprocess", headers=admin, json={"created_to": created_to, "created_from": "0001-01-01"})
    assert r.status_code == 202, r.text
    assert r.json()["selected"] == 0


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "99999-01-01"])
def test_a_date_time_outside_the_calendar_is_a_clear_error(client, admin, problem, when):
    body = problem(client.post("/v1/reprocess", headers=admin, json={"created_from": when}), 400, "bad_input")
    assert "YYYY-MM-DD" in body["detail"]


@pytest.mark.parametrize("field", ["doc_types", "engine_versions"])
def test_a_million_criteria_are_refused_with_a_short_answer(client, admin, problem, field, caplog):
    r = client.post("/v1/reprocess", headers=admin, json={field: ["id_card_front"] * 1_000_000})
    body = problem(r, 422, "invalid_request")
    assert len(r.content) < 2000 and body["errors"][0]["loc"] == ["body", field]
    assert all(len(rec.getMessage()) < 10_000 for rec in caplog.records)
    # A million wrong items are one mistake: the answer lists a few, not a million.
    r = client.post("/v1/reprocess", headers=admin, json={field: [1] * 10_000})
    assert r.status_code == 422 and len(r.content) < 10_000
    assert client.post("/v1/reprocess", headers=admin, json={field: ["x" * 1000]}).status_code == 422


@pytest.mark.parametrize("offset", [2**63, 2**63 - 1, 2**31, 10**30])
def test_a_job_offset_past_any_list_is_refused(client, admin, problem, offset):
    r = client.post("/v1/reprocess", headers=admin, json={})
    assert r.status_code == 202, r.text
    href = r.json()["href"]
    problem(client.get(f"{href}?offset={offset}", headers=admin), 422, "invalid_request")
    assert client.get(f"{href}?offset={2**31 - 1}", headers=admin).json()["documents"] == []
    problem(client.post("/v1/reprocess", headers=admin, json={"limit": offset}), 422, "invalid_request")
