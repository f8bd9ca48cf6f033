"""Label-anchor and layout logic on hand-written page snippets, including the traps real contracts hold."""

from __future__ import annotations

from domain.models import OcrPage, TextLine
from extractors.anchors import Layout, label_pattern, line_chars
from extractors.contracts.common import STOP_LABELS, labels
from extractors.contracts.purchase import PurchaseContractExtractor
from extractors.contracts.rental import RentalAgreementExtractor
from extractors.contracts.values import parse_date, parse_person_name

CH = 20.0  # character width/height of the snippets, in page units


def line(text: str, x: float, y: float, *, conf: float = 0.99, width: float | None = None) -> TextLine:
    """A line starting at (x, y) whose box is as wide as its text (CJK one CH, Latin half)."""
    w = width if width is not None else sum(CH if ord(c) > 0x2E80 else CH * 0.55 for c in text)
    return TextLine(text, conf, (x, y, x + w, y + CH))


def page(*lines: TextLine, w: float = 1000, h: float = 1400) -> OcrPage:
    return OcrPage(tuple(lines), w, h, "test")


def purchase(*pages: OcrPage) -> dict:
    return dict(PurchaseContractExtractor().extract(pages).fields)


def rental(*pages: OcrPage) -> dict:
    return dict(RentalAgreementExtractor().extract(pages).fields)


def test_value_after_the_label_on_the_same_line_has_its_own_bbox() -> None:
    f = purchase(page(line("买受人：张三", 100, 100)))
    assert f["buyer_name"].value == "张三"
    x0, y0, x1, y1 = f["buyer_name"].bbox
    assert x0 == 100 + 4 * CH and x1 == 100 + 6 * CH and (y0, y1) == (100, 100 + CH)
    assert f["buyer_name"].page == 0


def test_full_and_half_width_punctuation_are_the_same_label() -> None:
    for text in ("买受人:李四", "买受人：李四", "买受人 ： 李四", "买 受 人：李四"):
        assert purchase(page(line(text, 100, 100)))["buyer_name"].value == "李四", text


def test_value_in_a_separate_box_to_the_right() -> None:
    f = purchase(page(line("买受人：", 100, 100), line("王小明", 300, 102)))
    assert f["buyer_name"].value == "王小明"
    assert f["buyer_name"].bbox[0] == 300


def test_value_below_a_label_that_ends_its_row() -> None:
    f = rental(page(line("承租人（乙方）：", 100, 100), line("赵敏", 100, 130), line("证件号码：", 100, 170)))
    assert f["lessee_name"].value == "赵敏"
    assert f["lessee_name"].bbox[1] == 130


def test_blank_label_is_skipped_not_filled_with_the_next_label() -> None:
    f = purchase(
        page(
            line("买受人：", 100, 100),
            line("证件号码：", 400, 100),
            line("买受人：周杰", 100, 160),
            line("证件号码：110105198506151236", 400, 160),
        )
    )
    assert f["buyer_name"].value == "周杰"
    assert f["buyer_id_number"].value == "110105198506151236"
    assert [b["name"] for b in f["buyers"].value] == ["周杰"]


def test_blank_label_followed_by_an_unrelated_heading_gives_no_name() -> None:
    f = purchase(page(line("买受人：", 100, 100), line("说明", 100, 130)))
    assert "buyer_name" not in f


def test_blank_blank_underscores_are_not_a_value() -> None:
    f = purchase(page(line("出卖人：________", 100, 100), line("出卖人：某某置业有限公司", 100, 200)))
    assert f["seller_name"].value == "某某置业有限公司"


def test_value_on_the_next_page() -> None:
    p1 = page(line("1.该商品房单价为每平方米15000元，总价款为：", 100, 1300))
    p2 = page(line("1,343,400.00元（大写：壹佰叁拾肆万叁仟肆佰元整）。", 100, 80))
    f = purchase(p1, p2)
    assert f["total_price"].value == "1343400.00"
    assert f["total_price"].page == 1
    assert f["total_price_in_words"].value == "壹佰叁拾肆万叁仟肆佰元整"
    assert f["unit_price"].value == "15000.00"


def test_two_dates_near_the_signing_label() -> None:
    after = purchase(page(line("签订日期：2024年3月1日（备案日期：2024年3月8日）", 100, 100)))
    assert after["signing_date"].value == "2024-03-01"
    before = purchase(page(line("备案日期：2024-03-08", 100, 100), line("签订日期：2024年3月1日", 500, 100)))
    assert before["signing_date"].value == "2024-03-01"
    assert before["signing_date"].bbox[0] >= 500


def test_a_date_split_over_filled_blanks() -> None:
    f = rental(
        page(line("签订日期：2023", 100, 100), line("年5", 300, 100), line("月", 360, 100), line("6日", 400, 100))
    )
    assert f["signing_date"].value == "2023-05-06"


def test_address_continues_over_a_line_wrap_and_stops_at_the_sentence_end() -> None:
    f = purchase(
        page(
            line("1.该商品房坐落于湖北省武汉市武昌区中山路100号", 100, 100, width=800),
            line("锦绣小区5栋1单元1201室。", 60, 135),
            line("2.建筑面积为89.56平方米。", 100, 170),
        )
    )
    assert f["property_address"].value == "湖北省武汉市武昌区中山路100号锦绣小区5栋1单元1201室"
    assert f["floor_area"].value == "89.56"


def test_ocr_merged_line_is_cut_at_the_next_label() -> None:
    f = purchase(page(line("出卖人：武汉市锦绣置业有限公司买受人：张三", 100, 100)))
    assert f["seller_name"].value == "武汉市锦绣置业有限公司"
    assert f["buyer_name"].value == "张三"


def test_boilerplate_mentioning_a_role_is_not_a_label() -> None:
    f = purchase(page(line("买受人应当按照本合同约定的时间付款。", 100, 100), line("买受人：孙丽", 100, 140)))
    assert f["buyer_name"].value == "孙丽"


def test_signature_block_is_not_the_seller() -> None:
    f = purchase(page(line("出卖人（签字或盖章）：", 100, 100), line("买受人（签字或盖章）：", 500, 100)))
    assert "seller_name" not in f and "buyer_name" not in f


def test_parties_in_a_table_with_two_buyers() -> None:
    f = purchase(
        page(
            line("当事人", 100, 100),
            line("姓名/名称", 250, 100),
            line("证件号码", 500, 100),
            line("出卖人", 100, 140),
            line("某某房地产开发有限公司", 250, 140),
            line("买受人", 100, 180),
            line("刘洋", 250, 180),
            line("420106199001011231", 500, 180),
            line("买受人", 100, 220),
            line("陈静", 250, 220),
            line("42010619920202002X", 500, 220),
        )
    )
    assert f["seller_name"].value == "某某房地产开发有限公司"
    assert f["buyer_name"].value == "刘洋" and f["buyer_id_number"].value == "420106199001011231"
    assert f["buyers"].value == [
        {"name": "刘洋", "id_number": "420106199001011231"},
        {"name": "陈静", "id_number": "42010619920202002X"},
    ]


def test_id_number_on_the_row_after_the_name() -> None:
    f = purchase(
        page(
            line("买受人：吴昊", 100, 100),
            line("【证件类型】居民身份证证件号码：330106198812120013", 100, 135),
            line("买受人：郑爽", 100, 170),
            line("【证件类型】居民身份证证件号码：33010619900303008x", 100, 205),
        )
    )
    assert f["buyers"].value == [
        {"name": "吴昊", "id_number": "330106198812120013"},
        {"name": "郑爽", "id_number": "33010619900303008X"},
    ]


def test_a_misread_id_digit_is_repaired_with_a_warning_and_lower_confidence() -> None:
    pages = [page(line("买受人：吴昊", 100, 100), line("证件号码：330306198812120013", 100, 135))]
    out = PurchaseContractExtractor().extract(pages)
    number = out.fields["buyer_id_number"]
    assert number.value == "330106198812120013" and number.raw == "330306198812120013"
    assert number.confidence <= 0.7
    assert any(w.startswith("buyer_id_number: OCR misreading repaired") for w in out.warnings)


def test_an_id_number_failing_its_check_digit_is_kept_as_read_but_flagged() -> None:
    pages = [
        page(
            line("出租人（甲方）：钱多多", 100, 100),
            line("证件号码：110305198811232582", 600, 100),
            line("承租人（乙方）：孙丽", 100, 140),
            line("证件号码：330106198812120013", 600, 140),
        )
    ]
    out = RentalAgreementExtractor().extract(pages)
    assert out.fields["lessor_id_number"].value == "110305198811232582"
    assert out.fields["lessor_id_number"].confidence <= 0.3
    assert out.fields["lessee_id_number"].confidence > 0.9
    flagged = [w for w in out.warnings if "GB 11643" in w]
    assert len(flagged) == 1 and flagged[0].startswith("lessor_id_number: fails the GB 11643 check")


def test_a_name_not_starting_with_a_surname_is_kept_but_flagged() -> None:
    # 邮 is OCR's reading of a blurred 邹 or 郝; the value stays as read, for the clerk to check.
    out = RentalAgreementExtractor().extract(
        [page(line("出租人（甲方）：邮雪琳", 100, 100), line("承租人（乙方）：欧阳娜", 100, 140))]
    )
    assert out.fields["lessor_name"].value == "邮雪琳" and out.fields["lessor_name"].confidence <= 0.5
    assert out.fields["lessee_name"].value == "欧阳娜" and out.fields["lessee_name"].confidence > 0.9
    assert [w for w in out.warnings if "surname" in w] == [
        "lessor_name: does not begin with a known surname; check the reading / 姓名首字不是常见姓氏，请核对"
    ]


def test_rental_term_rent_and_words() -> None:
    f = rental(
        page(
            line("出租人（甲方）：钱多多 证件号码：110108197001011232", 100, 100),
            line("租赁期限自2024年1月1日起至2025年12月31日止，共计24个月。", 100, 140),
            line("月租金为人民币3,500元（大写：叁仟伍佰元整），按月支付。", 100, 180),
        )
    )
    assert f["lessor_name"].value == "钱多多" and f["lessor_id_number"].value == "110108197001011232"
    assert (f["lease_start"].value, f["lease_end"].value, f["lease_term_months"].value) == (
        "2024-01-01",
        "2025-12-31",
        "24",
    )
    assert f["monthly_rent"].value == "3500.00" and f["monthly_rent_in_words"].value == "叁仟伍佰元整"


def test_mismatched_figures_and_words_are_both_kept() -> None:
    f = rental(page(line("月租金：2800元（大写：贰仟伍佰元整）", 100, 100)))
    assert f["monthly_rent"].value == "2800.00" and f["monthly_rent_in_words"].value == "贰仟伍佰元整"


def test_confidence_is_the_weakest_line_read() -> None:
    f = purchase(page(line("买受人：", 100, 100, conf=0.97), line("张三", 300, 100, conf=0.61)))
    assert f["buyer_name"].confidence <= 0.61  # calibration may lower it further, never lift it


def test_line_chars_normalise_and_place_characters() -> None:
    chars = line_chars(2, TextLine("面积：８９㎡", 0.9, (0, 0, 100, 10)))
    assert chars.text == "面积:89m2"
    page_index, box = chars.bbox(3, 5)
    assert page_index == 2 and 0 < box[0] < box[2] < 100


def test_label_pattern_needs_a_colon_or_a_cell_of_its_own() -> None:
    pat = label_pattern(["日期"])
    assert pat.search("日期:2024") and pat.search("日期")
    assert not pat.search("备案日期:2024") and not pat.search("日期为")
    role = labels("出租人")
    assert role.search("出租人(甲方):") and not role.search("出租人(签章):")


def test_layout_without_stop_labels_reads_to_the_row_end() -> None:
    layout = Layout([page(line("签订日期：", 100, 100), line("2022年2月2日", 300, 100))])
    hit = layout.find_labels(label_pattern(["签订日期"]))[0]
    assert layout.value_at(hit, parse_date).value == "2022-02-02"
    layout = Layout([page(line("甲方：张三乙方：李四", 100, 100))], stop_labels=STOP_LABELS)
    hit = layout.find_labels(label_pattern(["甲方"]))[0]
    assert layout.value_at(hit, parse_person_name).value == "张三"


def test_value_on_the_next_page_past_the_page_number() -> None:
    p1 = page(line("签订日期：", 100, 1300), line("第 3 页 共 4 页", 450, 1370))
    p2 = page(line("- 4 -", 480, 20), line("2021年12月30日", 100, 80), line("签订地点：售楼处", 100, 120))
    f = rental(p1, p2)
    assert f["signing_date"].value == "2021-12-30" and f["signing_date"].page == 1


def test_common_ocr_misreadings_of_labels() -> None:
    f = purchase(
        page(
            line("买受入：林峰", 100, 100),
            line("1.该商品房坐藩于湖北省武汉市武昌区中山路1号5栋1201室。", 100, 140),
        )
    )
    assert f["buyer_name"].value == "林峰"
    assert f["property_address"].value == "湖北省武汉市武昌区中山路1号5栋1201室"


def test_label_broken_over_a_line_wrap() -> None:
    f = rental(
        page(
            line("甲方将位于北京市朝阳区建设路1号的房屋出租给乙方居住使用。每月租", 100, 100, width=800),
            line("金：人民币4500元整（大写：肆仟伍佰元整），押一付三。", 60, 135),
        )
    )
    assert f["monthly_rent"].value == "4500.00" and f["monthly_rent_in_words"].value == "肆仟伍佰元整"
    assert f["monthly_rent"].bbox[1] == 135


def test_a_label_with_one_character_misread_still_anchors_its_value() -> None:
    """Glare on a generated camera page read 买受人 as 买爱人 and 签订日期 as 签订日朋."""
    f = purchase(
        page(
            line("出卖人：熊超雪", 100, 100),
            line("买爱人：钟秀", 100, 140),
            line("【证件类型】居民身份证证件号码：110108197004201568", 100, 180),
            line("签订日朋：2025年12月20日", 100, 220),
        )
    )
    assert f["seller_name"].value == "熊超雪"
    assert f["buyer_name"].value == "钟秀" and f["buyer_id_number"].value == "110108197004201568"
    assert f["signing_date"].value == "2025-12-20"


def test_an_exact_label_wins_over_a_misread_one() -> None:
    f = purchase(page(line("签订日朋：2024年1月2日", 100, 100), line("签订日期：2025年3月4日", 100, 140)))
    assert f["signing_date"].value == "2025-03-04"


def test_a_misreading_that_could_be_the_other_party_is_not_guessed() -> None:
    """承租人 and 出租人 differ in one character: ?租人 could be either, so it is nobody's label."""
    f = rental(page(line("永租人：李雷", 100, 100), line("承租人：韩梅梅", 100, 140)))
    assert "lessor_name" not in f
    assert f["lessee_name"].value == "韩梅梅"
    # A misreading elsewhere in the word is still unambiguous.
    assert rental(page(line("承祖人：韩梅梅", 100, 100)))["lessee_name"].value == "韩梅梅"


def test_misread_labels_must_stand_clear_of_other_text() -> None:
    """Inside running text a one-off match is a different word, not a label."""
    f = purchase(page(line("本合同由出卖人与承受人：协商一致签订", 100, 100)))
    assert "buyer_name" not in f


def _with_candidates(ln: TextLine, **at: tuple[tuple[str, float], ...]) -> TextLine:
    """The line as an engine that kept candidates gives it: its own character first, plus ``at[char]``."""
    cands = tuple(((ch, 0.6), *at.get(ch, ())) for ch in ln.text)
    return TextLine(ln.text, ln.confidence, ln.bbox, candidates=cands)


def test_chars_keep_candidates_through_normalisation_and_slicing() -> None:
    chars = line_chars(0, _with_candidates(TextLine("Ａ武：", 0.9, (0, 0, 60, 10)), 武=(("贰", 0.3),)))
    assert chars.text == "A武:" and chars.candidates[1] == (("武", 0.6), ("贰", 0.3))
    assert chars[1:].constrained("贰:") == ("贰:", 1)
    assert (chars + line_chars(0, TextLine("佰", 0.9, (0, 0, 10, 10))))[1:].constrained("贰佰:") == ("贰:佰", 1)
    assert line_chars(0, TextLine("武", 0.9, (0, 0, 10, 10))).constrained("贰") == ("武", 0)  # none kept


def test_capitals_read_as_look_alikes_are_taken_from_the_candidates() -> None:
    misread = line("总价款为人民币2,461,853.20元（大写武佰建拾陆万壹仟捌佰伍拾叁元式角）。", 100, 100, conf=0.9)
    f = purchase(page(_with_candidates(misread, 武=(("贰", 0.18),), 建=(("肆", 0.29),), 式=(("贰", 0.23),))))
    assert f["total_price"].value == "2461853.20"
    assert f["total_price_in_words"].value == "贰佰肆拾陆万壹仟捌佰伍拾叁元贰角"
    assert f["total_price_in_words"].confidence >= 0.9  # it agrees with the figures: not sent to review
    # Without candidates only the tail reads as 大写: it disagrees with the figures, so both go to review.
    f = purchase(page(misread))
    assert f["total_price_in_words"].value == "拾陆万壹仟捌佰伍拾叁元整"
    assert f["total_price_in_words"].confidence < 0.9 * 0.75 and f["total_price"].confidence < 0.9 * 0.75


def test_candidate_words_that_disagree_with_the_figures_are_kept_at_lower_confidence() -> None:
    misread = line("月租金为人民币6250.00元（大写：陆仟式佰伍拾元处），按月支付。", 100, 100, conf=0.9)
    f = rental(page(_with_candidates(misread, 式=(("叁", 0.2),), 处=(("整", 0.05),), 按=(("元", 0.3),))))
    assert f["monthly_rent_in_words"].value == "陆仟叁佰伍拾元整"
    assert f["monthly_rent_in_words"].confidence < 0.9 * 0.75
    # Text after the bracket is not touched: 按 stays (its 元 candidate would have spoiled nothing here anyway).
    good = line("月租金：2800元/月（大写：贰仟捌佰元整）", 100, 100)
    f = rental(page(_with_candidates(good, **{"/": (("元", 0.3),)})))
    assert f["monthly_rent_in_words"].value == "贰仟捌佰元整" and f["monthly_rent"].value == "2800.00"


def test_an_unreadable_party_name_is_placed_on_the_page_of_its_label() -> None:
    """Glare washed the name out; its label and the ID number beside it were read on page 2."""
    first = page(line("房屋租赁合同", 100, 100))
    second = page(line("出租人（甲方）：", 100, 100), line("证件号码：110105199206233007", 100, 140))
    out = RentalAgreementExtractor().extract([first, second])
    assert "lessor_name" not in out.fields
    assert out.unread_on == {"lessor_name": 1}  # lessee and rent have no label anywhere: no page to name


def test_a_contract_id_number_is_repaired_from_the_recognisers_alternatives() -> None:
    """The camera set's rental freeform_hard_007: 420106… read as 120106…, with '4' as the first digit's alternative."""
    raw = "承租人（乙方）：谢娟嘉，身份证号：120106199205179183"
    at = raw.index("120106")
    cands = tuple(((ch, 0.9), ("4", 0.097)) if i == at else ((ch, 0.9),) for i, ch in enumerate(raw))
    misread = line(raw, 100, 100, conf=0.94)
    out = RentalAgreementExtractor().extract([page(TextLine(raw, 0.94, misread.bbox, candidates=cands))])
    number = out.fields["lessee_id_number"]
    assert number.value == "420106199205179183" and number.raw == "120106199205179183"
    assert number.confidence <= round(0.94 * 0.7, 4)  # a repair goes to the reviewer (below 0.9)
    assert any(w.startswith("lessee_id_number: OCR misreading repaired") for w in out.warnings)
    # The same line without alternatives is kept as read and flagged.
    out = RentalAgreementExtractor().extract([page(misread)])
    assert out.fields["lessee_id_number"].value == "120106199205179183"
