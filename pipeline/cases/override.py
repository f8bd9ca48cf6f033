"""The clerk's override of the trust flags that stop a finalize (issue 20, item 4).

A case whose ID card was photographed off a photocopy or off a screen (a quality issue with such a code on an ID card
page, as stored with the document's current extraction) is finalized only when the clerk says why it may be — the
applicant's original was checked by hand, say — and that override is audited with the flags and the reason.
Which codes stop a finalize is ``api.finalize_override_flags``; the detectors that set them live in capture.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from domain.errors import InputError
from domain.masking import mask_text
from domain.text import require_plain_text
from storage.models import Case
from storage.repositories import current_extraction

ID_CARD_TYPES = ("id_card_front", "id_card_back")


class OverrideRequired(InputError):
    code = "override_required"
    http_status = 409
    default_zh = "身份证影像存在风险提示，须由经办人填写理由确认后才能办结"


@dataclass(frozen=True)
class Override:
    """What the clerk overrode, and why (ID numbers in the reason masked: it is kept in the audit trail)."""

    flags: tuple[dict[str, Any], ...]
    reason: str
    clerk: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"flags": [dict(f) for f in self.flags], "reason": self.reason, "clerk": self.clerk}


def id_card_flags(case: Case, codes: Collection[str]) -> list[dict[str, Any]]:
    """The quality issues with one of ``codes`` on the pages of the case's ID card documents, as stored:
    ``{"document": id, "index": n, "doc_type": t, "page": p, "code": c}`` each, in document order."""
    flags: list[dict[str, Any]] = []
    for doc in sorted(case.documents, key=lambda d: d.seq):
        if doc.doc_type not in ID_CARD_TYPES:
            continue
        issues = (current_extraction(doc).result.get("quality") or {}).get("issues") or []
        seen = set()
        for issue in issues:
            code, page = issue.get("code"), issue.get("page")
            if code in codes and (page, code) not in seen:
                seen.add((page, code))
                flags.append(
                    {"document": doc.id, "index": doc.seq, "doc_type": doc.doc_type, "page": page, "code": code}
                )
    return flags


def require_override(
    flags: list[dict[str, Any]], *, reason: str | None, clerk: str | None, max_chars: int
) -> Override | None:
    """None when nothing is flagged; the override when the clerk gave a reason; else 409 ``override_required``
    naming the flags."""
    if not flags:
        return None
    text = (reason or "").strip()
    if not text:
        codes = sorted({f["code"] for f in flags})
        raise OverrideRequired(
            f"the case's ID card is flagged ({', '.join(codes)}): finalize needs the clerk's override_reason",
            message_zh="身份证影像被提示为" + "、".join(_CODES_ZH.get(c, c) for c in codes) + "，须填写理由后方可办结",
            flags=flags,
        )
    if len(text) > max_chars:
        raise InputError(
            f"override_reason is longer than {max_chars} characters", message_zh=f"理由不能超过 {max_chars} 个字"
        )
    require_plain_text(text, what="override_reason")
    if clerk is not None:
        clerk = require_plain_text(clerk.strip(), what="clerk")[:64] or None
    return Override(tuple(flags), mask_text(text), clerk)


_CODES_ZH = {"photocopy": "复印件", "screen_recapture": "屏幕翻拍", "tampered": "疑似篡改"}
