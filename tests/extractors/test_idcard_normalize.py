import datetime as dt

import pytest

from extractors.normalize import add_years, cjk_only, clean_text, digits_only, iso, parse_date, strip_punctuation


def test_clean_text_folds_full_width_and_drops_spaces():
    assert clean_text("姓 名　张三 ") == "姓名张三"
    assert clean_text("１９９０年") == "1990年"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990年1月5日", dt.date(1990, 1, 5)),
        ("出生 1978 年 5 月 9 日", dt.date(1978, 5, 9)),
        ("2015.03.12", dt.date(2015, 3, 12)),
        ("2015-3-12", dt.date(2015, 3, 12)),
        ("20150312", dt.date(2015, 3, 12)),
        ("2015.13.12", None),  # no month 13
        ("2015.02.30", None),
        ("no date here", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_iso_and_add_years():
    assert iso(dt.date(2001, 7, 26)) == "2001-07-26"
    assert iso(None) is None
    assert add_years(dt.date(2015, 3, 12), 20) == dt.date(2035, 3, 12)
    assert add_years(dt.date(2016, 2, 29), 5) == dt.date(2021, 2, 28)


def test_digit_lookalikes_only_where_asked():
    assert digits_only("43O1O4") == "430104"
    assert digits_only("43O1O4", lookalikes=False) == "4314"
    assert digits_only("S1B") == "518"


def test_cjk_only_keeps_the_middle_dot_of_minority_names():
    assert cjk_only("姓名:买买提·艾力1") == "姓名买买提·艾力"
    assert strip_punctuation("。北京市公安局，") == "北京市公安局"
