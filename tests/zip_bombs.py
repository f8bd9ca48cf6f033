"""Overlapping-entry zip bombs (David Fifield, "A better zip bomb", 2019, the extra-field variant), generated at
test time.

Every local file header hides the next one in its extra field, and all of them are followed by one shared
kernel of compressed data: each entry is small and under any per-entry ratio, its name, sizes and CRC are
right, and together the entries inflate to ``count`` × the kernel. A reader that trusts the central directory
inflates every byte.
"""

from __future__ import annotations

import struct
import zlib

_DOS_DATE = 0x21  # 1980-01-01


def _local_header(name: bytes, crc: int, csize: int, usize: int, extra: bytes) -> bytes:
    head = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, _DOS_DATE, crc, csize, usize, len(name), len(extra))
    return head + name + extra


def _central_header(name: bytes, crc: int, csize: int, usize: int, offset: int) -> bytes:
    fixed = struct.pack(
        "<4sHHHHHHIIIHHHHHII",
        *(b"PK\x01\x02", 20, 20, 0, 8, 0, _DOS_DATE, crc, csize, usize, len(name), 0, 0, 0, 0, 0, offset),
    )
    return fixed + name


def overlapping_zip(count: int, kernel_bytes: int = 1_000_000) -> bytes:
    """``count`` entries named page001.jpg… (at most ~1500: an extra field holds 64 KB) sharing one kernel of
    ``kernel_bytes`` (under the 1 MiB below which no ratio is judged per entry); a few KB that inflate to
    ``count`` × ``kernel_bytes``. The kernel starts like a JPEG, so no content check takes it for an archive."""
    raw = b"\xff\xd8\xff\xe0" + b"\x00" * (kernel_bytes - 4)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    kernel = comp.compress(raw) + comp.flush()
    crc = zlib.crc32(raw)
    names = [b"page%03d.jpg" % (i + 1) for i in range(count)]
    header = b""
    for name in reversed(names):  # the last header first: each one is the extra field of the one before
        header = _local_header(name, crc, len(kernel), len(raw), header)
    offsets, pos = [], 0
    for name in names:
        offsets.append(pos)
        pos += 30 + len(name)
    body = header + kernel
    central = b"".join(_central_header(n, crc, len(kernel), len(raw), o) for n, o in zip(names, offsets, strict=True))
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(central), len(body), 0)
    return body + central + eocd
