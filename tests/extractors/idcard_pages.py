"""OCR pages for the ID-card extractor tests, transcribed from what PaddleOCR (PP-OCRv6 small) printed for
generated captures: labels merged with values, rows split in two, a row missing, traditional variants."""

from __future__ import annotations

from domain.models import OcrPage, TextLine


def page(
    *lines: tuple[str, tuple[float, float, float, float], float], width: float = 1000, height: float = 631
) -> OcrPage:
    return OcrPage(tuple(TextLine(t, c, b) for t, b, c in lines), width, height, "paddle")


# Labels and values merged by OCR, the address over three lines (idcard_0007_medium_both, front).
MERGED_FRONT = page(
    ("姓名彭芳强", (150, 397, 479, 476), 0.996),
    ("性别女民族汉", (153, 496, 646, 572), 0.951),
    ("出生1985年6月1日", (156, 593, 643, 658), 0.999),
    ("住址浙江省杭州市西湖区新华街", (151, 684, 797, 752), 1.0),
    ("781号紫荆公寓26栋3单元2", (305, 751, 786, 815), 0.987),
    ("003室", (302, 817, 421, 867), 1.0),
    ("公民身份号码", (151, 958, 362, 1005), 1.0),
    ("330106198506014685", (456, 941, 1050, 1003), 1.0),
    width=1300,
    height=1100,
)
MERGED_FRONT_TRUTH = {
    "name": "彭芳强",
    "sex": "女",
    "ethnicity": "汉",
    "birth_date": "1985-06-01",
    "address": "浙江省杭州市西湖区新华街781号紫荆公寓26栋3单元2003室",
    "id_number": "330106198506014685",
}

# Labels apart from values, the date split from 日, the 性别 row not detected at all, a photo-box blob (flat f1).
SPLIT_FRONT = page(
    ("口", (853, 47, 1324, 634), 0.388),
    ("姓名", (96, 107, 267, 163), 1.0),
    ("沈春伟", (265, 89, 460, 164), 0.999),
    ("民族回", (433, 198, 665, 277), 1.0),
    ("出生", (98, 321, 228, 372), 1.0),
    ("2001年7月26", (272, 308, 651, 371), 1.0),
    ("日", (658, 328, 691, 365), 1.0),
    ("住址", (95, 419, 223, 482), 1.0),
    ("广东省广州市天河区和平街", (280, 416, 859, 469), 1.0),
    ("235号", (269, 484, 411, 546), 1.0),
    ("公民身份号码", (101, 745, 344, 789), 1.0),
    ("44010620010726261X", (470, 722, 1207, 780), 1.0),
    width=1370,
    height=864,
)

BACK_LONG_TERM = page(
    ("中华人民共和国", (441, 111, 1085, 188), 1.0),
    ("居民身份证", (399, 274, 1113, 404), 1.0),
    ("签发机关", (218, 654, 387, 705), 1.0),
    ("北京市公安局海淀分局", (462, 649, 942, 705), 1.0),
    ("有效期限", (218, 756, 385, 807), 1.0),
    ("2015.10.07-长期", (464, 755, 812, 803), 1.0),
    width=1370,
    height=864,
)

# The 签发机关 label garbled, the 有效期限 label unreadable (idcard_0005_hard_back, cropped).
GARBLED_BACK = page(
    ("中华人民共和国", (314, 76, 795, 140), 1.0),
    ("居民身份证", (287, 191, 815, 299), 1.0),
    ("当京机关广州市公安局天河分局", (157, 454, 693, 519), 0.86),
    ("有丝新港", (160, 549, 286, 589), 0.34),
    ("2021.11.01-2041.11.01", (332, 537, 696, 582), 0.99),
)


def front_page(number: str, *, birth: str = "1985年6月1日", sex: str = "女") -> OcrPage:
    """The merged front with another ID-number reading, printed birth date or sex."""
    lines = [
        TextLine(
            {"330106198506014685": number, "出生1985年6月1日": f"出生{birth}", "性别女民族汉": f"性别{sex}民族汉"}.get(
                ln.text, ln.text
            ),
            ln.confidence,
            ln.bbox,
        )
        for ln in MERGED_FRONT.lines
    ]
    return OcrPage(tuple(lines), MERGED_FRONT.width, MERGED_FRONT.height, "paddle")


def polygon_page(*lines: tuple[str, tuple, float], width: float, height: float) -> OcrPage:
    out = []
    for text, poly, conf in lines:
        xs, ys = [p[0] for p in poly], [p[1] for p in poly]
        out.append(TextLine(text, conf, (min(xs), min(ys), max(xs), max(ys)), tuple(poly)))
    return OcrPage(tuple(out), width, height, "paddle")


# A full frame with the card tilted 15°, read without localisation; OCR missed the 住址 label
# (idcard_0008_hard_front of seed 7), and 女 went into one line with 民族汉.
TILTED_FRONT = polygon_page(
    ("姓名龚伟宁", ((358, 402), (520, 358), (532, 401), (370, 445)), 0.999),
    ("女民族汉", ((438, 436), (619, 386), (628, 422), (448, 472)), 1.000),
    ("性别", ((373, 456), (456, 434), (464, 465), (380, 486)), 0.999),
    ("1990年4月18日", ((456, 483), (653, 433), (662, 466), (464, 517)), 1.000),
    ("江苏省南京市玄武区解放大", ((466, 533), (734, 464), (742, 498), (474, 567)), 1.000),
    ("出生", ((383, 508), (441, 494), (447, 520), (389, 534)), 1.000),
    ("道763号翠苑20栋4单元21", ((474, 569), (736, 502), (744, 538), (483, 604)), 1.000),
    ("04室", ((479, 605), (539, 593), (545, 628), (486, 639)), 1.000),
    ("320102199004189984", ((582, 657), (934, 572), (942, 608), (590, 693)), 1.000),
    ("公民身份号码", ((423, 708), (535, 680), (542, 710), (430, 738)), 0.999),
    width=1600,
    height=1200,
)
TILTED_FRONT_TRUTH = {
    "name": "龚伟宁",
    "sex": "女",
    "ethnicity": "汉",
    "birth_date": "1990-04-18",
    "address": "江苏省南京市玄武区解放大道763号翠苑20栋4单元2104室",
    "id_number": "320102199004189984",
}

# Glare washed out the pale labels: 姓名 gone, 性别/民族 garbled around the values (hard_front 0056 of seed 99).
WASHED_LABELS_FRONT = page(
    ("何婷萍", (67, 75, 340, 129), 0.96),
    ("世刻男服蒙古", (65, 154, 520, 202), 0.75),
    ("出生1976年3月22日", (70, 231, 523, 276), 0.96),
    ("住北上海市徐汇区科技园路484号", (67, 309, 623, 351), 0.87),
    ("立强身公号五", (72, 542, 251, 577), 0.45),
    ("310104197603222450", (338, 525, 880, 570), 1.0),
)

# No 出生 or 住址 label read at all (hard_front 0092 of seed 99).
UNLABELLED_BIRTH_FRONT = page(
    ("姓名", (70, 74, 170, 119), 1.0),
    ("张兰雅", (195, 65, 335, 118), 1.0),
    ("性别", (71, 153, 169, 194), 1.0),
    ("女", (186, 149, 260, 193), 1.0),
    ("民族汉", (266, 142, 484, 201), 1.0),
    ("1983年1月15日", (198, 223, 511, 272), 1.0),
    ("浙江省杭州市西湖区人民路", (204, 305, 624, 340), 1.0),
    ("878号", (200, 357, 297, 395), 1.0),
    ("公民身号", (74, 542, 251, 577), 0.97),
    ("330106198301157869", (344, 527, 877, 570), 1.0),
)
