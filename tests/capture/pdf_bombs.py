"""Hostile PDFs built at test time (small files, nothing big committed): content-stream bombs, many pages,
deeply nested objects, huge object counts."""

from __future__ import annotations

import zlib


def build_pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(dictionary: bytes, raw: bytes, *, flate: bool = True) -> bytes:
    data = zlib.compress(raw, 9) if flate else raw
    filt = b" /Filter /FlateDecode" if flate else b""
    return b"<< " + dictionary + filt + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def content_bomb(inflated_mb: int, *, operands: bytes = b"0 ") -> bytes:
    """One A4 page whose content stream inflates to ``inflated_mb`` MB of operands (zeros: each one a Python
    object in pdfminer); the file is about a thousandth of that."""
    raw = operands * (inflated_mb * 1024 * 1024 // len(operands))
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>",
            _stream(b"", raw),
        ]
    )


def many_pages(count: int) -> bytes:
    """``count`` empty pages sharing one tiny content stream."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        _stream(b"", b"0 0 m 1 1 l S", flate=False),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * count
    return build_pdf(objects)


def deep_nesting(depth: int) -> bytes:
    """A page whose resources hold an array nested ``depth`` levels deep (recursive parsers overflow)."""
    nested = b"[" * depth + b"]" * depth
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /X " + nested + b" >> >>",
        ]
    )


def object_flood(count: int) -> bytes:
    """A one-page PDF followed by ``count`` tiny unused objects."""
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
        + [b"0"] * count
    )
