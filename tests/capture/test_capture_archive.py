"""Safe zip reading: every malicious archive is refused from its index, before anything is inflated or stored."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from capture.archive import ArchiveLimits, check_names, inspect_zip, natural_key, read_zip
from domain.errors import CorruptFile, UnsafeArchive

LIMITS = ArchiveLimits(max_files=10, max_file_bytes=8 * 1024 * 1024, max_total_bytes=12 * 1024 * 1024, max_ratio=100)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def make_zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for info, data in entries:
            if isinstance(info, str):
                info = zipfile.ZipInfo(info)
                info.compress_type = compression
            zf.writestr(info, data)
    return buf.getvalue()


def _info(name: str, mode: int | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    if mode is not None:
        info.create_system = 3
        info.external_attr = mode << 16
    return info


def _reason(data: bytes) -> str:
    with pytest.raises(UnsafeArchive) as err:
        read_zip(data, LIMITS)
    assert err.value.http_status == 400
    assert err.value.message and err.value.message_zh
    return err.value.detail["reason"]


def test_a_clean_archive_is_read_in_natural_order_without_litter():
    data = make_zip(
        [
            ("docs/p10.jpg", JPEG + b"10"),
            ("docs/p2.jpg", JPEG + b"2"),
            ("docs/", b""),
            ("__MACOSX/docs/._p2.jpg", b"junk"),
            (".DS_Store", b"junk"),
            ("合同.pdf", b"%PDF-1.7\n"),
        ]
    )
    files, index = read_zip(data, LIMITS)
    assert [f.name for f in files] == ["docs/p2.jpg", "docs/p10.jpg", "合同.pdf"]
    assert files[0].data == JPEG + b"2"
    assert set(index.skipped) == {"docs", "__MACOSX/docs/._p2.jpg", ".DS_Store"}


def test_gbk_names_from_chinese_windows_tools_are_decoded():
    # Windows' built-in zip writes GBK bytes without the UTF-8 flag; zipfile would show them as CP437 mojibake.
    gbk = "身份证.jpg".encode("gbk")
    placeholder = b"X" * (len(gbk) - 4) + b".jpg"
    data = make_zip([(placeholder.decode(), JPEG)], compression=zipfile.ZIP_STORED).replace(placeholder, gbk)
    files, _ = read_zip(data, LIMITS)
    assert files[0].name == "身份证.jpg"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/cron.d/evil", "path_traversal"),
        ("docs/../../evil.jpg", "path_traversal"),
        ("..\\..\\windows\\evil.jpg", "path_traversal"),
        ("/etc/passwd", "absolute_path"),
        ("C:\\Windows\\evil.jpg", "absolute_path"),
        ("__MACOSX/../../evil", "path_traversal"),  # litter is checked before it is skipped
        ("bad\x01name.jpg", "bad_name"),
        ("x" * 300 + ".jpg", "name_too_long"),
    ],
)
def test_bad_paths_are_refused(name, reason):
    assert _reason(make_zip([("ok.jpg", JPEG), (name, JPEG)])) == reason


def test_symlink_entry_is_refused():
    link = _info("link.jpg", stat.S_IFLNK | 0o777)
    assert _reason(make_zip([(link, b"/etc/passwd")])) == "symlink"


def test_device_entry_is_refused():
    assert _reason(make_zip([(_info("dev.jpg", stat.S_IFCHR | 0o600), b"")])) == "special_file"


def test_encrypted_entry_is_refused_from_the_index():
    data = bytearray(make_zip([("secret.jpg", JPEG)], compression=zipfile.ZIP_STORED))
    # zipfile cannot write encrypted entries: set the "encrypted" flag bit in both headers, as a password tool would.
    data[6] |= 0x1
    data[data.rfind(b"PK\x01\x02") + 8] |= 0x1
    assert _reason(bytes(data)) == "encrypted"


def test_nested_archive_is_refused_by_name_and_by_content():
    inner = make_zip([("a.jpg", JPEG)])
    assert _reason(make_zip([("inner.zip", inner)])) == "nested_archive"
    assert _reason(make_zip([("innocent.jpg", inner)])) == "nested_archive"
    assert _reason(make_zip([("scan.tar.gz", b"\x1f\x8b\x08" + b"\x00" * 40)])) == "nested_archive"


def test_too_many_files_is_refused():
    assert _reason(make_zip([(f"p{i}.jpg", JPEG + bytes([i])) for i in range(11)])) == "too_many_files"


def test_zip_bomb_is_refused_by_its_ratio_before_inflating():
    # 6 MiB of zeros deflates to a few KiB: a 1000-fold ratio.
    data = make_zip([("bomb.jpg", b"\x00" * (6 * 1024 * 1024))])
    assert len(data) < 64 * 1024
    assert _reason(data) == "compression_ratio"


def test_entry_and_total_size_limits():
    big = bytes(range(256)) * (9 * 1024 * 1024 // 256)  # 9 MiB that compresses badly enough to pass the ratio
    assert _reason(make_zip([("big.jpg", big)], compression=zipfile.ZIP_STORED)) == "file_too_large"
    part = bytes(range(256)) * (5 * 1024 * 1024 // 256)
    parts = [(f"p{i}.jpg", part + bytes([i])) for i in range(3)]
    assert _reason(make_zip(parts, compression=zipfile.ZIP_STORED)) == "total_too_large"


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_duplicate_names_are_refused_even_when_case_differs():
    assert _reason(make_zip([("a.jpg", JPEG), ("a.jpg", JPEG + b"x")])) == "duplicate_name"
    assert _reason(make_zip([("Scan.JPG", JPEG), ("scan.jpg", JPEG + b"x")])) == "duplicate_name"


def test_unsupported_compression_is_refused():
    data = bytearray(make_zip([("a.jpg", JPEG)], compression=zipfile.ZIP_STORED))
    # Method 99 (WinZip AES) in the central directory entry.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 10 : cd + 12] = (99).to_bytes(2, "little")
    assert _reason(bytes(data)) == "unsupported_compression"


def test_empty_archive_is_refused():
    assert _reason(make_zip([("only/", b""), (".DS_Store", b"x")])) == "empty"


def test_header_that_lies_about_the_name_is_refused():
    data = bytearray(make_zip([("good.jpg", JPEG)], compression=zipfile.ZIP_STORED))
    local = data.find(b"good.jpg")  # the first occurrence is the local header's copy
    data[local : local + 8] = b"evil.jpg"
    assert _reason(bytes(data)) == "header_mismatch"


def test_size_that_lies_in_the_index_cannot_inflate_more():
    payload = bytes(range(256)) * 8
    data = bytearray(make_zip([("a.jpg", JPEG + payload)], compression=zipfile.ZIP_STORED))
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")  # declared inflated size: 10 bytes
    with pytest.raises(CorruptFile):
        read_zip(bytes(data), LIMITS)


def test_garbage_is_a_corrupt_file_not_a_traceback():
    with pytest.raises(CorruptFile):
        inspect_zip(b"PK\x03\x04 this is not really a zip", LIMITS)


def test_multipart_names_follow_the_same_rules():
    assert check_names(["a.jpg", "b.pdf"]) == ["a.jpg", "b.pdf"]
    with pytest.raises(UnsafeArchive):
        check_names(["a.jpg", "A.JPG"])


def test_natural_order():
    assert sorted(["p10", "p2", "p1"], key=natural_key) == ["p1", "p2", "p10"]
