"""Business types of the provident-fund 2.0 reform."""

from __future__ import annotations

from enum import StrEnum


class Business(StrEnum):
    PURCHASE_WITHDRAWAL = "purchase_withdrawal"  # 购房提取
    RENTAL_WITHDRAWAL = "rental_withdrawal"  # 租房提取
    RESIGNATION_WITHDRAWAL = "resignation_withdrawal"  # 离职销户提取
    RETIREMENT_WITHDRAWAL = "retirement_withdrawal"  # 退休提取
    COMBINATION_LOAN = "combination_loan"  # 组合贷款


BUSINESS_NAMES_ZH: dict[Business, str] = {
    Business.PURCHASE_WITHDRAWAL: "购房提取",
    Business.RENTAL_WITHDRAWAL: "租房提取",
    Business.RESIGNATION_WITHDRAWAL: "离职销户提取",
    Business.RETIREMENT_WITHDRAWAL: "退休提取",
    Business.COMBINATION_LOAN: "组合贷款",
}
