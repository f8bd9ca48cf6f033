"""Which fields of a read document the clerk should check, and which pages to photograph again.

A counter answers while the applicant is still there, so a doubtful value is worth a second picture: a field
read below ``review_below`` (repairs, failed check digits and implausible names already lower confidence) is
listed under its page, with that page's own capture hint when it has one (its worst problem: an error before a
warning). A required field that was not read is listed under the page its label stands on when the label was
found (the value beside it was washed out by glare or blurred beyond reading), and without a page otherwise. A
text-layer PDF is never asked for again: its text is what was signed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from domain.fields import label_zh
from domain.models import Field, PageInfo, QualityIssue, ReshootRequest, Severity

_CHECK = "请核对；如页面模糊、反光、过暗或不完整，请重拍该页"


def _worst(issues: Sequence[QualityIssue]) -> QualityIssue | None:
    """The issue whose hint the clerk gets: an error (reshoot) before a warning, else the first found."""
    return next((i for i in issues if i.severity == Severity.ERROR), next(iter(issues), None))


def _labels(fields: Sequence[str]) -> str:
    return "、".join(label_zh(f) for f in fields)


def reshoot_requests(
    fields: Mapping[str, Field],
    pages: Sequence[PageInfo],
    *,
    required: Sequence[str],
    review_below: float,
    unread_on: Mapping[str, int] | None = None,
) -> tuple[ReshootRequest, ...]:
    doubtful: dict[int, list[str]] = {}
    for name, f in fields.items():
        if f.value is not None and f.confidence < review_below and f.page is not None:
            doubtful.setdefault(f.page, []).append(name)
    missing = [r for r in required if fields.get(r) is None or fields[r].value is None]
    info = {p.index: p for p in pages}
    unread: dict[int, list[str]] = {}
    for name in missing:
        page = (unread_on or {}).get(name)
        # A text-layer page holds what was signed: a value missing there is no matter for a new picture.
        if page is not None and page in info and info[page].text_source != "pdf_text_layer":
            unread.setdefault(page, []).append(name)
    out = []
    for page in sorted({*doubtful, *unread}):
        p = info.get(page)
        if p is not None and p.text_source == "pdf_text_layer":
            continue
        issue = _worst(p.quality.issues) if p is not None else None
        how = issue.message_zh if issue is not None else _CHECK
        names, absent = doubtful.get(page, []), unread.get(page, [])
        what = "，".join(
            part
            for part in (f"未识别到{_labels(absent)}" if absent else "", f"{_labels(names)}识别不可靠" if names else "")
            if part
        )
        out.append(ReshootRequest(page, (*absent, *names), f"第{page + 1}页：{what}，{how}"))
    nowhere = tuple(m for m in missing if not any(m in v for v in unread.values()))
    if nowhere and not all(p.text_source == "pdf_text_layer" for p in pages):
        hint = f"未识别到{_labels(nowhere)}：请确认载有这些信息的页面已拍摄，且清晰、完整、无反光后重拍"
        out.append(ReshootRequest(None, nowhere, hint))
    return tuple(out)
