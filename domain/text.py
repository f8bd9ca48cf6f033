"""Text the clerk types in (case facts, corrections) must be plain: no NUL or other control characters, and no
invisible bidirectional or zero-width marks, which make a stored value read differently from what it is
(``6222‮1234`` shows its digits reversed) and break the signed PDFs and the logs."""

from __future__ import annotations

import re

from domain.errors import InputError

# C0 controls but tab, LF and CR; DEL and C1; zero-width and direction marks (U+200B-U+200F), the Arabic letter
# mark, bidi embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069), the word joiner and the BOM.
UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def unsafe_characters(text: str) -> list[str]:
    """The offending characters as code points (``U+202E``), in order of first appearance."""
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in UNSAFE.findall(text)))


def check_plain_text(value: str) -> str:
    """For pydantic validators: the value, or ValueError naming the characters (the API answers 422)."""
    if bad := unsafe_characters(value):
        raise ValueError(f"contains control or invisible direction characters ({', '.join(bad[:5])})")
    return value


def require_plain_text(value: str, *, what: str) -> str:
    """The value, or InputError naming the field and the characters."""
    if bad := unsafe_characters(value):
        raise InputError(
            f"{what} contains control or invisible direction characters ({', '.join(bad[:5])})",
            message_zh=f"{what} 含有控制字符或不可见的方向字符，请重新输入",
        )
    return value
