"""Hostile archives, each with the reason it must be refused for (``UnsafeArchive.detail["reason"]``)."""

from __future__ import annotations

import io
import stat
import warnings
import zipfile

from zip_bombs import overlapping_zip

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4


def make_zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", compression=compression) as zf:
        warnings.simplefilter("ignore")  # "Duplicate name": on purpose
        for info, data in entries:
            if isinstance(info, str):
                info = zipfile.ZipInfo(info)
                info.compress_type = compression
            zf.writestr(info, data)
    return buf.getvalue()


def _mode(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    return info


def _encrypted() -> bytes:
    data = bytearray(make_zip([("secret.jpg", JPEG)], compression=zipfile.ZIP_STORED))
    data[6] |= 0x1
    data[data.rfind(b"PK\x01\x02") + 8] |= 0x1
    return bytes(data)


def malicious_zips(max_files: int) -> dict[str, tuple[bytes, str]]:
    inner = make_zip([("a.jpg", JPEG)])
    return {
        "zip_slip": (make_zip([("ok.jpg", JPEG), ("../../../etc/cron.d/x", JPEG)]), "path_traversal"),
        "zip_slip_backslash": (make_zip([("..\\..\\evil.jpg", JPEG)]), "path_traversal"),
        "absolute_path": (make_zip([("/etc/passwd", JPEG)]), "absolute_path"),
        "windows_drive": (make_zip([("C:\\Windows\\evil.jpg", JPEG)]), "absolute_path"),
        "symlink": (make_zip([(_mode("link.jpg", stat.S_IFLNK | 0o777), b"/etc/shadow")]), "symlink"),
        "fifo": (make_zip([(_mode("pipe.jpg", stat.S_IFIFO | 0o600), b"")]), "special_file"),
        "nested_by_name": (make_zip([("more.zip", inner)]), "nested_archive"),
        "nested_by_content": (make_zip([("photo.jpg", inner)]), "nested_archive"),
        "too_many_files": (
            make_zip([(f"p{i}.jpg", JPEG + i.to_bytes(2, "big")) for i in range(max_files + 1)]),
            "too_many_files",
        ),
        "zip_bomb": (make_zip([("bomb.jpg", b"\x00" * (8 * 1024 * 1024))]), "compression_ratio"),
        "duplicate_names": (make_zip([("a.jpg", JPEG), ("a.jpg", JPEG + b"!")]), "duplicate_name"),
        "duplicate_names_case": (make_zip([("ID.JPG", JPEG), ("id.jpg", JPEG + b"!")]), "duplicate_name"),
        "encrypted": (_encrypted(), "encrypted"),
        "empty": (make_zip([("folder/", b"")]), "empty"),
        "overlapping_entries": (overlapping_zip(min(max_files, 60)), "overlapping_entries"),
    }
