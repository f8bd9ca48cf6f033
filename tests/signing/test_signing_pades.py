"""Every level signs and validates in pyHanko and in poppler's pdfsig; tampering, revoked and expired signers
are caught with the right indication; a B-LTA file validates with the PKI services stopped."""

from __future__ import annotations

import pytest

from signing.devpki.pki import DevPki
from signing.pades import sign
from signing.render.pdfa_check import pdfa3b_problems
from signing.spec import Level, SignatureSpec
from signing.tsa import build_timestamper
from signing.validation import TOTAL_FAILED, TOTAL_PASSED, TrustConfig, verify


def _trust(pki: DevPki, *, fetch: bool = True) -> TrustConfig:
    return TrustConfig(roots=(pki.root_cert,), allow_fetching=fetch, dev_pki=True)


@pytest.mark.parametrize("level", list(Level), ids=str)
def test_each_level_signs_and_validates(level: Level, signed_by_level, dev_pki, services_up) -> None:
    report = verify(signed_by_level[level], trust=_trust(dev_pki))
    assert report.valid, report.to_dict()
    [sig] = report.signatures
    assert sig.indication == TOTAL_PASSED
    assert sig.level == str(level)
    assert sig.intact and sig.crypto_valid and sig.trusted
    assert not sig.modified_after_signing
    assert "DEV TEST ONLY Counter Seal" in sig.signer
    if level.needs_timestamp:
        assert sig.timestamp is not None and sig.timestamp.valid and sig.timestamp.trusted
    else:
        assert sig.timestamp is None
    assert len(report.document_timestamps) == (1 if level is Level.B_LTA else 0)
    assert all(t.valid and t.trusted for t in report.document_timestamps)


@pytest.mark.parametrize("level", list(Level), ids=str)
def test_pdfsig_agrees(level: Level, signed_by_level, nss_db, tmp_path, services_up, run_pdfsig) -> None:
    sigs = run_pdfsig(signed_by_level[level], nss_db, tmp_path)
    first = sigs[1]
    assert first["Signature Validation"] == "Signature is Valid."
    assert first["Certificate Validation"] == "Certificate is Trusted."
    assert first["Signature Type"] == "ETSI.CAdES.detached"
    if level is Level.B_LTA:
        assert sigs[2]["Signer Certificate Common Name"].endswith("Time Stamping Authority")


def test_signed_file_keeps_pdfa_properties(signed_by_level) -> None:
    # The seal appearance brings its own (embedded) font; DSS and timestamps are plain incremental updates.
    assert pdfa3b_problems(signed_by_level[Level.B_LTA]) == []


@pytest.mark.parametrize("level", [Level.B_B, Level.B_LTA], ids=str)
def test_flipped_byte_fails_in_pyhanko_and_pdfsig(
    level, signed_by_level, dev_pki, nss_db, tmp_path, services_up, run_pdfsig, tamper
) -> None:
    tampered = tamper(signed_by_level[level])
    report = verify(tampered, trust=_trust(dev_pki))
    assert not report.valid
    [sig] = report.signatures
    assert sig.indication == TOTAL_FAILED
    assert sig.sub_indication == "HASH_FAILURE"
    assert not sig.intact
    assert run_pdfsig(tampered, nss_db, tmp_path)[1]["Signature Validation"] != "Signature is Valid."


def test_untrusted_root_is_not_passed(signed_by_level, services_up) -> None:
    from signing.devpki.pki import load_dev_pki

    other = load_dev_pki(services_up.pki.directory.parent / "other-pki")  # same config, other generated keys
    report = verify(signed_by_level[Level.B_T], trust=TrustConfig(roots=(other.root_cert,), allow_fetching=False))
    [sig] = report.signatures
    assert sig.indication != TOTAL_PASSED and not sig.trusted


def _sign_with(pki: DevPki, label: str, level: Level, pdf: bytes) -> bytes:
    return sign(
        pdf, spec=SignatureSpec(level=level), signer=pki.signer(label), timestamper=build_timestamper(pki.tsa_url)
    )


@pytest.mark.parametrize("level", [Level.B_B, Level.B_T], ids=str)
def test_revoked_signer(level, dev_pki, application_pdf, services_up, nss_db, tmp_path, run_pdfsig) -> None:
    signed = _sign_with(dev_pki, "signer-revoked", level, application_pdf)
    [sig] = verify(signed, trust=_trust(dev_pki)).signatures
    # Revoked 2025-01-01, signed (and timestamped) after: EN 319 102-1 gives INDETERMINATE/REVOKED_NO_POE.
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "REVOKED_NO_POE")
    assert sig.intact and sig.crypto_valid
    # pdfsig asks the OCSP responder (the URL in the certificate) and hears "revoked".
    assert run_pdfsig(signed, nss_db, tmp_path)[1]["Certificate Validation"] == "Certificate has been Revoked."


@pytest.mark.parametrize("level", [Level.B_B, Level.B_T], ids=str)
def test_expired_signer(level, dev_pki, application_pdf, services_up) -> None:
    signed = _sign_with(dev_pki, "signer-expired", level, application_pdf)
    [sig] = verify(signed, trust=_trust(dev_pki)).signatures
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")


def test_b_lta_validates_with_pki_services_stopped(signed_by_level, dev_pki, dev_services) -> None:
    dev_services.stop()
    try:
        for fetch in (False, True):  # offline, and online with every fetch failing
            report = verify(signed_by_level[Level.B_LTA], trust=_trust(dev_pki, fetch=fetch))
            assert report.valid, report.to_dict()
        # A B-B file has nothing inside to prove it was not revoked: without the OCSP/CRL servers it is not passed.
        [sig] = verify(signed_by_level[Level.B_B], trust=_trust(dev_pki, fetch=False)).signatures
        assert sig.indication == "INDETERMINATE"
    finally:
        from signing.devpki.server import ensure_dev_services

        ensure_dev_services(dev_pki)


def test_lt_signing_fails_cleanly_for_a_revoked_signer(dev_pki, application_pdf, services_up) -> None:
    from domain.errors import SignerUnavailable

    with pytest.raises(SignerUnavailable):
        sign(
            application_pdf,
            spec=SignatureSpec(level=Level.B_LT),
            signer=dev_pki.signer("signer-revoked"),
            timestamper=build_timestamper(dev_pki.tsa_url),
            trust_roots=[dev_pki.root_cert],
        )


def test_not_a_pdf_is_a_domain_error(dev_pki) -> None:
    from domain.errors import CorruptFile

    with pytest.raises(CorruptFile):
        sign(b"hello", spec=SignatureSpec(level=Level.B_B), signer=dev_pki.signer())
    with pytest.raises(CorruptFile):
        verify(b"%PDF-1.7 garbage", trust=TrustConfig(roots=()))


def test_unsigned_pdf_reports_no_signature(application_pdf, dev_pki) -> None:
    report = verify(application_pdf, trust=_trust(dev_pki, fetch=False))
    assert report.signatures == () and not report.valid


def _without_certificates(signed: bytes) -> bytes:
    """``signed`` with the certificates taken out of its CMS, padded back into the same /Contents hole (the hole is
    outside the signed byte range, so the file is intact but names no signer)."""
    import re

    from asn1crypto import cms

    m = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", signed)
    assert m is not None
    hole = m.group(1)
    info = cms.ContentInfo.load(bytes.fromhex(hole.decode()))  # the zero padding after the DER is ignored
    info["content"]["certificates"] = None
    der = info.dump(force=True).hex().encode()
    return signed[: m.start(1)] + der + b"0" * (len(hole) - len(der)) + signed[m.end(1) :]


def test_a_signature_without_its_certificate_is_reported_not_raised(signed_by_level, dev_pki) -> None:
    report = verify(_without_certificates(signed_by_level[Level.B_B]), trust=_trust(dev_pki, fetch=False))
    [sig] = report.signatures
    assert not report.valid and sig.indication != TOTAL_PASSED and sig.signer is None
