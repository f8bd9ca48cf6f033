"""A made-up, finalised case for demos, tests and benchmarks: a fake person's ID card photographed by the camera
model of ``samples.generator``, with the fields as an extraction would return them. Nobody real is in it."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta, timezone

from domain.business import Business
from domain.models import CheckReport, ExtractedDocument, Field, Finding, PageInfo, Severity
from signing.data import ApplicationData

CHINA_TZ = timezone(timedelta(hours=8))


def demo_application(seed: int = 7, *, with_signature: bool = True) -> ApplicationData:
    from samples.generator.idcard import back_fields, front_fields, make_capture

    capture = make_capture(0, seed=seed, difficulty="easy", sides="both")
    person = capture.person

    def doc(doc_type: str, values: dict[str, str], page: int) -> ExtractedDocument:
        fields = {k: Field(name=k, value=v, confidence=0.97, page=0) for k, v in values.items()}
        info = PageInfo(page, capture.file_name, capture.shot.width, capture.shot.height, "px", "ocr:paddle")
        return ExtractedDocument(doc_type, fields, (capture.file_name,), pages=(info,), engine="paddle")

    created = datetime(2026, 6, 1, 9, 30, tzinfo=CHINA_TZ)
    report = CheckReport(
        business=str(Business.RETIREMENT_WITHDRAWAL),
        business_date="2026-06-01",
        findings=(
            Finding("id_card.check_digit", Severity.INFO, "身份证号码校验位正确", ("doc[0].id_number",)),
            Finding("id_card.validity", Severity.INFO, "身份证在有效期内", ("doc[1].valid_until",)),
            Finding("retirement.age", Severity.WARNING, "未能核对法定退休年龄，请人工确认", ("doc[0].birth_date",)),
        ),
    )
    return ApplicationData(
        case_id=f"GJJ-2026-{seed:06d}",
        business=Business.RETIREMENT_WITHDRAWAL,
        applicant_name=person.name,
        applicant_id_number=person.id_number,
        operator="柜员 0427 王晓",
        branch="市住房公积金管理中心 江汉区管理部",
        created_at=created,
        finalized_at=created + timedelta(minutes=6, seconds=12),
        documents=(doc("id_card_front", front_fields(person), 0), doc("id_card_back", back_fields(person), 0)),
        check_report=report,
        page_images=(capture.shot.jpeg,),
        handwritten_signature_png=_fake_handwriting(random.Random(seed)) if with_signature else None,
    )


def _fake_handwriting(rng: random.Random) -> bytes:
    """A signature-pad-like PNG (transparent background, dark strokes)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (600, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    x, y = 40.0, 90.0
    points = []
    for _ in range(60):
        x += rng.uniform(4, 12)
        y = min(140.0, max(20.0, y + rng.uniform(-18, 18)))
        points.append((x, y))
    draw.line(points, fill=(20, 20, 60, 255), width=5, joint="curve")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
