"""Shared fixtures for signing tests: a fresh dev PKI served on loopback by certomancer's animator (real HTTP for
TSA, OCSP and CRL), the rendered demo application, one signed copy per PAdES level, and an NSS database that trusts
the dev root for poppler's pdfsig."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from signing.devpki.pki import DevPki, load_dev_pki
from signing.devpki.server import DevPkiServer, ensure_dev_services
from signing.spec import Level


@pytest.fixture(scope="session")
def dev_pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return load_dev_pki(tmp_path_factory.mktemp("devpki"))


@pytest.fixture(scope="session")
def dev_services(dev_pki: DevPki):
    server = ensure_dev_services(dev_pki)
    assert server.owned, "the test PKI's port must be served by this test session"
    yield server
    server.stop()


@pytest.fixture()
def services_up(dev_pki: DevPki, dev_services: DevPkiServer) -> DevPkiServer:
    """The loopback services, restarted if an earlier test stopped them."""
    return ensure_dev_services(dev_pki)


@pytest.fixture(scope="session")
def demo_data():
    from devtools.demo_case import demo_application

    return demo_application(seed=11)


@pytest.fixture(scope="session")
def application_pdf(demo_data) -> bytes:
    from signing.render import render_application

    return render_application(demo_data)


@pytest.fixture(scope="session")
def signed_by_level(dev_pki: DevPki, dev_services: DevPkiServer, application_pdf: bytes) -> dict[Level, bytes]:
    from signing.pades import sign
    from signing.spec import SignatureSpec
    from signing.tsa import build_timestamper

    tsa = build_timestamper(dev_pki.tsa_url)
    signer = dev_pki.signer()
    return {
        level: sign(
            application_pdf,
            spec=SignatureSpec(level=level),
            signer=signer,
            timestamper=tsa,
            trust_roots=[dev_pki.root_cert],
        )
        for level in Level
    }


@pytest.fixture(scope="session")
def nss_db(tmp_path_factory: pytest.TempPathFactory, dev_pki: DevPki) -> str:
    """An NSS database (certutil, Debian libnss3-tools) that trusts the dev root, for pdfsig."""
    d = tmp_path_factory.mktemp("nssdb")
    subprocess.run(["certutil", "-N", "-d", f"sql:{d}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{d}",
            "-n",
            "docintel-dev-root",
            "-t",
            "CT,C,C",
            "-i",
            str(dev_pki.root_pem_path),
        ],
        check=True,
        capture_output=True,
    )
    return f"sql:{d}"


def pdfsig(pdf: bytes, nss_db: str, tmp_path: Path, *extra: str) -> dict[int, dict[str, str]]:
    """Runs poppler's pdfsig and parses its report: signature number → {field: value}."""
    path = tmp_path / "pdfsig-input.pdf"
    path.write_bytes(pdf)
    proc = subprocess.run(["pdfsig", "-nssdir", nss_db, *extra, str(path)], capture_output=True, text=True, timeout=60)
    sigs: dict[int, dict[str, str]] = {}
    current = None
    for line in proc.stdout.splitlines():
        if line.startswith("Signature #"):
            current = sigs.setdefault(int(line.split("#")[1].rstrip(":")), {})
        elif current is not None and line.strip().startswith("- ") and ":" in line:
            key, _, value = line.strip()[2:].partition(":")
            current[key.strip()] = value.strip()
    return sigs


def flip_byte_in_signed_range(pdf: bytes) -> bytes:
    """Flips one byte inside the first page's content stream: covered by every signature's /ByteRange, and the
    file still parses, so only the digest check can notice."""
    start = pdf.index(b"stream", pdf.index(b"/Contents")) + len(b"stream\n") + 40
    return pdf[:start] + bytes([pdf[start] ^ 0x01]) + pdf[start + 1 :]


@pytest.fixture(scope="session")
def run_pdfsig():
    return pdfsig


@pytest.fixture(scope="session")
def tamper():
    return flip_byte_in_signed_range
