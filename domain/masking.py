"""Masking of personal data for logs and audit text. Names and ID numbers never reach a log unmasked."""

from __future__ import annotations

import re

_ID_RE = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{8})([0-9]{3}[0-9Xx])(?![0-9])")


def mask_id_number(value: str) -> str:
    """``420106199001014312`` → ``4201**********4312`` (first 4 and last 4 kept)."""
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_name(value: str) -> str:
    """``张三丰`` → ``张**``: the surname alone is kept."""
    v = value.strip()
    return v[:1] + "*" * (len(v) - 1) if v else v


def mask_text(text: str) -> str:
    """Masks every 18-character ID number inside free text."""
    return _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
