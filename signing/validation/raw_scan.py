"""Signatures found by scanning the bytes, for files whose cross-reference data cannot be parsed, and the checks
of a /ByteRange against the file that hold whichever way the signature was found.

A signature dictionary names the bytes it signs (``/ByteRange [0 a b c]``) and the hole between them holds its
``/Contents`` as a hex string. Both can be read without the file's object structure, so a loan officer still
learns that the signed bytes were changed (hash failure) when a file was damaged or cut, instead of being told
that the file cannot be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s*\]")
_HEX_HOLE = re.compile(rb"<\s*([0-9A-Fa-f\s]*)>")
_SUB_FILTER = re.compile(rb"/SubFilter\s*/([A-Za-z0-9.#_-]+)")
_FIELD_NAME = re.compile(rb"/T\s*\(([^()\\]{0,120})\)")
_DICT_WINDOW = 4096  # how far around a /ByteRange the rest of its dictionary is looked for
MAX_SIGNATURES = 100  # a hostile file may repeat /ByteRange endlessly; each one found is a CMS check


def byte_range_problem(byte_range, pdf: bytes) -> str | None:
    """Why ``byte_range`` cannot be the byte range of a PDF signature in ``pdf``, or None when it can.

    It must be four integers ``[0 a b c]`` with ``a <= b``, end inside the file, and leave exactly the
    ``/Contents`` hex string uncovered (ISO 32000-2 12.8.1)."""
    try:
        start, len1, start2, len2 = (int(v) for v in byte_range)
    except (TypeError, ValueError):
        return "the /ByteRange is not four integers"
    if min(start, len1, start2, len2) < 0:
        return f"the /ByteRange {[start, len1, start2, len2]} has a negative number"
    if start != 0:
        return f"the /ByteRange starts at byte {start}, not at the start of the file"
    if start2 < len1:
        return f"the /ByteRange {[start, len1, start2, len2]} overlaps itself"
    end = start2 + len2
    if end > len(pdf):
        return f"the /ByteRange runs {end - len(pdf)} byte(s) past the end of the file ({len(pdf)} bytes)"
    hole = pdf[len1:start2]
    if not _HEX_HOLE.fullmatch(hole):
        return "the bytes the /ByteRange leaves out are not exactly the signature's /Contents hex string"
    return None


def signed_bytes(byte_range, pdf: bytes) -> bytes:
    """The bytes ``byte_range`` names, clipped to the file."""
    start, len1, start2, len2 = (max(0, int(v)) for v in byte_range)
    return pdf[start : start + len1] + pdf[start2 : start2 + len2]


@dataclass(frozen=True)
class RawSignature:
    """A signature dictionary found by a byte scan."""

    offset: int  # where its /ByteRange is
    byte_range: tuple[int, int, int, int]
    contents: bytes | None  # the DER in the /Contents hole, None if the hole holds no hex string
    sub_filter: str | None
    field_name: str | None

    @property
    def is_document_timestamp(self) -> bool:
        if self.sub_filter is not None:
            return self.sub_filter == "ETSI.RFC3161"
        try:  # no /SubFilter found: a document timestamp's CMS carries a TSTInfo
            from asn1crypto import cms

            info = cms.ContentInfo.load(self.contents or b"")
            return info["content"]["encap_content_info"]["content_type"].native == "tst_info"
        except Exception:
            return False


def scan(pdf: bytes) -> list[RawSignature]:
    """Every distinct signature dictionary in ``pdf``, in file order (a dictionary copied unchanged into a later
    revision is the same signature and is listed once)."""
    found: list[RawSignature] = []
    seen: set[tuple[int, ...]] = set()
    for m in _BYTE_RANGE.finditer(pdf):
        br = tuple(int(v) for v in m.groups())
        if br in seen:
            continue
        if len(seen) >= MAX_SIGNATURES:
            break
        seen.add(br)
        # The rest of the dictionary is near its /ByteRange or near its /Contents (the hole), whichever
        # comes first in the file: take the nearest match to either.
        anchors = (m.start(), br[1])
        sub = _nearest(_SUB_FILTER, pdf, anchors)
        name = _nearest(_FIELD_NAME, pdf, anchors)
        found.append(
            RawSignature(
                offset=m.start(),
                byte_range=br,  # type: ignore[arg-type]
                contents=_contents(pdf, br),
                sub_filter=sub.decode("latin-1") if sub else None,
                field_name=name.decode("latin-1") if name else None,
            )
        )
    return found


def _nearest(pattern: re.Pattern[bytes], pdf: bytes, anchors: tuple[int, ...]) -> bytes | None:
    best: tuple[int, bytes] | None = None
    for anchor in anchors:
        lo = max(0, anchor - _DICT_WINDOW)
        for m in pattern.finditer(pdf, lo, min(len(pdf), anchor + _DICT_WINDOW)):
            distance = abs(m.start() - anchor)
            if best is None or distance < best[0]:
                best = (distance, m.group(1))
    return best[1] if best else None


def _contents(pdf: bytes, br: tuple[int, ...]) -> bytes | None:
    _, len1, start2, _ = br
    if not 0 <= len1 < start2 <= len(pdf):
        return None
    m = _HEX_HOLE.fullmatch(pdf[len1:start2])
    if m is None:
        return None
    digits = re.sub(rb"\s", b"", m.group(1))
    try:
        return bytes.fromhex(digits.decode("ascii") + ("0" if len(digits) % 2 else ""))
    except ValueError:
        return None


def has_dss_revinfo(pdf: bytes) -> bool:
    """Whether the bytes hold a /DSS with revocation data (a hint only: used when the structure is unreadable)."""
    return b"/DSS" in pdf and (b"/OCSPs" in pdf or b"/CRLs" in pdf)
