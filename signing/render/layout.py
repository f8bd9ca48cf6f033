"""Page furniture shared by the application and the receipt: header with QR code, section titles, footer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from signing.data import ApplicationData

from .common import Styles, canonical_json, esc, qr_flowable, sha256_hex
from .pdfa import Attachment, PdfaInfo, finalize_pdfa

ATTACHMENT_NAME = "case.json"
QR_SIZE_PT = 78


@dataclass(frozen=True)
class CaseFile:
    """The machine-readable case attached to a PDF, and the QR payload that names it.

    The QR code cannot carry the hash of the PDF it is printed in, so it carries the SHA-256 of the attached
    ``case.json``: a reader scans the code, opens the attachment and compares.
    """

    kind: str  # "application" | "receipt"
    attachment: Attachment
    sha256: str
    qr_payload: str


def case_file(data: ApplicationData, *, kind: str) -> CaseFile:
    payload = canonical_json(data.to_json())
    digest = sha256_hex(payload)
    qr = json.dumps({"case": data.case_id, "doc": kind, "sha256": digest}, separators=(",", ":"))
    att = Attachment(
        name=ATTACHMENT_NAME,
        data=payload,
        mime_type="application/json",
        description=f"docintel case {data.case_id}: structured data of the {kind} (schema docintel.case/1)",
        relationship="Data",
    )
    return CaseFile(kind=kind, attachment=att, sha256=digest, qr_payload=qr)


def header_table(styles: Styles, *, title: str, case: CaseFile, data: ApplicationData, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    left = [
        Paragraph(esc(title), styles.title),
        Paragraph(esc(f"{data.business_name_zh} · 业务编号 {data.case_id}"), styles.subtitle),
        Paragraph(esc(f"{data.branch}"), styles.subtitle),
    ]
    right = [qr_flowable(case.qr_payload, size_pt=QR_SIZE_PT), Paragraph("扫码核验", styles.small)]
    table = Table([[left, right]], colWidths=[width - QR_SIZE_PT - 8, QR_SIZE_PT + 8])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), styles.font),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
            ]
        )
    )
    return [table, Spacer(1, 6)]


def section(styles: Styles, title: str) -> list[Any]:
    from reportlab.platypus import Paragraph

    return [Paragraph(esc(title), styles.heading)]


def keep_with_heading(styles: Styles, title: str, first: Any) -> Any:
    """A section title that never stands alone at the bottom of a page."""
    from reportlab.platypus import KeepTogether

    return KeepTogether([*section(styles, title), first])


def footer_painter(styles: Styles, text: str):
    def paint(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(styles.font, 7.5)
        canvas.setFillGray(0.45)
        canvas.drawString(doc.leftMargin, 10 * 2.8346, text)
        canvas.drawRightString(doc.leftMargin + doc.width, 10 * 2.8346, f"第 {doc.page} 页")
        canvas.restoreState()

    return paint


class A4Document:
    """One rendered A4 form (application or receipt): the page template, then the story built with a footer
    on every page and finished as PDF/A-3b with the case file attached. Both forms share margins, metadata
    and finishing, so they are set here once."""

    def __init__(self, styles: Styles, data: ApplicationData, *, title: str, side_margin_mm: float) -> None:
        import io

        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate

        self.styles, self.data, self.title = styles, data, title
        self._buf = io.BytesIO()
        self.template = SimpleDocTemplate(
            self._buf,
            pagesize=A4,
            leftMargin=side_margin_mm * mm,
            rightMargin=side_margin_mm * mm,
            topMargin=16 * mm,
            bottomMargin=18 * mm,
            title=f"{title} {data.case_id}",
            initialFontName=styles.font,
        )

    @property
    def width(self) -> float:
        return self.template.width

    def finish(self, story: list[Any], *, footer: str, subject: str, case: CaseFile) -> bytes:
        from datetime import UTC, datetime

        paint = footer_painter(self.styles, footer)
        self.template.build(story, onFirstPage=paint, onLaterPages=paint)
        data = self.data
        return finalize_pdfa(
            self._buf.getvalue(),
            info=PdfaInfo(
                title=f"{self.title} {data.case_id}",
                author=data.branch,
                subject=subject,
                creator="docintel",
                created=data.finalized_at or data.created_at or datetime.now(UTC),
            ),
            attachments=(case.attachment,),
        )
