"""Field names in the clerk's language, for hints, findings and review lists."""

from __future__ import annotations

FIELD_LABELS_ZH: dict[str, str] = {
    "name": "姓名",
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "address": "住址",
    "id_number": "公民身份号码",
    "issuing_authority": "签发机关",
    "valid_from": "有效期限起始日期",
    "valid_until": "有效期限截止日期",
    "contract_number": "合同编号",
    "seller_name": "出卖人",
    "buyer_name": "买受人姓名",
    "buyer_id_number": "买受人证件号码",
    "buyers": "买受人",
    "property_address": "房屋坐落",
    "total_price": "总价款",
    "signing_date": "签订日期",
    "lessor_name": "出租人姓名",
    "lessor_id_number": "出租人证件号码",
    "lessee_name": "承租人姓名",
    "lessee_id_number": "承租人证件号码",
    "monthly_rent": "月租金",
    "lease_start": "租赁起始日期",
    "lease_end": "租赁截止日期",
    "lease_term_months": "租赁期限（月）",
    "floor_area": "建筑面积",
    "unit_price": "单价",
    "total_price_in_words": "总价款（大写）",
    "monthly_rent_in_words": "月租金（大写）",
}


def label_zh(field: str) -> str:
    return FIELD_LABELS_ZH.get(field, field)
