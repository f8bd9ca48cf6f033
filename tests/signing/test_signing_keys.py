"""Signer backends built from settings and checked at start-up: PKCS#12 files and a real PKCS#11 token (SoftHSM2),
plus the failures an operator must see before the first request."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from asn1crypto import pem

from config.settings import SigningSettings
from domain.errors import ConfigError, SignerUnavailable
from signing.devpki.pki import DevPki
from signing.service import build_signer, sign_pdf
from signing.validation import TOTAL_PASSED, TrustConfig, verify

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN = "docintel-test"
PIN = "246810"


def _pem(tmp: Path, name: str, cert) -> Path:
    path = tmp / name
    path.write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    return path


@pytest.fixture(scope="module")
def pki_files(dev_pki: DevPki, tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("pkifiles")
    return {"root": _pem(d, "root.pem", dev_pki.root_cert), "interm": _pem(d, "interm.pem", dev_pki.cert("interm"))}


def _p12_settings(dev_pki: DevPki, tmp: Path, pki_files, *, label: str = "signer", passphrase: str = "s3cret-pass"):
    p12 = tmp / f"{label}.p12"
    p12.write_bytes(dev_pki.pkcs12(label, b"s3cret-pass"))
    pass_file = tmp / "passphrase.txt"
    pass_file.write_text(passphrase + "\n")
    return SigningSettings(
        backend="pkcs12",
        pkcs12_path=p12,
        pkcs12_passphrase_file=pass_file,
        trust_roots=[pki_files["root"]],
        tsa_url=dev_pki.tsa_url,
        default_level="B-T",
    )


def test_pkcs12_signer_signs_and_validates(dev_pki, services_up, application_pdf, tmp_path, pki_files) -> None:
    signer = build_signer(_p12_settings(dev_pki, tmp_path, pki_files), env="prod")
    assert signer.key.backend == "pkcs12" and not signer.test_only
    signed = sign_pdf(application_pdf, signer=signer, level="B-LT")
    [sig] = verify(signed, trust=TrustConfig(roots=(dev_pki.root_cert,))).signatures
    assert (sig.indication, sig.level) == (TOTAL_PASSED, "B-LT")


def test_wrong_pkcs12_passphrase_fails_at_start_without_echoing_it(dev_pki, tmp_path, pki_files) -> None:
    with pytest.raises(SignerUnavailable) as err:
        build_signer(_p12_settings(dev_pki, tmp_path, pki_files, passphrase="not-the-pass"), env="prod")
    assert "passphrase" in err.value.message and "not-the-pass" not in str(err.value.to_dict())


def test_expired_certificate_fails_at_start(dev_pki, tmp_path, pki_files) -> None:
    with pytest.raises(SignerUnavailable, match="valid only from"):
        build_signer(_p12_settings(dev_pki, tmp_path, pki_files, label="signer-expired"), env="prod")


def test_certificate_outside_the_trust_roots_fails_at_start(dev_pki, tmp_path, pki_files) -> None:
    from signing.devpki.pki import load_dev_pki

    other = load_dev_pki(tmp_path / "other-pki")
    settings = _p12_settings(dev_pki, tmp_path, pki_files).model_copy(
        update={"trust_roots": [_pem(tmp_path, "other-root.pem", other.root_cert)]}
    )
    with pytest.raises(SignerUnavailable, match="does not chain"):
        build_signer(settings, env="prod")


def test_missing_configuration_fails_at_start(dev_pki, tmp_path, pki_files) -> None:
    with pytest.raises(ConfigError, match="pkcs12_path"):
        build_signer(SigningSettings(backend="pkcs12"), env="test")
    with pytest.raises(ConfigError, match="cannot be read"):
        build_signer(SigningSettings(backend="pkcs12", pkcs12_path=tmp_path / "x.p12"), env="test")
    no_roots = _p12_settings(dev_pki, tmp_path, pki_files).model_copy(update={"trust_roots": []})
    with pytest.raises(ConfigError, match="trust_roots"):
        build_signer(no_roots, env="test")
    with pytest.raises(ConfigError, match="pkcs11_module"):
        build_signer(SigningSettings(backend="pkcs11", pkcs11_module=tmp_path / "nope.so", trust_roots=[]), env="test")


def test_dev_pki_is_refused_in_prod(dev_pki) -> None:
    with pytest.raises(ConfigError, match="TEST-ONLY"):
        build_signer(SigningSettings(backend="dev", dev_pki_dir=dev_pki.directory), env="prod")


# --- PKCS#11 with SoftHSM2: a real token, key imported with softhsm2-util, certificate with pkcs11-tool ----------
@pytest.fixture(scope="module")
def softhsm_token(dev_pki: DevPki, tmp_path_factory) -> Path:
    if not SOFTHSM_MODULE.exists():
        pytest.fail("SoftHSM2 is not installed (Debian softhsm2); the Makefile's apt step installs it")
    d = tmp_path_factory.mktemp("softhsm")
    (d / "tokens").mkdir()
    conf = d / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {d / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    # SoftHSM reads this when the library initialises; this process loads it only after this fixture.
    os.environ["SOFTHSM2_CONF"] = str(conf)
    run = {"check": True, "capture_output": True, "env": os.environ.copy()}
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "13579"], **run
    )
    key = dev_pki.private_key_pem_path("signer")
    subprocess.run(
        ["softhsm2-util", "--import", str(key), "--token", TOKEN, "--label", "seal", "--id", "01", "--pin", PIN], **run
    )
    cert_der = d / "seal.der"
    cert_der.write_bytes(dev_pki.cert("signer").dump())
    subprocess.run(
        ["pkcs11-tool", "--module", str(SOFTHSM_MODULE), "--token-label", TOKEN, "--login", "--pin", PIN,
         "--write-object", str(cert_der), "--type", "cert", "--id", "01", "--label", "seal"],
        **run,
    )  # fmt: skip
    pin_file = d / "pin"
    pin_file.write_text(PIN)
    return pin_file


def _p11_settings(dev_pki, pin_file: Path, pki_files, **over) -> SigningSettings:
    base = {
        "backend": "pkcs11",
        "pkcs11_module": SOFTHSM_MODULE,
        "pkcs11_token_label": TOKEN,
        "pkcs11_pin_file": pin_file,
        "pkcs11_key_label": "seal",
        "extra_cert_paths": [pki_files["interm"]],
        "trust_roots": [pki_files["root"]],
        "tsa_url": dev_pki.tsa_url,
        "default_level": "B-LTA",
    }
    return SigningSettings(**(base | over))


def test_pkcs11_wrong_pin_fails_at_start(dev_pki, softhsm_token, pki_files, tmp_path) -> None:
    bad = tmp_path / "bad-pin"
    bad.write_text("999999")
    with pytest.raises(SignerUnavailable) as err:
        build_signer(_p11_settings(dev_pki, bad, pki_files), env="prod")
    # Must run before any successful login in this process (PKCS#11 logins are per application): the token
    # itself has to say the PIN is wrong.
    assert "PinIncorrect" in err.value.message
    assert "999999" not in str(err.value.to_dict())


def test_pkcs11_softhsm_signs_b_lta(
    dev_pki, services_up, softhsm_token, pki_files, application_pdf, nss_db, tmp_path, run_pdfsig
) -> None:
    signer = build_signer(_p11_settings(dev_pki, softhsm_token, pki_files), env="prod")
    assert signer.key.backend == "pkcs11" and signer.key.lock is not None
    signed = sign_pdf(application_pdf, signer=signer)
    report = verify(signed, trust=TrustConfig(roots=(dev_pki.root_cert,), allow_fetching=False))
    assert report.valid, report.to_dict()
    assert report.signatures[0].level == "B-LTA"
    first = run_pdfsig(signed, nss_db, tmp_path)[1]
    assert (first["Signature Validation"], first["Certificate Validation"]) == (
        "Signature is Valid.",
        "Certificate is Trusted.",
    )


def test_pkcs11_missing_key_fails_at_start(dev_pki, softhsm_token, pki_files) -> None:
    with pytest.raises(SignerUnavailable, match=r"not usable|no signing certificate"):
        build_signer(_p11_settings(dev_pki, softhsm_token, pki_files, pkcs11_key_label="no-such-key"), env="prod")


def test_one_key_signs_one_document_at_a_time(dev_pki, services_up, application_pdf, tmp_path, pki_files) -> None:
    """Two counters finalising at once share the service's signer. pyHanko keeps per-signing state on the Signer,
    so overlapping signings once gave a signature without its certificate: every backend's key is locked."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    signer = build_signer(_p12_settings(dev_pki, tmp_path, pki_files), env="prod")
    inner, inside, most, guard = signer.key.signer.async_sign_raw, [0], [0], threading.Lock()

    async def counting_sign_raw(*args, **kwargs):
        with guard:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.3)  # long enough for the other thread to arrive if nothing holds it back
        try:
            return await inner(*args, **kwargs)
        finally:
            with guard:
                inside[0] -= 1

    signer.key.signer.async_sign_raw = counting_sign_raw
    with ThreadPoolExecutor(3) as pool:
        signed = list(pool.map(lambda _: sign_pdf(application_pdf, signer=signer, level="B-T"), range(3)))
    assert most[0] == 1
    for pdf in signed:
        [sig] = verify(pdf, trust=TrustConfig(roots=(dev_pki.root_cert,))).signatures
        assert sig.indication == TOTAL_PASSED
