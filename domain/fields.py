"""Field and document-type names in the clerk's language: ONE table, used by findings, reshoot hints, review lists
and the signed application and receipt, so a field is named the same way everywhere.

Where the paper prints a label, the label is the paper's (公民身份号码, 签发机关, 出卖人, 房屋坐落, 建筑面积, 总价款);
where one printed label covers two fields (the card's 有效期限 holds both dates), the printed label is kept and
qualified. Units are not part of a label: ``FIELD_UNITS_ZH`` holds them for places that print values.
"""

from __future__ import annotations

import re

from domain.models import DocType

FIELD_LABELS_ZH: dict[str, str] = {
    # 居民身份证 人像面 / 国徽面
    "name": "姓名",
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "address": "住址",
    "id_number": "公民身份号码",
    "issuing_authority": "签发机关",
    "valid_from": "有效期限起始日期",
    "valid_until": "有效期限截止日期",
    # 购房合同
    "contract_number": "合同编号",
    "seller_name": "出卖人",
    "buyer_name": "买受人姓名",
    "buyer_id_number": "买受人证件号码",
    "buyers": "买受人",
    "property_address": "房屋坐落",
    "floor_area": "建筑面积",
    "unit_price": "单价",
    "total_price": "总价款",
    "total_price_in_words": "总价款（大写）",
    "signing_date": "签订日期",
    # 房屋租赁合同
    "lessor_name": "出租人姓名",
    "lessor_id_number": "出租人证件号码",
    "lessee_name": "承租人姓名",
    "lessee_id_number": "承租人证件号码",
    "monthly_rent": "月租金",
    "monthly_rent_in_words": "月租金（大写）",
    "total_rent": "租金总额",
    "lease_start": "租赁起始日期",
    "lease_end": "租赁截止日期",
    "lease_term_months": "租赁期限",
    # what the clerk types in (checks.facts.CaseFacts)
    "bank_card_number": "银行卡号",
    "bank_name": "开户银行",
}

FIELD_UNITS_ZH: dict[str, str] = {
    "floor_area": "平方米",
    "unit_price": "元/平方米",
    "total_price": "元",
    "monthly_rent": "元",
    "total_rent": "元",
    "lease_term_months": "个月",
}

DOC_TYPE_LABELS_ZH: dict[str, str] = {
    DocType.ID_CARD_FRONT.value: "居民身份证人像面",
    DocType.ID_CARD_BACK.value: "居民身份证国徽面",
    DocType.PURCHASE_CONTRACT.value: "购房合同",
    DocType.RENTAL_AGREEMENT.value: "房屋租赁合同",
    "bank_card": "银行卡",
    DocType.UNKNOWN.value: "未识别材料",
}


def label_zh(field: str) -> str:
    """The Chinese label of a field; a repeated group's member (``buyers[1].id_number``) is named by both."""
    if field in FIELD_LABELS_ZH:
        return FIELD_LABELS_ZH[field]
    m = _MEMBER.fullmatch(field)
    if m and m["group"] in FIELD_LABELS_ZH:
        member = FIELD_LABELS_ZH.get(m["member"], m["member"]) if m["member"] else ""
        return f"{FIELD_LABELS_ZH[m['group']]}{int(m['index']) + 1}{member}"
    return field


def doc_type_label_zh(doc_type: str) -> str:
    return DOC_TYPE_LABELS_ZH.get(doc_type, doc_type)


def value_with_unit_zh(field: str, text: str) -> str:
    unit = FIELD_UNITS_ZH.get(field)
    return f"{text} {unit}" if unit and text not in ("", "—") else text


_MEMBER = re.compile(r"(?P<group>[a-z_]+)\[(?P<index>\d+)\](?:\.(?P<member>[a-z_]+))?")
# A field or document-type name inside free text (an extractor's warning), e.g. "valid_from/valid_until: …".
_NAME_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z_]*(?:\[\d+\](?:\.[a-z_]+)?)?(?![A-Za-z0-9_])")


def warning_zh(text: str) -> str:
    """An extractor warning for a reader of Chinese: the Chinese half of an ``english / 中文`` warning, else the
    text with every field and document-type name replaced by its label."""
    if " / " in text:
        tail = text.rsplit(" / ", 1)[1]
        if re.search(r"[\u4e00-\u9fff]", tail):
            return tail
    return _NAME_IN_TEXT.sub(lambda m: _name_zh(m.group(0)), text.replace("not found", "未识别到"))


def _name_zh(name: str) -> str:
    if name in DOC_TYPE_LABELS_ZH:
        return DOC_TYPE_LABELS_ZH[name]
    return label_zh(name)
