"""Reading the files named on the command line, with one clear error for each way it can fail."""

from __future__ import annotations

from pathlib import Path

from domain.errors import InputError


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a file", message_zh="路径是目录而不是文件") from None
    except FileNotFoundError:
        raise InputError(f"{path} does not exist", message_zh="文件不存在") from None
    except PermissionError:
        raise InputError(f"{path} cannot be read (permission denied)", message_zh="无权读取文件") from None
