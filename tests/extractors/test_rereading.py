"""A page photographed again: each value from the picture that read it more surely."""

from __future__ import annotations

from domain.models import ExtractedDocument, Field, PageInfo
from extractors.rereading import keep_surer_readings

REQUIRED = ("lessor_name", "lessee_name", "property_address", "monthly_rent")


def _f(name: str, value: str, conf: float, page: int) -> Field:
    return Field(name, value, conf, page, (10.0, 20.0, 110.0, 40.0))


def _doc(*fields: Field, pages: int = 2) -> ExtractedDocument:
    infos = tuple(PageInfo(i, f"p{i}.jpg", 1000, 1400, "px", "ocr:paddle") for i in range(pages))
    return ExtractedDocument("rental_agreement", {f.name: f for f in fields}, ("p0.jpg", "p1.jpg"), infos)


def _merge(before: list[Field], after: ExtractedDocument, replaced=frozenset({0})) -> ExtractedDocument:  # type: ignore[no-untyped-def]
    return keep_surer_readings(
        {f.name: f for f in before}, after, replaced=replaced, required=REQUIRED, review_below=0.9
    )


def test_a_worse_second_picture_does_not_undo_a_good_first_one() -> None:
    before = [_f("lessor_name", "于桂婷", 0.97, 0), _f("monthly_rent", "2800.00", 0.62, 0)]
    after = _doc(_f("lessor_name", "于柱号", 0.71, 0), _f("monthly_rent", "2800.00", 0.95, 0))
    out = _merge(before, after)
    assert out.value("lessor_name") == "于桂婷" and out.fields["lessor_name"].confidence == 0.97
    assert out.value("monthly_rent") == "2800.00" and out.fields["monthly_rent"].confidence == 0.95
    assert [w for w in out.warnings if "earlier picture" in w] == [
        "lessor_name: kept from the earlier picture of page 0, which read it more surely / 该项取自此前拍摄的照片"
    ]


def test_a_better_second_picture_wins_and_leaves_the_reshoot_list() -> None:
    before = [_f("lessee_name", "董注", 0.61, 0), _f("monthly_rent", "2800.00", 0.99, 0)]
    after = _doc(_f("lessee_name", "董涛", 0.98, 0), _f("monthly_rent", "2800.00", 0.99, 0))
    out = _merge(before, after)
    assert out is not after  # the same page (the rent agrees): the two readings were weighed
    assert out.value("lessee_name") == "董涛" and not out.warnings
    assert all("lessee_name" not in r.fields for r in out.reshoot)


def test_two_pictures_that_agree_keep_the_higher_confidence() -> None:
    out = _merge([_f("monthly_rent", "2800.00", 0.93, 0)], _doc(_f("monthly_rent", "2800.00", 0.88, 0)))
    assert out.fields["monthly_rent"].confidence == 0.93
    assert all("monthly_rent" not in r.fields for r in out.reshoot)


def test_a_value_only_the_first_picture_read_is_kept_when_the_new_picture_is_of_the_same_page() -> None:
    """Glare hid the lessor's name in the second picture; its rent reads as before, so it is the same page."""
    before = [_f("lessor_name", "张三", 0.8, 0), _f("monthly_rent", "2800.00", 0.95, 0)]
    out = _merge(before, _doc(_f("monthly_rent", "2800.00", 0.97, 0)))
    assert out.value("lessor_name") == "张三" and out.fields["lessor_name"].confidence == 0.8
    assert any(w.startswith("lessor_name: kept from the earlier picture") for w in out.warnings)
    # Still doubtful: it stays on the list under its page.
    assert any(r.page == 0 and "lessor_name" in r.fields for r in out.reshoot)


def test_another_page_or_card_in_the_new_picture_is_taken_whole() -> None:
    """Nothing the new picture reads there agrees with the old one: it is what the page is now, even where the
    old picture was surer (another person's ID card in place of the first)."""
    before = [_f("lessor_name", "张三", 0.99, 0), _f("monthly_rent", "2800.00", 0.99, 0)]
    after = _doc(_f("monthly_rent", "3500.00", 0.9, 0))
    out = _merge(before, after)
    assert out is after and "lessor_name" not in out.fields
    assert "lessor_name" not in _merge(before[:1], _doc()).fields  # nothing read there at all
    # Two people's cards agree on a short value (女, 汉): that does not make them the same card.
    card = [_f("name", "蔡涵", 0.99, 0), _f("sex", "女", 0.99, 0), _f("id_number", "110105199702200140", 0.99, 0)]
    other = _doc(_f("name", "李娜", 0.9, 0), _f("sex", "女", 0.99, 0), _f("id_number", "510107199507037242", 0.9, 0))
    assert _merge(card, other) is other


def test_values_on_pages_not_photographed_again_come_from_the_new_reading() -> None:
    before = [_f("lessor_name", "张三", 0.99, 1)]
    out = _merge(before, _doc(_f("lessor_name", "张王", 0.5, 1)))
    assert out.value("lessor_name") == "张王"


def test_the_reshoot_list_is_made_again_from_what_is_kept() -> None:
    after = _doc(_f("lessor_name", "于柱号", 0.71, 0), _f("monthly_rent", "2800.00", 0.99, 0))
    assert after.reshoot == ()  # built by hand without a list
    out = _merge([_f("lessor_name", "于柱号", 0.5, 0), _f("monthly_rent", "2800.00", 0.99, 0)], after)
    assert [r.fields for r in out.reshoot if r.page == 0] == [("lessor_name",)]


def test_fields_round_trip_through_stored_json() -> None:
    doc = _doc(_f("lessor_name", "张三", 0.97, 0), Field("monthly_rent", "2800.00", 0.9))
    fields = ExtractedDocument.from_json(doc.to_json()).fields
    assert fields["lessor_name"] == doc.fields["lessor_name"]
    assert fields["monthly_rent"].page is None and fields["monthly_rent"].bbox is None


def test_a_value_still_unread_stays_under_the_page_of_its_label() -> None:
    after = _doc(_f("lessor_name", "张三", 0.97, 0), _f("monthly_rent", "2800.00", 0.99, 0))
    after = ExtractedDocument(after.doc_type, after.fields, after.source, after.pages, unread_on={"lessee_name": 1})
    out = _merge([_f("lessor_name", "张三", 0.9, 0), _f("monthly_rent", "2800.00", 0.99, 0)], after)
    assert [(r.page, r.fields) for r in out.reshoot] == [
        (1, ("lessee_name",)),
        (None, ("property_address",)),
    ]


def _purchase(*fields: Field) -> ExtractedDocument:
    infos = (PageInfo(0, "p0.jpg", 1000, 1400, "px", "ocr:paddle"),)
    return ExtractedDocument("purchase_contract", {f.name: f for f in fields}, ("p0.jpg",), infos)


def _buyer(name: str, conf: float, name_conf: float) -> list[Field]:
    id_number = "320102198510155520"
    return [
        Field("buyers", [{"name": name, "id_number": id_number}], conf, 0, (10.0, 20.0, 110.0, 40.0)),
        _f("buyer_name", name, name_conf, 0),
        _f("buyer_id_number", id_number, 0.96, 0),
        _f("total_price", "979303.20", 0.99, 0),
    ]


def test_the_first_buyer_comes_from_the_same_picture_as_the_buyers_list() -> None:
    """The new picture reads the first buyer's name more surely (0.97) but the list as a whole less surely (its
    ID number is doubtful): weighed apart, buyer_name would name 解桂 while buyers still names 邹桂."""
    before, after = _buyer("邹桂", 0.93, 0.93), _purchase(*_buyer("解桂", 0.90, 0.97))
    required = ("buyer_name", "total_price")
    apart = keep_surer_readings({f.name: f for f in before}, after, replaced={0}, required=required, review_below=0.9)
    assert apart.value("buyer_name") == "解桂" and apart.value("buyers")[0]["name"] == "邹桂"

    groups = {"buyers": ("buyer_name", "buyer_id_number")}
    out = keep_surer_readings(
        {f.name: f for f in before}, after, replaced={0}, required=required, review_below=0.9, groups=groups
    )
    assert out.value("buyer_name") == "邹桂" == out.value("buyers")[0]["name"]
    assert out.fields["buyer_name"].confidence == 0.93
    # The ID number both pictures read alike is no change, and says nothing about an earlier picture.
    assert out.fields["buyer_id_number"].confidence == 0.96
    assert sorted(w.split(":")[0] for w in out.warnings if "earlier picture" in w) == ["buyer_name", "buyers"]


def test_a_surer_buyers_list_in_the_new_picture_brings_its_first_buyer_along() -> None:
    before, after = _buyer("解桂", 0.70, 0.98), _purchase(*_buyer("邹桂", 0.95, 0.95))
    groups = {"buyers": ("buyer_name", "buyer_id_number")}
    out = keep_surer_readings(
        {f.name: f for f in before}, after, replaced={0}, required=("buyer_name",), review_below=0.9, groups=groups
    )
    assert out.value("buyer_name") == "邹桂" == out.value("buyers")[0]["name"] and not out.warnings


def test_purchase_contracts_declare_the_buyer_group() -> None:
    from extractors.registry import extractor_for

    assert extractor_for("purchase_contract").field_groups == {"buyers": ("buyer_name", "buyer_id_number")}
    assert extractor_for("rental_agreement").field_groups == {}
