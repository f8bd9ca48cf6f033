from domain.models import OcrPage, TextLine
from extractors.idcard.lines import Line, cut, find_label, fuzzy_contains, read_lines, right_of, same_row


def _line(text, bbox, conf=1.0, page=0):
    return Line(page, TextLine(text, conf, bbox), text, bbox)


def test_read_lines_cleans_text_and_drops_photo_blobs():
    page = OcrPage(
        (
            TextLine("口", 0.2, (800, 0, 1300, 600)),
            TextLine("姓 名 张三", 0.99, (0, 0, 300, 50)),
            TextLine("民族漢", 0.9, (0, 60, 200, 100)),
        ),
        1300,
        800,
        "paddle",
    )
    lines = read_lines([page])
    assert [ln.text for ln in lines] == ["姓名张三", "民族汉"]


def test_sub_span_bbox_in_proportion_to_character_widths():
    ln = _line("姓名张三丰", (100, 0, 600, 50))
    assert ln.span(2).bbox == (300.0, 0, 600.0, 50)
    digits = _line("ab12", (0, 0, 100, 10))  # ASCII counts about half a CJK character
    assert digits.span(2).bbox[0] == 50.0


def test_vertical_line_cut_along_its_long_side():
    ln = _line("姓名张三", (0, 0, 50, 400))
    assert ln.span(2).bbox == (0, 200.0, 50, 400.0)


def test_find_label_exact_and_fuzzy():
    assert find_label(_line("性别女民族汉", (0, 0, 1, 1)), "民族").start == 3
    fuzzy = find_label(_line("娃名张三", (0, 0, 1, 1)), "姓名", at_start_only=True)
    assert fuzzy is not None and not fuzzy.exact and fuzzy.end == 2
    assert find_label(_line("张三", (0, 0, 1, 1)), "姓名") is None
    long = find_label(_line("公民身份号玛430104", (0, 0, 1, 1)), "公民身份号码")
    assert long is not None and long.start == 0 and long.end == 5


def test_rows_and_neighbours():
    label = _line("姓名", (0, 100, 100, 150))
    value = _line("张三", (140, 95, 260, 155))
    below = _line("男", (140, 200, 180, 250))
    far = _line("北京", (3000, 100, 3100, 150))
    assert same_row(label, value) and not same_row(label, below)
    assert right_of(label, 100, [label, value, below, far], max_gap=12) == [value]


def test_fuzzy_contains_and_cut():
    assert fuzzy_contains("居民身份证", "居民身份证") == 1.0
    assert fuzzy_contains("居氏身份证", "居民身份证") == 0.8
    a, b = _line("2015.10.07-", (0, 0, 110, 10)), _line("长期", (120, 0, 160, 10))
    pieces = cut([a.span(), b.span()], 11, 13)
    assert [p.text for p in pieces] == ["长期"]
