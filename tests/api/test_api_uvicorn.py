"""End to end through a real ``docintel serve`` (uvicorn) on 127.0.0.1: the counter transaction, retries racing
each other with one Idempotency-Key, and health checks answered while frames are being read."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from devtools.server_process import ServerProcess

HEADER_TIMEOUT_S = 2


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from samples.generator.case import make_case, write_case

    out = tmp_path_factory.mktemp("case-e2e")
    s = make_case(5, business="purchase_withdrawal", contract_form="camera", contract_pages=2)
    write_case(s, out)
    return s, out


@pytest.fixture(scope="module")
def server(tmp_path_factory, sample):
    var = tmp_path_factory.mktemp("var-e2e")
    env = {
        "DOCINTEL_VAR_DIR": str(var),
        "DOCINTEL_CHECKS__REGISTRY_FILE": str(sample[1] / "registry.json"),
        "DOCINTEL_STORAGE__DATABASE_URL": f"sqlite:///{var / 'docintel.db'}",
        "DOCINTEL_API__HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
    }
    srv = ServerProcess(env=env, log_path=var / "server.log")
    srv.start(wait_for="/readyz")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def http(server):
    key = server.create_key(role="counter", branch="E2E")
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as c:
        yield c


def _open_case(http, s) -> str:
    r = http.post("/v1/cases", json={"business_type": s.business, "business_date": s.business_date.isoformat()})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _upload(http, case_id, name, data, *, append_to=None, key=None):
    return http.post(
        f"/v1/cases/{case_id}/documents",
        files={"file": (name, data, "image/jpeg")},
        data={"append_to": append_to} if append_to else {},
        headers={"Idempotency-Key": key} if key else {},
    )


def test_full_counter_transaction(http, sample, tmp_path):
    s, _ = sample
    case_id = _open_case(http, s)
    for doc in s.documents:
        document_id = None
        for name, data in doc.files:
            r = _upload(http, case_id, name, data, append_to=document_id, key=str(uuid.uuid4()))
            assert r.status_code == 201, r.text
            document_id = r.json()["documents"][0]["id"]
            assert r.json()["documents"][0]["doc_type"] == doc.doc_type
    report = http.get(f"/v1/cases/{case_id}").json()["check_report"]
    assert report["passed"], report["findings"]

    # Two finalize calls racing with one Idempotency-Key: one signature set, the same answer twice.
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda _: http.post(f"/v1/cases/{case_id}/finalize", headers={"Idempotency-Key": "fin-1"}), range(2)
            )
        )
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    assert http.post(f"/v1/cases/{case_id}/finalize").status_code == 409  # no key: a second finalize is a conflict

    for kind in ("application", "receipt"):
        pdf = http.get(f"/v1/cases/{case_id}/{kind}.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        verdict = http.post("/v1/verify", files={"file": (f"{kind}.pdf", pdf.content, "application/pdf")}).json()
        assert [sig["indication"] for sig in verdict["signatures"]] and all(
            sig["indication"] == "TOTAL-PASSED" for sig in verdict["signatures"]
        ), verdict
        if shutil.which("pdfsig"):
            path = tmp_path / f"{kind}.pdf"
            path.write_bytes(pdf.content)
            out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
            assert "Signature is Valid" in out, out
    # A finalized case takes no more uploads.
    name, data = s.documents[0].files[0]
    assert _upload(http, case_id, name, data).status_code == 409


def test_concurrent_retries_of_one_upload_create_one_document(http, sample):
    s, _ = sample
    case_id = _open_case(http, s)
    name, data = s.documents[0].files[0]
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: _upload(http, case_id, name, data, key="same-frame"), range(4)))
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers]
    assert len({a.json()["documents"][0]["id"] for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 3
    assert len(http.get(f"/v1/cases/{case_id}").json()["documents"]) == 1


def test_health_is_answered_while_frames_are_read(http, server, sample):
    s, _ = sample
    case_id = _open_case(http, s)
    # Bytes after a JPEG's end marker are ignored by decoders but make new files: nothing read before is reused.
    frames = [(name, data + b"\0" * (i + 1)) for i, (name, data) in enumerate(f for d in s.documents for f in d.files)][
        :4
    ]
    probes: list[int] = []
    running = threading.Event()
    running.set()

    def probe() -> None:
        with httpx.Client(base_url=server.base_url, timeout=30) as c:
            while running.is_set():
                probes.append(c.get("/healthz").status_code)

    t = threading.Thread(target=probe)
    t.start()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda f: _upload(http, case_id, f[0], f[1]), frames))
    running.clear()
    t.join()
    assert all(a.status_code == 201 for a in answers)
    assert len(probes) >= 2 and set(probes) == {200}
    metrics = httpx.get(server.base_url + "/metrics").text
    assert 'docintel_extraction_stage_duration_seconds_count{stage="ocr"}' in metrics
    assert "docintel_ocr_queue_depth" in metrics


def _closed_by_server(sock: socket.socket, trickle: bytes = b"") -> bool:
    """True once the server closes the connection; a socket timeout (10x the header limit) means it never did.
    ``trickle`` is sent one byte at a time, slowly, as a slowloris client does."""
    for byte in trickle:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            return True
        time.sleep(HEADER_TIMEOUT_S / 4)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True


def test_clients_that_send_headers_too_slowly_are_cut_off(server):
    """Slowloris: partial headers, no bytes at all, or headers trickled in, each hold a connection for at most the
    header timeout; a complete request on the same server is answered as usual."""
    address = ("127.0.0.1", server.port)
    with socket.create_connection(address, timeout=10 * HEADER_TIMEOUT_S) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never ends its headers
        assert _closed_by_server(sock)
    with socket.create_connection(address, timeout=10 * HEADER_TIMEOUT_S) as sock:
        assert _closed_by_server(sock)  # connects and says nothing
    with socket.create_connection(address, timeout=10 * HEADER_TIMEOUT_S) as sock:
        assert _closed_by_server(sock, trickle=b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40)
    with socket.create_connection(address, timeout=10 * HEADER_TIMEOUT_S) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200")


def test_a_started_server_used_as_a_context_manager_is_not_started_twice(tmp_path):
    env = {"DOCINTEL_VAR_DIR": str(tmp_path), "DOCINTEL_OCR__ENGINE": "tesseract"}
    server = ServerProcess(env=env, log_path=tmp_path / "server.log").start(wait_for="/healthz")
    first = server._proc
    with server as same:
        assert same is server and server._proc is first
    assert first.poll() is not None  # stopped on leaving the block: nothing left behind
