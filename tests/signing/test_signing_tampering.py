"""Changes made to a signed file after signing, by incremental updates or in place, each built here from a file
we sign ourselves with the dev PKI: every one must fail the signature (TOTAL-FAILED/FORMAT_FAILURE, as the EU DSS
does), and the report must show the level the file's history claims beside the level it reaches now."""

from __future__ import annotations

import io
import re

import pytest

from signing.devpki.pki import DevPki
from signing.spec import Level
from signing.validation import TOTAL_FAILED, TOTAL_PASSED, TrustConfig, verify


def _trust(pki: DevPki) -> TrustConfig:
    return TrustConfig(roots=(pki.root_cert,), allow_fetching=True, dev_pki=True)


def _update(signed: bytes, change) -> bytes:
    """``signed`` plus one incremental update made by ``change(writer)``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamp_page(writer) -> None:
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 100 100 200 60 re f Q")
    writer.add_stream_to_page(0, writer.add_object(stream))


def _drop_dss(writer) -> None:
    del writer.root["/DSS"]
    writer.update_root()


def _rename_dss_in_place(signed: bytes) -> bytes:
    """The catalog's ``/DSS n 0 R`` of the latest revision renamed to ``/DSX``: same length, same offsets."""
    matches = list(re.finditer(rb"/DSS(\s+\d+\s+\d+\s+R)", signed))
    assert matches, "no /DSS reference in the signed file"
    at = matches[-1].start()
    return signed[:at] + b"/DSX" + signed[at + 4 :]


@pytest.mark.parametrize("level", [Level.B_B, Level.B_LTA], ids=str)
def test_page_content_changed_after_signing_fails(level, signed_by_level, dev_pki, services_up) -> None:
    original = verify(signed_by_level[level], trust=_trust(dev_pki))
    assert original.signatures[0].indication == TOTAL_PASSED  # the same file before the change passes
    report = verify(_update(signed_by_level[level], _stamp_page), trust=_trust(dev_pki))
    [sig] = report.signatures
    assert (sig.indication, sig.sub_indication) == (TOTAL_FAILED, "FORMAT_FAILURE"), sig.to_dict()
    assert sig.intact  # the signed revision itself is untouched: what follows it is not allowed
    assert sig.modified_after_signing and not report.valid
    assert "changed after signing" in sig.message


def test_dss_renamed_in_place_fails(signed_by_level, dev_pki, services_up) -> None:
    report = verify(_rename_dss_in_place(signed_by_level[Level.B_LT]), trust=_trust(dev_pki))
    [sig] = report.signatures
    assert (sig.indication, sig.sub_indication) == (TOTAL_FAILED, "FORMAT_FAILURE"), sig.to_dict()
    assert not report.valid


def test_dss_renamed_in_place_in_a_b_lta_file_is_not_passed(signed_by_level, dev_pki, services_up) -> None:
    report = verify(_rename_dss_in_place(signed_by_level[Level.B_LTA]), trust=_trust(dev_pki))
    [sig] = report.signatures
    assert sig.indication != TOTAL_PASSED, sig.to_dict()
    assert not report.valid


def test_dss_removed_by_an_update_fails_and_shows_the_level_drop(signed_by_level, dev_pki, services_up) -> None:
    report = verify(_update(signed_by_level[Level.B_LTA], _drop_dss), trust=_trust(dev_pki))
    [sig] = report.signatures
    assert (sig.indication, sig.sub_indication) == (TOTAL_FAILED, "FORMAT_FAILURE"), sig.to_dict()
    assert (sig.level_claimed, sig.level_reached) == ("B-LTA", "B-T")
    assert not report.valid


@pytest.mark.parametrize("level", list(Level), ids=str)
def test_untouched_files_claim_and_reach_their_level(level, signed_by_level, dev_pki, services_up) -> None:
    [sig] = verify(signed_by_level[level], trust=_trust(dev_pki)).signatures
    assert sig.level_claimed == sig.level_reached == sig.level == str(level)


def test_byte_range_past_the_end_of_the_file_is_not_intact(signed_by_level, dev_pki, services_up) -> None:
    """The file cut by its last byte, with the signature's /ByteRange (same digits' width) still naming it: the
    digest may still match the bytes that are there, but the signature does not cover what it says it does."""
    signed = signed_by_level[Level.B_B]
    m = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", signed)
    assert m is not None
    report = verify(signed[:-1], trust=_trust(dev_pki))
    [sig] = report.signatures
    assert not sig.intact and sig.indication == TOTAL_FAILED
    assert "past the end of the file" in sig.message


def test_bytes_removed_from_the_signed_range_is_a_hash_failure_not_an_unreadable_file(
    signed_by_level, dev_pki, services_up
) -> None:
    """Ten bytes cut from the first page's content (inside the signed range): the offsets of every later object
    and of the cross-reference data are now wrong. The signature is still found and reported broken."""
    signed = signed_by_level[Level.B_T]
    at = signed.index(b"stream", signed.index(b"/Contents")) + 40
    cut = signed[:at] + signed[at + 10 :]
    report = verify(cut, trust=_trust(dev_pki))
    [sig] = report.signatures
    assert sig.indication == TOTAL_FAILED and not sig.intact, sig.to_dict()
    assert not report.valid
