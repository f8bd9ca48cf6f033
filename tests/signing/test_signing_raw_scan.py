"""The /ByteRange checks and the byte scan that find signatures in files whose structure cannot be parsed."""

from __future__ import annotations

from signing.validation.raw_scan import MAX_SIGNATURES, byte_range_problem, scan, signed_bytes

HOLE = b"<" + b"30" * 8 + b">"


def _file() -> tuple[bytes, list[int]]:
    """A minimal signature dictionary whose /ByteRange (fixed-width numbers) covers all but its /Contents."""
    head = b"%PDF-1.7\n1 0 obj << /Type /Sig /SubFilter /ETSI.CAdES.detached /Contents "
    tail = b" /ByteRange [0 %010d %010d %010d] >> endobj\n%%%%EOF\n"
    start2 = len(head) + len(HOLE)
    br = [0, len(head), start2, len(tail % (0, 0, 0))]
    return head + HOLE + tail % tuple(br[1:]), br


def test_a_well_formed_byte_range_has_no_problem() -> None:
    pdf, br = _file()
    assert byte_range_problem(br, pdf) is None
    assert signed_bytes(br, pdf) == pdf[: br[1]] + pdf[br[2] :]


def test_byte_range_problems_are_named() -> None:
    pdf, br = _file()
    assert "past the end" in byte_range_problem([0, br[1], br[2], br[3] + 1], pdf)
    assert "1 byte(s)" in byte_range_problem([0, br[1], br[2], br[3] + 1], pdf)
    assert "not at the start" in byte_range_problem([5, br[1], br[2], br[3]], pdf)
    assert "overlaps" in byte_range_problem([0, br[2], br[1], br[3]], pdf)
    assert "/Contents" in byte_range_problem([0, br[1] - 1, br[2], br[3]], pdf)
    assert "negative" in byte_range_problem([0, -1, br[2], br[3]], pdf)
    assert "four integers" in byte_range_problem(None, pdf)


def test_scan_finds_the_signature_and_its_sub_filter() -> None:
    pdf, br = _file()
    [sig] = scan(pdf)
    assert sig.byte_range == tuple(br)
    assert sig.contents == bytes.fromhex("30" * 8)
    assert sig.sub_filter == "ETSI.CAdES.detached" and not sig.is_document_timestamp


def test_scan_lists_a_copied_dictionary_once_and_stops_at_a_bound() -> None:
    pdf, br = _file()
    copied = pdf + b"2 0 obj << /ByteRange [0 %d %d %d] >> endobj\n" % tuple(br[1:])
    assert len(scan(copied)) == 1
    many = b"".join(b"/ByteRange [0 %d 20 30]\n" % i for i in range(MAX_SIGNATURES + 50))
    assert len(scan(many)) == MAX_SIGNATURES
