"""The console's words: Chinese first, English as a toggle (cookie ``docintel_lang``)."""

from __future__ import annotations

from collections.abc import Callable

from domain.business import BUSINESS_NAMES_ZH, Business
from domain.fields import doc_type_label_zh, label_zh

LANGS = ("zh", "en")

WORDS: dict[str, tuple[str, str]] = {
    "title": ("住房公积金 柜面受理台", "Provident fund counter console"),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "key": ("API 密钥", "API key"),
    "key_hint": ("由管理员用 docintel keys create 生成", "from `docintel keys create`, ask your administrator"),
    "switch_lang": ("English", "中文"),
    "branch": ("网点", "Branch"),
    "role": ("角色", "Role"),
    "cases": ("本网点业务", "Cases of this branch"),
    "no_cases": ("暂无业务", "No cases yet"),
    "new_case": ("新建业务", "New case"),
    "business_type": ("业务类型", "Business type"),
    "business_date": ("业务日期", "Business date"),
    "create": ("创建", "Create"),
    "state": ("状态", "State"),
    "open": ("办理中", "open"),
    "finalized": ("已办结", "finalized"),
    "problems": ("待处理", "Open problems"),
    "applicant": ("申请人", "Applicant"),
    "documents": ("材料", "Documents"),
    "created": ("创建时间", "Created"),
    "errors_n": ("错误", "errors"),
    "warnings_n": ("提示", "warnings"),
    "reshoot_n": ("待重拍", "to reshoot"),
    "passed": ("核验通过", "checks passed"),
    "not_passed": ("核验未通过", "checks not passed"),
    "back": ("返回业务列表", "Back to cases"),
    "upload": ("上传材料", "Upload frames"),
    "upload_hint": (
        "选择或拖入高拍仪照片、扫描件或 PDF；可一次多张，逐张识别",
        "Choose or drop camera frames, scans or PDFs; several at once are read one by one",
    ),
    "choose_files": ("选择文件", "Choose files"),
    "drop_here": ("将文件拖到此处", "Drop files here"),
    "append_to": ("加入到", "Add to"),
    "as_new": ("作为新材料", "a new document"),
    "page_of": ("的下一页", "as its next page"),
    "idle": ("就绪", "Ready"),
    "uploading": ("上传中", "Uploading"),
    "reading": ("识别中", "Reading"),
    "queue": ("服务器排队", "server queue"),
    "done_reading": ("识别完成", "Read"),
    "failed": ("失败", "Failed"),
    "pages": ("材料图像", "Pages"),
    "no_documents": ("尚未上传材料", "No documents yet"),
    "images_hidden": ("当前角色不显示材料图像", "Page images are not shown to this role"),
    "page": ("第 {n} 页", "page {n}"),
    "fields": ("识别结果", "Fields"),
    "field": ("字段", "Field"),
    "value": ("值", "Value"),
    "confidence": ("置信度", "Confidence"),
    "warnings": ("提示", "Warnings"),
    "machine": ("机器识别", "machine"),
    "corrected": ("已更正", "corrected"),
    "reason": ("更正原因", "Reason"),
    "default_reason": ("柜员核对原件更正", "checked against the original by the clerk"),
    "save": ("保存", "Save"),
    "show_box": ("在图上标出", "show on the page"),
    "findings": ("核验结果", "Checks"),
    "no_findings": ("无核验问题", "No findings"),
    "error": ("错误", "error"),
    "warning": ("提示", "warning"),
    "info": ("信息", "info"),
    "reshoot": ("待重拍", "Reshoot"),
    "no_reshoot": ("无需重拍", "Nothing to reshoot"),
    "replace_page": ("重拍此页", "Replace this page"),
    "signature": ("申请人签名", "Applicant's signature"),
    "signature_hint": (
        "请申请人在下方签名区用手写笔、手指或鼠标签名",
        "The applicant signs below with pen, finger or mouse",
    ),
    "signature_pad": ("签名区", "Signature pad"),
    "clear": ("清除", "Clear"),
    "accept": ("确认签名", "Accept signature"),
    "signature_saved": ("已保存的签名", "Signature on file"),
    "no_signature": ("尚未签名", "Not signed yet"),
    "signature_required": ("本业务须签名后办结", "This business needs the signature to finalize"),
    "finalize": ("办结并签章", "Finalize and seal"),
    "finalize_blocked": ("暂不能办结：", "Cannot finalize yet: "),
    "blocker_checks": ("核验未通过", "checks have not passed"),
    "blocker_signature": ("缺少申请人签名", "the applicant has not signed"),
    "blocker_finalized": ("已办结", "already finalized"),
    "blocker_role": ("当前角色无权办结", "this role may not finalize"),
    "trust_flags": ("身份证影像风险提示", "ID card warnings"),
    "flag_photocopy": ("疑似复印件", "looks like a photocopy"),
    "flag_screen_recapture": ("疑似屏幕翻拍", "looks like a photo of a screen"),
    "flag_tampered": ("疑似篡改", "signs of editing"),
    "override_hint": (
        "须核验身份证原件，并填写理由后方可办结（理由将记入审计日志）",
        "Check the original card and give a reason to finalize (the reason is kept in the audit log)",
    ),
    "override_reason": ("办结理由", "Reason to finalize"),
    "override_needed": ("请先填写办结理由", "Give the reason to finalize first"),
    "crops": ("裁剪图", "Crops"),
    "crop_document": ("矫正后图像", "Rectified image"),
    "crop_portrait": ("证件照", "Portrait"),
    "outputs": ("已签章文件", "Signed documents"),
    "application": ("电子申请书", "Application"),
    "receipt": ("电子回单", "Receipt"),
    "not_found": ("未找到", "Not found"),
    "masked_note": ("姓名与证件号码已遮蔽", "Names and ID numbers are masked"),
    "skip": ("跳到主要内容", "Skip to main content"),
    "facts": ("业务信息", "Facts"),
}

DOC_LABELS_EN = {
    "id_card_front": "ID card (photo side)",
    "id_card_back": "ID card (emblem side)",
    "purchase_contract": "Purchase contract",
    "rental_agreement": "Rental agreement",
    "unknown": "Unrecognised",
}


def translator(lang: str) -> Callable[..., str]:
    i = 1 if lang == "en" else 0

    def t(key: str, **kw: object) -> str:
        text = WORDS.get(key, (key, key))[i]
        return text.format(**kw) if kw else text

    return t


def business_label(value: str, lang: str) -> str:
    try:
        business = Business(value)
    except ValueError:
        return value
    return business.value.replace("_", " ") if lang == "en" else BUSINESS_NAMES_ZH[business]


def doc_label(value: str, lang: str) -> str:
    return DOC_LABELS_EN.get(value, value) if lang == "en" else doc_type_label_zh(value)


def field_label(name: str, lang: str) -> str:
    return name.replace("_", " ") if lang == "en" else label_zh(name)


def businesses() -> list[str]:
    return [b.value for b in Business]
