"""电子回单: proof that the counter accepted the case, handed to the applicant and kept by the fund.

Like a bank's electronic receipt it shows the applicant's name but a masked ID number (4201**********4312): a
receipt travels further than the application (it is forwarded, printed, photographed), and the full number adds
nothing to what it proves. The full data stays in the application and in the attached ``case.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from domain.fields import doc_type_label_zh
from domain.masking import mask_id_number
from signing.data import ApplicationData

from .application import DEFAULT_FONT
from .common import Styles, build_styles, esc, image_flowable, register_cjk_font, table_style, thumbnail_jpeg
from .layout import A4Document, case_file, header_table, section


def render_receipt(data: ApplicationData, *, font_path: Path = DEFAULT_FONT) -> bytes:
    """The receipt as PDF/A-3b candidate bytes (one A4 page for a usual case), with ``case.json`` attached."""
    from reportlab.platypus import Paragraph, Spacer, Table

    styles = build_styles(register_cjk_font(font_path))
    cf = case_file(data, kind="receipt")
    doc = A4Document(styles, data, title="住房公积金电子回单", side_margin_mm=20)
    w = doc.width

    def p(text: str) -> Any:
        return Paragraph(esc(text), styles.cell)

    report = data.check_report
    if report is None:
        verdict = "未校验"
    elif report.passed:
        verdict = f"校验通过（{len(report.findings)} 条提示）"
    else:
        errors = sum(1 for f in report.findings if str(f.severity) == "error")
        verdict = f"校验未通过（{errors} 项错误，请按申请书所列补正）"
    status = "已办结" if data.finalized_at else "已受理"
    rows = [
        [p("回单编号"), p(data.case_id), p("业务类型"), p(data.business_name_zh)],
        [p("申请人"), p(data.applicant_name), p("公民身份号码"), p(mask_id_number(data.applicant_id_number))],
        [p("受理网点"), p(data.branch), p("经办人"), p(data.operator)],
        [p("受理时间"), p(data.local_time(data.created_at)), p("办结时间"), p(data.local_time(data.finalized_at))],
        [p("办理状态"), p(status), p("材料校验"), p(verdict)],
    ]
    info = Table(rows, colWidths=[w * 0.15, w * 0.35, w * 0.16, w * 0.34])
    info.setStyle(table_style(styles.font, header_rows=0))

    head = [Paragraph(h, styles.cell_head) for h in ("序号", "材料", "页数", "识别字段数")]
    mats = [head] + [
        [
            p(str(i)),
            p(doc_type_label_zh(d.doc_type)),
            p(str(len(d.pages) or len(d.source))),
            p(str(len(d.fields))),
        ]
        for i, d in enumerate(data.documents, start=1)
    ]
    if len(mats) == 1:
        mats.append([p("—"), p("（无材料）"), p("—"), p("—")])
    materials = Table(mats, colWidths=[w * 0.1, w * 0.5, w * 0.15, w * 0.25], repeatRows=1)
    materials.setStyle(table_style(styles.font))

    story: list[Any] = header_table(styles, title="住房公积金业务电子回单", case=cf, data=data, width=w)
    story += [*section(styles, "业务信息"), info, *section(styles, "已收材料"), materials]
    if data.page_images:
        story += [*section(styles, "材料影像"), _thumb_strip(styles, data, w)]
    story += [
        Spacer(1, 8),
        Paragraph(
            "本回单证明上述业务已由住房公积金管理中心受理。回单经电子签章，可扫描二维码并核对附件 case.json 的 "
            f"SHA-256 摘要（{cf.sha256}）验证内容未被篡改。",
            styles.small,
        ),
        Spacer(1, 90),  # room for the visible seal in the bottom-right corner
    ]
    return doc.finish(
        story,
        footer=f"回单编号 {data.case_id} · 打印/转发请保留电子签章",
        subject=f"{data.business_name_zh} 电子回单",
        case=cf,
    )


def _thumb_strip(styles: Styles, data: ApplicationData, width: float) -> Any:
    from reportlab.platypus import Table

    per_row = 6
    cell_w = width / per_row
    cells = []
    for img in data.page_images:
        jpeg, w, h = thumbnail_jpeg(img)
        cells.append(image_flowable(jpeg, w, h, max_w=cell_w - 8, max_h=70))
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    table = Table(rows, colWidths=[cell_w] * per_row)
    table.setStyle(table_style(styles.font, header_rows=0))
    return table
