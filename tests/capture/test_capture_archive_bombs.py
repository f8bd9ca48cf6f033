"""Zip bombs that pass every per-entry check: entries sharing compressed data (a 16 KB archive that inflates to
150 MB, each entry under 1 MB and under the per-entry ratio), and many honest entries that together inflate
far past the archive's size. Both are refused from the central directory, before a byte is inflated."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from zip_bombs import overlapping_zip

from capture.archive import ArchiveLimits, inspect_zip, read_zip
from domain.errors import UnsafeArchive

MB = 1024 * 1024
# The defaults of a package: 200 files, 40 MB each, 512 MB in all, ratio 100.
LIMITS = ArchiveLimits(max_files=200, max_file_bytes=40 * MB, max_total_bytes=512 * MB, max_ratio=100.0)
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4


def make_zip(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


def test_the_overlapping_bomb_is_a_valid_zip_that_inflates_a_thousandfold() -> None:
    """The generator is honest: Python's zipfile reads every entry with a good CRC (what the old check let
    through to the blob store)."""
    data = overlapping_zip(40)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        total = sum(len(zf.read(info)) for info in zf.infolist())
    assert total > 1000 * len(data)


@pytest.mark.parametrize("read", [inspect_zip, read_zip])
def test_entries_sharing_compressed_data_are_refused(read) -> None:
    data = overlapping_zip(150)
    assert len(data) < 20_000
    with pytest.raises(UnsafeArchive) as err:
        read(data, LIMITS)
    assert err.value.detail["reason"] == "overlapping_entries"
    assert "page001.jpg" in err.value.message


def test_two_entries_pointing_at_one_local_header_overlap() -> None:
    data = bytearray(make_zip([("a.jpg", JPEG), ("b.jpg", JPEG + b"!")]))
    # The second central-directory record's local-header offset (its last 4 fixed bytes) made 0.
    second = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, second + 42, 0)
    with pytest.raises(UnsafeArchive) as err:
        inspect_zip(bytes(data), LIMITS)
    assert err.value.detail["reason"] == "overlapping_entries"


def test_many_small_entries_inflating_past_the_archive_ratio_are_refused() -> None:
    """Forty entries of 1,000,000 zero bytes each: no entry is judged alone (under 1 MiB), the archive of
    ~40 KB inflates to 40 MB, a thousand times its size."""
    data = make_zip([(f"p{i:02d}.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 999_996) for i in range(40)])
    with pytest.raises(UnsafeArchive) as err:
        inspect_zip(data, LIMITS)
    assert err.value.detail["reason"] == "total_compression_ratio"


def test_an_ordinary_package_passes() -> None:
    data = make_zip([(f"page{i}.jpg", JPEG + bytes([i])) for i in range(30)] + [("contract.pdf", b"%PDF-1.7" * 500)])
    files, index = read_zip(data, LIMITS)
    assert len(files) == len(index.entries) == 31
