"""Safe reading of a zip package: every entry is judged from the central directory before a byte is inflated,
and nothing is ever written to disk (members are read into memory, bounded, and handed back as bytes).

Refused, each with its own reason code (``UnsafeArchive.detail["reason"]``) and a message naming the entry:
absolute paths, ``..`` components (zip-slip), symlinks and other special files (from ``external_attr``), encrypted
entries, unsupported compression, nested archives (by name, then by content), too many files, an entry or the
whole archive too large once inflated, a compression ratio typical of zip bombs (per entry, and for the whole
archive against its size), entries whose data overlap (the "quoted overlap" bomb: entries sharing compressed data,
each small and under the per-entry ratio), duplicate names (compared the way a case-insensitive file system
would), unreadable names. Operating-system litter (``__MACOSX/``, ``.DS_Store``,
``Thumbs.db``) is skipped, after the same checks.
"""

from __future__ import annotations

import io
import itertools
import lzma
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from domain.errors import CorruptFile, UnsafeArchive

_SUPPORTED_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".cab", ".jar", ".arj")
_ARCHIVE_MAGIC = (
    b"PK\x03\x04",  # zip
    b"PK\x05\x06",  # empty zip
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"MSCF",  # cab
)
_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
MAX_NAME_CHARS = 255
_PEEK_BYTES = 512
# Small entries cannot hurt whatever their ratio (a page of blank text compresses 1000:1); the ratio is judged
# only above this size.
RATIO_FLOOR_BYTES = 1024 * 1024
# The archive as a whole is judged by its ratio only once it inflates past this (a few pages of text or blank
# scans compress well; overlapping-entry bombs inflate to hundreds of MB).
TOTAL_RATIO_FLOOR_BYTES = 32 * 1024 * 1024
_LOCAL_HEADER_BYTES = 30  # fixed part of a local file header, before its name and extra field


@dataclass(frozen=True)
class ArchiveLimits:
    max_files: int
    max_file_bytes: int  # one entry, inflated
    max_total_bytes: int  # all entries, inflated
    max_ratio: float  # inflated / compressed


@dataclass(frozen=True)
class ArchiveEntry:
    name: str  # safe relative path, '/'-separated
    size: int  # declared inflated size
    compressed_size: int
    zip_name: str  # the name as stored, to find the entry again


@dataclass(frozen=True)
class ArchiveIndex:
    entries: tuple[ArchiveEntry, ...]
    skipped: tuple[str, ...]  # folders and operating-system litter


@dataclass(frozen=True)
class ArchiveFile:
    name: str
    data: bytes


def _unsafe(reason: str, message: str, message_zh: str, entry: str | None = None) -> UnsafeArchive:
    detail = {"reason": reason} | ({"entry": entry[:300]} if entry is not None else {})
    return UnsafeArchive(message, message_zh=message_zh, **detail)


def _decoded_name(info: zipfile.ZipInfo) -> str:
    """The entry name as its author wrote it. Without the UTF-8 flag, zipfile decodes names as CP437; Chinese
    Windows tools write GBK there and some Unix tools UTF-8, so the original bytes are tried in that order."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def safe_relative_name(name: str) -> str:
    """A '/'-separated relative path with no '.', '..', absolute or drive part; UnsafeArchive otherwise."""
    if not name or any(ord(ch) < 32 or ch == "\x7f" for ch in name):
        raise _unsafe(
            "bad_name",
            f"entry name {name!r} is empty or holds control characters",
            "压缩包内文件名为空或含控制字符",
            name,
        )
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE_RE.match(unified):
        raise _unsafe(
            "absolute_path",
            f"entry {name!r} has an absolute path; only relative paths are accepted",
            f"压缩包内文件 {name} 使用了绝对路径",
            name,
        )
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise _unsafe(
            "path_traversal",
            f"entry {name!r} climbs out of the archive with '..' (zip-slip)",
            f"压缩包内文件 {name} 含有“..”路径（路径穿越）",
            name,
        )
    if not parts:
        raise _unsafe("bad_name", f"entry name {name!r} names nothing", "压缩包内文件名无效", name)
    clean = "/".join(parts)
    if len(clean) > MAX_NAME_CHARS:
        raise _unsafe(
            "name_too_long",
            f"entry name is {len(clean)} characters long; at most {MAX_NAME_CHARS} are accepted",
            f"压缩包内文件名过长（上限 {MAX_NAME_CHARS} 个字符）",
            clean[:80],
        )
    return clean


def is_junk(name: str) -> bool:
    parts = name.split("/")
    base = parts[-1]
    return parts[0] == "__MACOSX" or base.startswith("._") or base.lower() in _JUNK_NAMES


def looks_like_archive_name(name: str) -> bool:
    return name.lower().endswith(_ARCHIVE_SUFFIXES)


def looks_like_archive(head: bytes) -> bool:
    return head.startswith(_ARCHIVE_MAGIC) or head[257:262] == b"ustar"


def duplicate_key(name: str) -> str:
    # Two names a case-insensitive file system (Windows, macOS) would take for one file are one name here.
    return unicodedata.normalize("NFC", name).casefold()


def _check_entry(info: zipfile.ZipInfo, name: str, limits: ArchiveLimits) -> None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        raise _unsafe("symlink", f"entry {name!r} is a symbolic link", f"压缩包内文件 {name} 是符号链接", name)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _unsafe(
            "special_file",
            f"entry {name!r} is a special file (device, pipe or socket)",
            f"压缩包内文件 {name} 是特殊文件",
            name,
        )
    if info.flag_bits & 0x1:
        raise _unsafe(
            "encrypted",
            f"entry {name!r} is encrypted; send the files without a password",
            f"压缩包内文件 {name} 已加密，请去掉密码后再提交",
            name,
        )
    if info.is_dir():
        return
    if info.compress_type not in _SUPPORTED_COMPRESSION:
        raise _unsafe(
            "unsupported_compression",
            f"entry {name!r} uses compression method {info.compress_type}; use deflate or store",
            f"压缩包内文件 {name} 的压缩方式不受支持",
            name,
        )
    if looks_like_archive_name(name):
        raise _unsafe(
            "nested_archive",
            f"entry {name!r} is itself an archive; nested archives are not accepted",
            f"压缩包内不能再含压缩包（{name}）",
            name,
        )
    if info.file_size > limits.max_file_bytes:
        raise _unsafe(
            "file_too_large",
            f"entry {name!r} inflates to {info.file_size} bytes, over the limit of {limits.max_file_bytes}",
            f"压缩包内文件 {name} 解压后过大（上限 {limits.max_file_bytes // (1024 * 1024)} MB）",
            name,
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
        raise _unsafe(
            "compression_ratio",
            f"entry {name!r} inflates {ratio:.0f}-fold (limit {limits.max_ratio:.0f}): a zip bomb",
            f"压缩包内文件 {name} 压缩比异常（疑似压缩炸弹）",
            name,
        )


def inspect_zip(data: bytes, limits: ArchiveLimits) -> ArchiveIndex:
    """Judges every entry from the central directory alone; nothing is inflated."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise CorruptFile(f"the zip archive cannot be read: {exc}", message_zh="压缩包已损坏或格式不符") from None
    with zf:
        infos = zf.infolist()
        start_dir = getattr(zf, "start_dir", None)
    _check_overlap(infos, start_dir)
    entries: list[ArchiveEntry] = []
    skipped: list[str] = []
    seen: dict[str, str] = {}
    total = 0
    for info in infos:
        name = safe_relative_name(_decoded_name(info))
        _check_entry(info, name, limits)
        if info.is_dir() or is_junk(name):
            skipped.append(name)
            continue
        key = duplicate_key(name)
        if key in seen:
            raise _unsafe(
                "duplicate_name",
                f"entries {seen[key]!r} and {name!r} have the same name",
                f"压缩包内有重名文件：{name}",
                name,
            )
        seen[key] = name
        total += info.file_size
        entries.append(ArchiveEntry(name, info.file_size, info.compress_size, info.filename))
        if len(entries) > limits.max_files:
            raise _unsafe(
                "too_many_files",
                f"the archive holds more than {limits.max_files} files",
                f"压缩包内文件过多（上限 {limits.max_files} 个）",
            )
        if total > limits.max_total_bytes:
            raise _unsafe(
                "total_too_large",
                f"the archive inflates to more than {limits.max_total_bytes} bytes",
                f"压缩包解压后总大小过大（上限 {limits.max_total_bytes // (1024 * 1024)} MB）",
            )
    if not entries:
        raise _unsafe("empty", "the archive holds no files", "压缩包内没有文件")
    if total > TOTAL_RATIO_FLOOR_BYTES and total > limits.max_ratio * len(data):
        raise _unsafe(
            "total_compression_ratio",
            f"the archive of {len(data)} bytes inflates to {total} bytes, "
            f"over {limits.max_ratio:.0f} times its size: a zip bomb",
            "压缩包解压后总大小与压缩包大小之比异常（疑似压缩炸弹）",
        )
    return ArchiveIndex(tuple(entries), tuple(skipped))


def _check_overlap(infos: list[zipfile.ZipInfo], start_dir: int | None) -> None:
    """Every entry's local header and data must lie before the next entry's header and before the central
    directory. Counted without the name and extra field (a lower bound), so a genuine archive never trips it."""
    spans = sorted(
        ((info.header_offset, info.header_offset + _LOCAL_HEADER_BYTES + info.compress_size, info) for info in infos),
        key=lambda span: span[:2],
    )
    for (_, end, info), (next_start, _, other) in itertools.pairwise(spans):
        if end > next_start:
            raise _unsafe(
                "overlapping_entries",
                f"entries {info.filename!r} and {other.filename!r} overlap in the archive (shared compressed data: "
                "a zip bomb)",
                f"压缩包内文件 {info.filename} 与 {other.filename} 的数据相互重叠（疑似压缩炸弹）",
                info.filename,
            )
    if spans and start_dir is not None and spans[-1][1] > start_dir:
        raise _unsafe(
            "overlapping_entries",
            f"entry {spans[-1][2].filename!r} runs into the archive's central directory",
            f"压缩包内文件 {spans[-1][2].filename} 的数据越过了目录区",
            spans[-1][2].filename,
        )


def _read(zf: zipfile.ZipFile, entry: ArchiveEntry, limit: int | None = None) -> bytes:
    try:
        with zf.open(entry.zip_name) as fh:
            # zipfile stops at the declared size and checks the CRC, so a lying header cannot inflate past it.
            return fh.read(entry.size if limit is None else min(limit, entry.size))
    except zipfile.BadZipFile as exc:
        if "differ" in str(exc):  # local header and central directory disagree: a crafted archive
            raise _unsafe(
                "header_mismatch",
                f"entry {entry.name!r}: local header and central directory disagree",
                f"压缩包内文件 {entry.name} 的文件头不一致",
                entry.name,
            ) from None
        raise CorruptFile(
            f"entry {entry.name!r} cannot be inflated: {exc}", message_zh=f"压缩包内文件 {entry.name} 已损坏"
        ) from None
    except (EOFError, zlib.error, lzma.LZMAError, NotImplementedError, RuntimeError, OSError) as exc:
        raise CorruptFile(
            f"entry {entry.name!r} cannot be inflated: {exc}", message_zh=f"压缩包内文件 {entry.name} 已损坏"
        ) from None


def read_zip(data: bytes, limits: ArchiveLimits) -> tuple[list[ArchiveFile], ArchiveIndex]:
    """Every file of a safe archive, in memory, in natural name order. All checks pass before any file is
    returned, so a caller stores either the whole package or nothing."""
    index = inspect_zip(data, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for entry in index.entries:
            reject_nested_archive(entry.name, _read(zf, entry, _PEEK_BYTES))
        files = [ArchiveFile(e.name, _read(zf, e)) for e in index.entries]
    for f, e in zip(files, index.entries, strict=True):
        if len(f.data) != e.size:
            raise CorruptFile(
                f"entry {e.name!r} inflated to {len(f.data)} bytes, not the {e.size} its header declares",
                message_zh=f"压缩包内文件 {e.name} 长度与记录不符",
            )
    return sorted(files, key=lambda f: natural_key(f.name)), index


def reject_nested_archive(name: str, head: bytes) -> None:
    if looks_like_archive(head):
        raise _unsafe(
            "nested_archive",
            f"{name!r} is itself an archive; nested archives are not accepted",
            f"压缩包内不能再含压缩包（{name}）",
            name,
        )


def natural_key(name: str) -> tuple:
    """``p2`` before ``p10``: the order a person numbering pages meant."""
    return tuple(int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", name))


def check_names(names: Iterable[str]) -> list[str]:
    """Safe, distinct names for a set of uploaded files (multipart): the same rules as archive entries."""
    out: list[str] = []
    seen: dict[str, str] = {}
    for raw in names:
        name = safe_relative_name(raw)
        key = duplicate_key(name)
        if key in seen:
            raise _unsafe("duplicate_name", f"two files are named {name!r}", f"提交的文件中有重名文件：{name}", name)
        seen[key] = name
        out.append(name)
    return out
