"""POST /v1/packages, GET /v1/jobs/{id}, POST /v1/reprocess through the real app, on the embedded broker.

No worker runs here: these tests are about what happens at submission. Every malicious zip is refused with a
problem+json before anything is extracted or stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from jobs_helpers import make_job_env, sample
from malicious_zips import JPEG, make_zip, malicious_zips
from sqlalchemy import func, select
from starlette.testclient import TestClient

from storage.jobs_models import Job, JobItem
from storage.models import Blob, Case

MAX_FILES = 12


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("jobs-api")
    job_env = make_job_env(
        "sqla",
        tmp,
        DOCINTEL_JOBS__MAX_PACKAGE_FILES=str(MAX_FILES),
        DOCINTEL_JOBS__CALLBACK_ALLOW_PRIVATE="false",
    )
    yield job_env
    job_env.db.dispose()


@pytest.fixture(scope="module")
def client(env):
    from api.app import create_app

    app = create_app(env.settings)
    app.state.dispatcher = env.dispatcher
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.core.close()


def _headers(env, role: str = "loan", branch: str = "B1") -> dict[str, str]:
    _principal, secret = env.principal(role, branch)
    return {"Authorization": f"Bearer {secret}"}


def _stored(env) -> tuple[int, int, int, int, int]:
    with env.db.session() as s:
        counts = tuple(s.scalar(select(func.count()).select_from(t)) for t in (Job, JobItem, Case, Blob))
    blob_files = sum(1 for p in (env.tmp / "blobs").rglob("*") if p.is_file()) if (env.tmp / "blobs").exists() else 0
    return (*counts, blob_files)


def _post_zip(client, headers, data: bytes, **form):  # type: ignore[no-untyped-def]
    return client.post(
        "/v1/packages",
        headers=headers,
        files=[("file", ("package.zip", data, "application/zip"))],
        data={"business_type": "purchase_withdrawal", **form},
    )


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code and body["detail"] and body["detail_zh"]
    return body


@pytest.mark.parametrize("name", sorted(malicious_zips(MAX_FILES)))
def test_every_malicious_zip_is_refused_before_anything_is_stored(env, client, name):
    data, reason = malicious_zips(MAX_FILES)[name]
    before = _stored(env)
    body = _problem(_post_zip(client, _headers(env), data), 400, "unsafe_archive")
    assert body["extra"]["reason"] == reason
    assert _stored(env) == before  # no job, no case, no blob: refused from the index, before extraction


def test_a_corrupt_zip_is_a_clear_422(env, client):
    body = _problem(_post_zip(client, _headers(env), b"PK\x03\x04" + b"\x00" * 100), 422, "corrupt_file")
    assert "zip" in body["detail"]


def test_only_loan_and_admin_keys_submit_packages(env, client):
    data = make_zip([("a.jpg", JPEG)])
    _problem(_post_zip(client, _headers(env, role="counter"), data), 403, "forbidden")
    _problem(_post_zip(client, {}, data), 401, "unauthorized")


def test_a_package_is_accepted_at_once_and_seen_by_its_branch_only(env, client):
    data = make_zip(
        [
            ("身份证/正面.jpg", sample("idcards/idcard_0000_easy_front.jpg")),
            ("合同.pdf", sample("contracts/purchase_contract_gf2014_text_pdf.pdf")),
            ("__MACOSX/._合同.pdf", b"junk"),
            (".DS_Store", b"junk"),
        ]
    )
    headers = {**_headers(env, branch="B7"), "Idempotency-Key": "pkg-1"}
    response = _post_zip(client, headers, data, finalize="true")
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["files"] == 2 and set(body["skipped"]) == {"__MACOSX/._合同.pdf", ".DS_Store"}
    assert response.headers["Location"] == f"/v1/jobs/{body['job_id']}"

    again = _post_zip(client, headers, data, finalize="true")
    assert again.status_code == 202 and again.json()["job_id"] == body["job_id"]
    assert again.headers.get("Idempotent-Replayed") == "true"

    view = client.get(f"/v1/jobs/{body['job_id']}", headers=headers)
    assert view.status_code == 200, view.text
    job = view.json()
    assert job["state"] == "queued" and job["progress"]["done"] == 0 and job["progress"]["total"] == 2
    assert [d["files"] for d in job["documents"]] == [["合同.pdf"], ["身份证/正面.jpg"]]
    assert job["case_id"] == body["case_id"] and job["params"]["finalize"] is True

    _problem(client.get(f"/v1/jobs/{body['job_id']}", headers=_headers(env, branch="B8")), 404, "not_found")
    _problem(
        client.get(f"/v1/jobs/{body['job_id']}", headers=_headers(env, role="counter", branch="B7")), 403, "forbidden"
    )


def test_a_multipart_set_of_files_is_a_package_and_duplicate_names_are_refused(env, client):
    files = [
        ("file", ("front.jpg", sample("idcards/idcard_0000_easy_front.jpg"), "image/jpeg")),
        ("file", ("back.jpg", sample("idcards/idcard_0003_medium_back.jpg"), "image/jpeg")),
    ]
    form = {"business_type": "retirement_withdrawal"}
    response = client.post("/v1/packages", headers=_headers(env), files=files, data=form)
    assert response.status_code == 202, response.text
    assert response.json()["files"] == 2
    dup = [files[0], ("file", ("FRONT.JPG", b"\xff\xd8\xff\xe0 other", "image/jpeg"))]
    body = _problem(client.post("/v1/packages", headers=_headers(env), files=dup, data=form), 400, "unsafe_archive")
    assert body["extra"]["reason"] == "duplicate_name"
    nested = [files[0], ("file", ("more.zip", make_zip([("a.jpg", JPEG)]), "application/zip"))]
    body = _problem(client.post("/v1/packages", headers=_headers(env), files=nested, data=form), 400, "unsafe_archive")
    assert body["extra"]["reason"] == "nested_archive"


def test_bad_business_type_and_private_callback_are_refused(env, client):
    data = make_zip([("a.jpg", JPEG)])
    _problem(_post_zip(client, _headers(env), data, business_type="lottery"), 422, "invalid_request")
    body = _problem(
        _post_zip(client, _headers(env), data, callback_url="http://127.0.0.1:8080/internal"), 422, "bad_callback_url"
    )
    assert "private" in body["detail"]


def test_reprocess_is_for_admins_and_scoped_to_their_branch(env, client):
    _problem(client.post("/v1/reprocess", headers=_headers(env, role="loan"), json={}), 403, "forbidden")
    response = client.post(
        "/v1/reprocess", headers=_headers(env, role="admin", branch="B9"), json={"doc_types": ["id_card_front"]}
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["selected"] == 0
    job = client.get(body["href"], headers=_headers(env, role="admin", branch="B9")).json()
    assert job["kind"] == "reprocess" and job["params"]["selection"]["branches"] == ["B9"]
    bad = client.post("/v1/reprocess", headers=_headers(env, role="admin"), json={"created_from": "yesterday"})
    _problem(bad, 400, "bad_input")


def test_zip_bytes_never_touch_the_disk_before_acceptance(env, client):
    # A zip-slip entry aimed at the test folder itself: if anything were extracted, it would land here.
    target = env.tmp / "slipped.jpg"
    data = make_zip([("ok.jpg", JPEG), (f"../../../../../../../../{str(target).lstrip('/')}", JPEG)])
    _problem(_post_zip(client, _headers(env), data), 400, "unsafe_archive")
    assert not target.exists()


def test_zip_of_zip_fixture_sanity():
    # The hostile archives are real zips that Python's zipfile reads without complaint: the refusals are ours.
    for name, (data, _reason) in malicious_zips(MAX_FILES).items():
        if name in ("encrypted",):
            continue
        zipfile.ZipFile(io.BytesIO(data)).infolist()


def test_a_package_may_be_larger_than_one_upload_but_not_than_the_package_limit(tmp_path):
    """Every route takes one file of at most capture.max_upload_bytes, except packages: many files in one body,
    up to jobs.max_package_bytes. Both limits are enforced while the body streams in."""
    from api.app import create_app

    small = make_job_env(
        "sqla",
        tmp_path,
        DOCINTEL_API__MAX_REQUEST_BYTES="300000",
        DOCINTEL_JOBS__MAX_PACKAGE_BYTES="3000000",
    )
    app = create_app(small.settings)
    app.state.dispatcher = small.dispatcher
    names = [
        "contracts/rental_agreement_party_table_scanned_pdf.pdf",
        "contracts/purchase_contract_gf2014_text_pdf.pdf",
    ]
    names += [f"contracts/purchase_contract_gf2014_camera_p{i}.jpg" for i in (1, 2, 3)]
    package = make_zip([(n.split("/")[-1], sample(n)) for n in names], compression=zipfile.ZIP_STORED)
    assert 300_000 < len(package) < 3_000_000
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            h = _headers(small)
            scan = sample(names[0])
            assert len(scan) > 300_000
            _problem(c.post("/v1/extract", headers=h, files={"file": ("scan.pdf", scan)}), 413, "file_too_large")
            accepted = _post_zip(c, h, package)
            assert accepted.status_code == 202, accepted.text
            assert accepted.json()["files"] == len(names)
            too_big = make_zip([(f"{i}_{n.split('/')[-1]}", sample(n)) for i in range(6) for n in names])
            assert len(too_big) > 3_000_000 + 1024 * 1024
            _problem(_post_zip(c, h, too_big), 413, "file_too_large")
    finally:
        app.state.core.close()
        small.db.dispose()
