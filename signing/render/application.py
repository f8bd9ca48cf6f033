"""电子申请书: the applicant's own application, with every extracted field, the cross-check findings and the
captured pages as evidence. Shows full personal data: it is the applicant's document, kept in the case file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from domain.fields import doc_type_label_zh, label_zh, value_with_unit_zh, warning_zh
from signing.data import SEVERITY_NAMES_ZH, ApplicationData, field_value_text

from .common import (
    Styles,
    build_styles,
    esc,
    image_flowable,
    register_cjk_font,
    table_style,
    thumbnail_jpeg,
)
from .layout import A4Document, case_file, header_table, keep_with_heading, section

DEFAULT_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
OVERRIDE_CODES_ZH = {"photocopy": "疑似复印件", "screen_recapture": "疑似屏幕翻拍", "tampered": "疑似篡改"}


def render_application(data: ApplicationData, *, font_path: Path = DEFAULT_FONT) -> bytes:
    """The application as PDF/A-3b candidate bytes, with ``case.json`` attached. Not yet signed."""
    styles = build_styles(register_cjk_font(font_path))
    cf = case_file(data, kind="application")
    doc = A4Document(styles, data, title="住房公积金电子申请书", side_margin_mm=18)
    story: list[Any] = []
    story += header_table(styles, title="住房公积金业务电子申请书", case=cf, data=data, width=doc.width)
    story += _applicant_section(styles, data, doc.width)
    story += _documents_section(styles, data, doc.width)
    story += _checks_section(styles, data, doc.width)
    story += _evidence_section(styles, data, doc.width)
    story += _signature_section(styles, data, doc.width)
    return doc.finish(
        story,
        footer=f"业务编号 {data.case_id} · 数据摘要 SHA-256 {cf.sha256[:16]}…",
        subject=f"{data.business_name_zh} 电子申请书",
        case=cf,
    )


def _applicant_section(styles: Styles, data: ApplicationData, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Table

    def p(text: str) -> Any:
        return Paragraph(esc(text), styles.cell)

    rows = [
        [p("业务类型"), p(data.business_name_zh), p("业务编号"), p(data.case_id)],
        [p("申请人姓名"), p(data.applicant_name), p("公民身份号码"), p(data.applicant_id_number)],
        [p("受理网点"), p(data.branch), p("经办人"), p(data.operator)],
        [p("受理时间"), p(data.local_time(data.created_at)), p("办结时间"), p(data.local_time(data.finalized_at))],
    ]
    if not data.portrait_jpeg:
        table = Table(rows, colWidths=[width * 0.16, width * 0.34, width * 0.16, width * 0.34])
        table.setStyle(table_style(styles.font, header_rows=0))
        return [*section(styles, "一、申请人与业务信息"), table]
    # The ID card's portrait (证件照) in a photo box to the right of the applicant's details.
    photo_w = width * 0.15
    jpeg, w, h = thumbnail_jpeg(data.portrait_jpeg, max_side_px=400)
    photo = image_flowable(jpeg, w, h, max_w=photo_w - 8, max_h=(photo_w - 8) / 0.8)
    rows = [[*rows[0], photo], *([*r, ""] for r in rows[1:])]
    rest = width - photo_w
    table = Table(rows, colWidths=[rest * 0.16, rest * 0.34, rest * 0.16, rest * 0.34, photo_w])
    style = table_style(styles.font, header_rows=0)
    style.add("SPAN", (4, 0), (4, 3))
    style.add("VALIGN", (4, 0), (4, 3), "MIDDLE")
    style.add("ALIGN", (4, 0), (4, 3), "CENTER")
    table.setStyle(style)
    return [*section(styles, "一、申请人与业务信息"), table]


def _documents_section(styles: Styles, data: ApplicationData, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer, Table

    out: list[Any] = [*section(styles, "二、材料识别结果")]
    if not data.documents:
        return [*out, Paragraph("（无材料）", styles.body)]
    for i, doc in enumerate(data.documents, start=1):
        name = doc_type_label_zh(doc.doc_type)
        pages = len(doc.pages) or len(doc.source)
        out.append(Paragraph(esc(f"{i}. {name}（{pages} 页，来源：{', '.join(doc.source)}）"), styles.body))
        head = [Paragraph(h, styles.cell_head) for h in ("字段", "识别值", "置信度", "页")]
        rows = [head]
        for fname, fld in doc.fields.items():
            rows.append(
                [
                    Paragraph(esc(label_zh(fname)), styles.cell),
                    Paragraph(esc(value_with_unit_zh(fname, field_value_text(fld.value))), styles.cell),
                    Paragraph(f"{fld.confidence:.2f}", styles.cell),
                    Paragraph("—" if fld.page is None else str(fld.page + 1), styles.cell),
                ]
            )
        if len(rows) == 1:
            rows.append([Paragraph("（未识别到字段）", styles.cell), "", "", ""])
        table = Table(rows, colWidths=[width * 0.22, width * 0.58, width * 0.11, width * 0.09], repeatRows=1)
        table.setStyle(table_style(styles.font))
        out += [table, Spacer(1, 6)]
        if doc.warnings:
            out.append(Paragraph(esc("提示：" + "；".join(warning_zh(w) for w in doc.warnings)), styles.small))
    return out


def _checks_section(styles: Styles, data: ApplicationData, width: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table

    out: list[Any] = [*section(styles, "三、交叉校验结果")]
    report = data.check_report
    if report is None:
        return [*out, Paragraph("未进行交叉校验。", styles.body)]
    verdict = "通过" if report.passed else "未通过"
    color = "#1e7b34" if report.passed else "#b03a2e"
    out.append(
        Paragraph(
            f'结论：<font color="{color}">{verdict}</font>（业务日期 {esc(report.business_date)}，'
            f"{len(report.findings)} 条发现）",
            styles.body,
        )
    )
    if data.override:
        # The clerk finalized over ID card warnings: say so on the signed record, with the reason given.
        codes = "、".join(OVERRIDE_CODES_ZH.get(c, c) for c in dict.fromkeys(f["code"] for f in data.override["flags"]))
        clerk = f"（经办人 {data.override['clerk']}）" if data.override.get("clerk") else ""
        out.append(
            Paragraph(
                esc(f"身份证影像风险提示：{codes}；经办人核验后确认办结{clerk}，理由：{data.override['reason']}"),
                styles.body,
            )
        )
    if not report.findings:
        return out
    head = [Paragraph(h, styles.cell_head) for h in ("级别", "规则", "说明")]
    rows = [head]
    row_colors = []
    for i, f in enumerate(report.findings, start=1):
        sev = str(f.severity)
        label = SEVERITY_NAMES_ZH.get(sev, sev) + ("（待定）" if f.indeterminate else "")
        rows.append(
            [
                Paragraph(esc(label), styles.cell),
                Paragraph(esc(f.rule), styles.cell),
                Paragraph(esc(f.message), styles.cell),
            ]
        )
        if sev == "error":
            row_colors.append(("TEXTCOLOR", (0, i), (0, i), colors.HexColor("#b03a2e")))
    table = Table(rows, colWidths=[width * 0.14, width * 0.30, width * 0.56], repeatRows=1)
    style = table_style(styles.font)
    for cmd in row_colors:
        style.add(*cmd)
    table.setStyle(style)
    return [*out, table]


def _evidence_section(styles: Styles, data: ApplicationData, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Table

    title = "四、材料影像（采集页缩略图）"
    if not data.page_images:
        return [*section(styles, title), Paragraph("（无采集影像）", styles.body)]
    per_row = 3
    cell_w = width / per_row
    cells = []
    for i, img in enumerate(data.page_images, start=1):
        jpeg, w, h = thumbnail_jpeg(img)
        cells.append([image_flowable(jpeg, w, h, max_w=cell_w - 12, max_h=150), Paragraph(f"第 {i} 页", styles.small)])
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    table = Table(rows, colWidths=[cell_w] * per_row)
    table.setStyle(table_style(styles.font, header_rows=0))
    return [keep_with_heading(styles, title, table)]


def _signature_section(styles: Styles, data: ApplicationData, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer, Table

    out: list[Any] = [*section(styles, "五、申请人确认")]
    out.append(
        Paragraph(
            "本人确认以上信息及所提交材料真实、完整、有效，同意住房公积金管理中心依法查询、核验相关信息。",
            styles.body,
        )
    )
    out.append(Spacer(1, 6))
    if data.handwritten_signature_png:
        jpeg, w, h = thumbnail_jpeg(data.handwritten_signature_png, max_side_px=600)
        sig: Any = image_flowable(jpeg, w, h, max_w=width * 0.35, max_h=50)
    else:
        sig = Paragraph("＿＿＿＿＿＿＿＿＿＿", styles.body)
    when = data.local_time(data.finalized_at or data.created_at)
    table = Table(
        [[Paragraph("申请人签名（电子签名）：", styles.body), sig, Paragraph(f"日期：{esc(when)}", styles.body)]],
        colWidths=[width * 0.3, width * 0.38, width * 0.32],
        style=[("FONTNAME", (0, 0), (-1, -1), styles.font), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")],
    )
    # Room for the visible seal that signing puts in the bottom-right corner of the last page.
    return [*out, table, Spacer(1, 90)]
