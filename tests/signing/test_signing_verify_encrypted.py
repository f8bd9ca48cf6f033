"""Encrypted PDFs at verify: one with an owner password only opens as in any viewer (empty user password) and
its signature is checked; one that needs a password to open is refused with that reason."""

from __future__ import annotations

import io

import pytest

from domain.errors import EncryptedPdf
from signing.validation import TOTAL_PASSED, TrustConfig, verify


def _encrypted(pdf: bytes, *, user: str) -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(pdf)))
    writer.encrypt(owner_pass="owner-secret", user_pass=user)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _sign_encrypted(pdf: bytes, pki) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.encrypt("owner-secret")
    out = io.BytesIO()
    signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Seal1"), signer=pki.signer(), output=out)
    return out.getvalue()


def test_owner_password_only_pdf_is_opened_and_its_signature_checked(application_pdf, dev_pki, services_up):
    signed = _sign_encrypted(_encrypted(application_pdf, user=""), dev_pki)
    report = verify(signed, trust=TrustConfig(roots=(dev_pki.root_cert,), allow_fetching=True, dev_pki=True))
    [sig] = report.signatures
    assert sig.intact and sig.crypto_valid and sig.indication == TOTAL_PASSED, sig.to_dict()
    assert any("owner password only" in n for n in report.notes)


def test_owner_password_only_unsigned_pdf_reports_no_signature(application_pdf, dev_pki):
    report = verify(_encrypted(application_pdf, user=""), trust=TrustConfig(roots=(dev_pki.root_cert,)))
    assert report.signatures == () and not report.valid


def test_pdf_that_needs_a_password_is_refused_with_that_reason(application_pdf):
    with pytest.raises(EncryptedPdf, match="needs a password to open"):
        verify(_encrypted(application_pdf, user="open-sesame"), trust=TrustConfig(roots=()))
