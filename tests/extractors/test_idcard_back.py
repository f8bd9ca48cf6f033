import datetime as dt

from idcard_pages import BACK_LONG_TERM, GARBLED_BACK, page

from extractors.idcard.back import IdCardBackExtractor, consistent, repair_validity

BACK = IdCardBackExtractor()


def values(extraction):
    return {k: f.value for k, f in extraction.fields.items()}


def test_long_term_validity():
    ex = BACK.extract([BACK_LONG_TERM])
    assert values(ex) == {
        "issuing_authority": "北京市公安局海淀分局",
        "valid_from": "2015-10-07",
        "valid_until": "长期",
    }
    assert ex.warnings == ()
    # valid_from and valid_until share a line but not a box
    assert ex.fields["valid_from"].bbox[2] <= ex.fields["valid_until"].bbox[0] + 1


def test_merged_labels_and_dated_validity():
    p = page(
        ("签发机关杭州市公安局西湖分局", (100, 500, 700, 550), 0.99),
        ("有效期限2020.08.28-2040.08.28", (100, 580, 700, 630), 0.98),
    )
    ex = BACK.extract([p])
    assert values(ex) == {
        "issuing_authority": "杭州市公安局西湖分局",
        "valid_from": "2020-08-28",
        "valid_until": "2040-08-28",
    }
    assert ex.fields["valid_until"].confidence == 0.98


def test_garbled_labels():
    ex = BACK.extract([GARBLED_BACK])
    assert values(ex) == {
        "issuing_authority": "广州市公安局天河分局",
        "valid_from": "2021-11-01",
        "valid_until": "2041-11-01",
    }


def test_authority_stops_before_dates_beside_it():
    p = page(("签发机关北京市公安局海淀分局2016.07.21-长期", (100, 500, 900, 550), 0.99))
    assert BACK.extract([p]).fields["issuing_authority"].value == "北京市公安局海淀分局"


def test_validity_rule_and_repair():
    assert consistent(dt.date(2015, 3, 12), dt.date(2035, 3, 12))
    assert not consistent(dt.date(2015, 3, 12), dt.date(2036, 3, 12))
    # month 63 cannot be: the one look-alike swap that gives a 20-year span is 6→0
    assert repair_validity("20156312", "20350312") == (
        dt.date(2015, 3, 12),
        dt.date(2035, 3, 12),
        "valid_from digit '6'→'0'",
    )
    # either date could hold the misread digit: no repair
    assert repair_validity("20150312", "20350812") is None


def test_inconsistent_validity_is_reported_not_guessed():
    p = page(
        ("签发机关北京市公安局海淀分局", (0, 0, 500, 40), 1.0),
        ("有效期限2015.03.12-2035.08.12", (0, 60, 500, 100), 1.0),
    )
    ex = BACK.extract([p])
    assert ex.fields["valid_from"].value == "2015-03-12" and ex.fields["valid_until"].value == "2035-08-12"
    assert ex.fields["valid_until"].confidence == 0.5
    assert any("not a 5, 10 or 20-year validity" in w for w in ex.warnings)


def test_repaired_validity_is_warned():
    p = page(("有效期限2015.63.12-2035.03.12", (0, 60, 500, 100), 1.0))
    ex = BACK.extract([p])
    assert ex.fields["valid_from"].value == "2015-03-12"
    assert any("valid_from/valid_until: OCR misreading repaired" in w for w in ex.warnings)


def test_no_validity_no_dates():
    ex = BACK.extract([page(("签发机关北京市公安局海淀分局", (0, 0, 500, 40), 1.0))])
    assert "valid_from" not in ex.fields and any("validity period not found" in w for w in ex.warnings)
