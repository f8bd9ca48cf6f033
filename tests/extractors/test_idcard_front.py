import pytest
from idcard_pages import (
    MERGED_FRONT,
    MERGED_FRONT_TRUTH,
    SPLIT_FRONT,
    TILTED_FRONT,
    TILTED_FRONT_TRUTH,
    UNLABELLED_BIRTH_FRONT,
    WASHED_LABELS_FRONT,
    front_page,
)

from domain.models import OcrPage, TextLine
from extractors.idcard.front import IdCardFrontExtractor

FRONT = IdCardFrontExtractor()
VALID = MERGED_FRONT_TRUTH["id_number"]


def values(extraction):
    return {k: f.value for k, f in extraction.fields.items()}


def test_labels_merged_with_values():
    ex = FRONT.extract([MERGED_FRONT])
    assert values(ex) == MERGED_FRONT_TRUTH
    assert ex.warnings == ()


def test_every_field_has_evidence_on_the_page():
    ex = FRONT.extract([MERGED_FRONT])
    for f in ex.fields.values():
        assert f.page == 0 and 0.9 <= f.confidence <= 1.0
        x0, y0, x1, y1 = f.bbox
        assert 0 <= x0 < x1 <= MERGED_FRONT.width and 0 <= y0 < y1 <= MERGED_FRONT.height
    # The name's box excludes the label that shares its line; the address spans its three lines.
    assert ex.fields["name"].bbox[0] > 150 + (479 - 150) * 0.35
    assert ex.fields["address"].bbox[1] == 684 and ex.fields["address"].bbox[3] == 867


def test_labels_apart_from_values_and_a_missing_row():
    ex = FRONT.extract([SPLIT_FRONT])
    assert values(ex) == {
        "name": "沈春伟",
        "sex": "男",  # the 性别 row was not detected: read from the number's 17th digit
        "ethnicity": "回",
        "birth_date": "2001-07-26",
        "address": "广东省广州市天河区和平街235号",
        "id_number": "44010620010726261X",
    }
    assert any(w.startswith("sex: printed value unreadable") for w in ex.warnings)
    assert ex.fields["sex"].confidence < ex.fields["id_number"].confidence


def test_lookalike_letters_in_the_number():
    ex = FRONT.extract([front_page("33O1O6198506O14685")])
    assert ex.fields["id_number"].value == VALID
    assert any("id_number: OCR misreading repaired" in w for w in ex.warnings)


def test_misread_digit_repaired_with_the_printed_birth_date_and_warned():
    wrong = VALID[:11] + "8" + VALID[12:]  # month 06 read as 08
    ex = FRONT.extract([front_page(wrong)])
    assert ex.fields["id_number"].value == VALID
    assert ex.fields["id_number"].confidence < 0.8
    assert any("id_number: OCR misreading repaired" in w for w in ex.warnings)


def test_unrepairable_number_left_as_read_with_a_warning():
    wrong = VALID[:17] + "3"
    ex = FRONT.extract([front_page(wrong, birth="", sex="")])
    assert ex.fields["id_number"].value == wrong
    assert ex.fields["id_number"].confidence <= 0.3
    assert any("fails the GB 11643 check" in w for w in ex.warnings)


def test_garbled_printed_birth_date_falls_back_to_the_number():
    ex = FRONT.extract([front_page(VALID, birth="19B5年1S月1日")])
    assert ex.fields["birth_date"].value == "1985-06-01"
    assert any(w.startswith("birth_date: printed value unreadable") for w in ex.warnings)


def test_printed_sex_contradicting_a_valid_number():
    ex = FRONT.extract([front_page(VALID, sex="男")])
    assert ex.fields["sex"].value == "女"
    assert any(w.startswith("sex: the printed value disagrees") for w in ex.warnings)


def test_traditional_variant_of_the_ethnicity():
    ex = FRONT.extract([front_page(VALID)])
    assert ex.fields["ethnicity"].value == "汉"
    lines = tuple(TextLine(ln.text.replace("汉", "漢"), ln.confidence, ln.bbox) for ln in MERGED_FRONT.lines)
    ex = FRONT.extract([OcrPage(lines, 1300, 1100, "paddle")])
    assert ex.fields["ethnicity"].value == "汉"


@pytest.mark.parametrize("pages", [[], [OcrPage((), 100, 100, "paddle")]])
def test_nothing_to_read(pages):
    ex = FRONT.extract(pages)
    assert ex.fields == {} and ex.warnings


def test_tilted_card_without_address_label():
    ex = FRONT.extract([TILTED_FRONT])
    assert values(ex) == TILTED_FRONT_TRUTH
    assert any("住址 label was not read" in w for w in ex.warnings)
    # Evidence stays in page coordinates: the name box lies on the tilted line, right of the label.
    x0, y0, x1, y1 = ex.fields["name"].bbox
    assert 358 + (520 - 358) * 0.35 < x0 < x1 <= 532 and 358 <= y0 < y1 <= 445


def test_washed_out_labels_fall_back_to_position_and_vocabulary():
    ex = FRONT.extract([WASHED_LABELS_FRONT])
    got = values(ex)
    assert got["name"] == "何婷萍" and got["ethnicity"] == "蒙古" and got["sex"] == "男"
    assert got["address"] == "上海市徐汇区科技园路484号" and got["id_number"] == "310104197603222450"
    assert ex.fields["name"].confidence < 0.96  # inferred from position, not read beside its label
    assert any("姓名 label was not read" in w for w in ex.warnings)
    assert any("民族 label was not read" in w for w in ex.warnings)


def test_birth_date_and_address_without_their_labels():
    ex = FRONT.extract([UNLABELLED_BIRTH_FRONT])
    assert values(ex) == {
        "name": "张兰雅",
        "sex": "女",
        "ethnicity": "汉",
        "birth_date": "1983-01-15",
        "address": "浙江省杭州市西湖区人民路878号",
        "id_number": "330106198301157869",
    }


def test_half_read_labels():
    from idcard_pages import page

    p = page(
        ("名郭帆", (60, 76, 296, 127), 0.73),
        ("性测文民满", (69, 156, 487, 201), 0.69),
        ("出生2000年8月18日", (70, 235, 511, 276), 0.97),
        ("生", (66, 311, 210, 352), 0.48),
        ("湖南省长沙市岳麓区学府路", (194, 308, 627, 353), 0.95),
        ("233号", (197, 363, 302, 410), 1.0),
        ("公租费分号码", (74, 543, 254, 579), 0.60),
        ("430104200008188106", (340, 525, 881, 573), 1.0),
    )
    got = values(FRONT.extract([p]))
    assert got == {
        "name": "郭帆",
        "sex": "女",
        "ethnicity": "满",
        "birth_date": "2000-08-18",
        "address": "湖南省长沙市岳麓区学府路233号",
        "id_number": "430104200008188106",
    }
    p2 = page(("姓8余强", (66, 74, 293, 128), 0.96), ("性到男民族汉", (66, 152, 484, 200), 0.84))
    assert values(FRONT.extract([p2]))["name"] == "余强"


def test_blue_print_washed_out_by_glare():
    """Labels and the blue 年/月/日 lost: values found by the rows they stand in (seed 20260601 hard frames)."""
    from idcard_pages import page

    no_ethnicity_label = page(
        ("姓名曹泽", (66, 71, 291, 127), 1.0),
        ("性别", (71, 157, 195, 197), 1.0),
        ("女", (182, 159, 241, 196), 1.0),
        ("蒙古", (441, 154, 516, 199), 0.97),
        ("出生", (69, 233, 160, 274), 1.0),
        ("1982", (198, 236, 325, 273), 1.0),
        ("4", (316, 240, 369, 268), 1.0),
        ("21", (421, 238, 466, 272), 1.0),
        ("住址", (71, 312, 159, 351), 1.0),
        ("上海市徐汇区光明巷690号", (202, 309, 610, 351), 1.0),
        ("和谐家园4栋2单元3004室", (202, 366, 601, 405), 1.0),
        ("公民身份号码", (72, 541, 253, 580), 1.0),
        ("310104198204214706", (340, 525, 878, 571), 1.0),
    )
    ex = FRONT.extract([no_ethnicity_label])
    assert values(ex)["ethnicity"] == "蒙古"
    assert values(ex)["birth_date"] == "1982-04-21" and not any(w.startswith("birth_date") for w in ex.warnings)

    no_labels = page(
        ("史雨平", (199, 76, 332, 129), 1.0),
        ("男", (201, 158, 238, 198), 0.98),
        ("土家", (430, 150, 520, 203), 1.0),
        ("1979", (202, 234, 291, 272), 1.0),
        ("3月5日", (338, 230, 500, 276), 0.93),
        ("北京市朝阳区光明巷415号", (200, 309, 616, 352), 1.0),
        ("公民身份号码", (70, 537, 254, 583), 1.0),
        ("110105197903052317", (340, 523, 877, 572), 1.0),
    )
    assert values(FRONT.extract([no_labels])) == {
        "name": "史雨平",
        "sex": "男",
        "ethnicity": "土家",
        "birth_date": "1979-03-05",
        "address": "北京市朝阳区光明巷415号",
        "id_number": "110105197903052317",
    }


def test_label_read_as_one_character_keeps_its_value():
    from idcard_pages import page

    p = page(
        ("姓名", (72, 81, 172, 119), 1.0),
        ("余秀", (186, 76, 293, 127), 1.0),
        ("性别", (72, 157, 182, 197), 1.0),
        ("女", (182, 158, 243, 195), 1.0),
        ("民汉", (312, 154, 484, 200), 0.94),
        ("510107199411135120", (340, 525, 879, 573), 1.0),
    )
    assert values(FRONT.extract([p]))["ethnicity"] == "汉"


def test_values_taken_from_the_number_point_at_their_digits():
    ex = FRONT.extract([front_page(VALID, birth="19B5年1S月1日")])
    nx0, _, nx1, _ = ex.fields["id_number"].bbox
    bx0, _, bx1, _ = ex.fields["birth_date"].bbox
    assert nx0 < bx0 < bx1 < nx1 and (bx1 - bx0) < 0.5 * (nx1 - nx0)  # digits 7-14 of 18


def test_traditional_forms_and_a_label_missing_its_first_character():
    from idcard_pages import page

    p = page(
        ("莫明轩", (68, 72, 334, 129), 1.0),
        ("性别女民族汉", (67, 150, 487, 201), 0.95),
        ("出生1971年9月18日", (71, 232, 504, 275), 1.0),
        ("址北京市海淀区科技园路294", (69, 307, 617, 355), 0.95),
        ("号", (195, 360, 244, 413), 0.99),
        ("公民身份号码", (73, 541, 256, 581), 0.98),
        ("110108197109188646", (343, 524, 881, 573), 1.0),
    )
    assert values(FRONT.extract([p]))["address"] == "北京市海淀区科技园路294号"
    q = page(("姓名", (69, 78, 162, 120), 1.0), ("贾強敏", (200, 68, 335, 117), 0.89))
    assert values(FRONT.extract([q]))["name"] == "贾强敏"


def test_a_misread_division_in_the_address_is_repaired_and_reported():
    lines = [
        ln if not ln.text.startswith("住址") else TextLine("住址浙江省杭州市西湖巴新华街", ln.confidence, ln.bbox)
        for ln in MERGED_FRONT.lines
    ]
    ex = FRONT.extract([OcrPage(tuple(lines), MERGED_FRONT.width, MERGED_FRONT.height, "paddle")])
    assert ex.fields["address"].value == MERGED_FRONT_TRUTH["address"]
    assert ex.fields["address"].confidence == pytest.approx(0.987 * 0.8, abs=1e-3)  # the weakest line, repaired
    assert ex.fields["address"].raw.startswith("浙江省杭州市西湖巴")
    assert any(w.startswith("address: repaired") and "巴→区" in w for w in ex.warnings)
