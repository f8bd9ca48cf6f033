"""``docintel sign`` and ``docintel verify`` as a user runs them: separate processes, JSON on stdout, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _docintel(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.fixture()
def cli_env(dev_pki, services_up) -> dict[str, str]:
    # The session's dev PKI: its loopback services are already up, and the CLI finds and reuses them.
    return os.environ | {"DOCINTEL_SIGNING__DEV_PKI_DIR": str(dev_pki.directory), "DOCINTEL_ENV": "dev"}


def test_sign_then_verify_via_cli(cli_env, application_pdf, tmp_path) -> None:
    src = tmp_path / "application.pdf"
    src.write_bytes(application_pdf)
    for level in ("B-LTA",):  # every level is covered in-process by test_signing_pades
        out = tmp_path / f"signed-{level}.pdf"
        signed = _docintel("sign", "--level", level, str(src), str(out), env=cli_env)
        assert signed.returncode == 0, signed.stderr
        assert json.loads(signed.stdout)["test_only"] is True
        assert "DEV TEST ONLY" in signed.stderr
        checked = _docintel("verify", str(out), env=cli_env)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        report = json.loads(checked.stdout)
        [sig] = report["signatures"]
        assert (sig["indication"], sig["level"]) == ("TOTAL-PASSED", level)


def test_verify_catches_tampering(cli_env, signed_by_level, tamper, tmp_path) -> None:
    from signing.spec import Level

    path = tmp_path / "tampered.pdf"
    path.write_bytes(tamper(signed_by_level[Level.B_LTA]))
    proc = _docintel("verify", str(path), env=cli_env)
    assert proc.returncode == 1
    [sig] = json.loads(proc.stdout)["signatures"]
    assert (sig["indication"], sig["sub_indication"]) == ("TOTAL-FAILED", "HASH_FAILURE")


def test_verify_catches_a_revoked_signer(cli_env, application_pdf, tmp_path) -> None:
    src = tmp_path / "application.pdf"
    src.write_bytes(application_pdf)
    out = tmp_path / "revoked.pdf"
    env = cli_env | {"DOCINTEL_SIGNING__DEV_SIGNER": "signer-revoked"}
    assert _docintel("sign", "--level", "B-T", str(src), str(out), env=env).returncode == 0
    proc = _docintel("verify", str(out), env=cli_env)
    assert proc.returncode == 1
    [sig] = json.loads(proc.stdout)["signatures"]
    assert (sig["indication"], sig["sub_indication"]) == ("INDETERMINATE", "REVOKED_NO_POE")
    assert "Revoked Counter Seal" in sig["signer"]


def test_bad_input_is_a_clear_error(cli_env, tmp_path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf")
    for args in (("verify", str(junk)), ("sign", str(tmp_path / "nope.pdf"), str(tmp_path / "o.pdf"))):
        proc = _docintel(*args, env=cli_env)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith("docintel: error:") or "docintel: error:" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_fresh_clone_generates_the_dev_pki_and_serves_it_itself(application_pdf, tmp_path) -> None:
    """No configuration, no PKI, no services: sign at B-LT (needs TSA, OCSP, CRL) and verify in a later process,
    which has to bring the dev services up again by itself."""
    env = os.environ | {"DOCINTEL_VAR_DIR": str(tmp_path / "var"), "DOCINTEL_ENV": "dev"}
    env.pop("DOCINTEL_SIGNING__DEV_PKI_DIR", None)
    src = tmp_path / "application.pdf"
    src.write_bytes(application_pdf)
    out = tmp_path / "signed.pdf"
    signed = _docintel("sign", "--level", "B-LT", str(src), str(out), env=env)
    assert signed.returncode == 0, signed.stderr
    assert (tmp_path / "var" / "pki" / "devpki.json").exists()
    checked = _docintel("verify", str(out), env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["signatures"][0]["indication"] == "TOTAL-PASSED"


@pytest.mark.parametrize(
    ("name", "sub"),
    [("pdf-spoofing-attack.pdf", "FORMAT_FAILURE"), ("pdf-signed-corrupted.pdf", "HASH_FAILURE")],
)
def test_verify_reports_public_attack_files_without_a_traceback(cli_env, name, sub) -> None:
    """A DSS spoofing-attack file (once a traceback) and a signed file with bytes cut from its signed range (once
    "not a readable PDF") both give a report that fails the signature."""
    path = ROOT / "tests" / "corpora" / "signed" / "dss" / name
    proc = _docintel("verify", "--offline", str(path), env=cli_env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [sig] = json.loads(proc.stdout)["signatures"]
    assert (sig["indication"], sig["sub_indication"]) == ("TOTAL-FAILED", sub)
