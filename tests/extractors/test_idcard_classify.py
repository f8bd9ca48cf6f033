from idcard_pages import BACK_LONG_TERM, GARBLED_BACK, MERGED_FRONT, SPLIT_FRONT, page

from extractors.idcard.back import IdCardBackExtractor
from extractors.idcard.front import IdCardFrontExtractor
from extractors.registry import MIN_CLASSIFY_SCORE, classify, known_doc_types

FRONT, BACK = IdCardFrontExtractor(), IdCardBackExtractor()


def test_registered():
    assert {"id_card_front", "id_card_back"} <= set(known_doc_types())


def test_front_and_back_tell_each_other_apart():
    for p in (MERGED_FRONT, SPLIT_FRONT):
        assert FRONT.score([p]) >= 0.9 > BACK.score([p])
        assert classify([p])[0] == "id_card_front"
    for p in (BACK_LONG_TERM, GARBLED_BACK):
        assert BACK.score([p]) >= 0.6 > FRONT.score([p])
        assert classify([p])[0] == "id_card_back"


def test_robust_to_garbled_keywords():
    p = page(
        ("娃名张三", (0, 0, 200, 40), 0.9),
        ("公民身份号玛", (0, 400, 200, 440), 0.8),
        ("43O1O4199OO2O69362", (250, 400, 700, 440), 0.9),
    )
    assert FRONT.score([p]) > MIN_CLASSIFY_SCORE


def test_other_documents_are_not_id_cards():
    receipt = page(("中国工商银行", (0, 0, 300, 40), 1.0), ("交易金额 1,234.00", (0, 60, 300, 100), 1.0))
    assert FRONT.score([receipt]) < MIN_CLASSIFY_SCORE and BACK.score([receipt]) < MIN_CLASSIFY_SCORE
    # A contract that quotes the words of a card runs to hundreds of characters.
    clause = "买受人姓名：张三，性别：男，民族：汉，住址：北京市朝阳区，公民身份号码见附件，居民身份证签发机关及有效期限见附件。"
    contract = page(*[(clause, (0, 50 * i, 1000, 50 * i + 40), 1.0) for i in range(12)])
    assert FRONT.score([contract]) < MIN_CLASSIFY_SCORE and BACK.score([contract]) < MIN_CLASSIFY_SCORE
