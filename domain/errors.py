"""One exception hierarchy, mapped once: to problem+json by the API and to an exit code by the CLI.

Every error carries a stable machine code, an HTTP status, a process exit code and a message in Chinese
(for the clerk) and English (for the engineer). Messages never contain personal data.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DocintelError(Exception):
    code: ClassVar[str] = "internal_error"
    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    default_zh: ClassVar[str] = "内部错误"

    def __init__(self, message: str, *, message_zh: str | None = None, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or self.default_zh
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "status": self.http_status,
            "message": self.message,
            "message_zh": self.message_zh,
            **({"detail": self.detail} if self.detail else {}),
        }

    def one_line(self) -> str:
        return f"{self.code}: {self.message} ({self.message_zh})"


# --- bad input: the caller can fix it (exit 2, HTTP 4xx) -------------------------------------------
class InputError(DocintelError):
    code = "bad_input"
    http_status = 400
    exit_code = 2
    default_zh = "输入有误"


class EmptyFile(InputError):
    code = "empty_file"
    default_zh = "文件为空"


class UnsupportedFileType(InputError):
    code = "unsupported_file_type"
    http_status = 415
    default_zh = "不支持的文件类型"


class CorruptFile(InputError):
    code = "corrupt_file"
    http_status = 422
    default_zh = "文件已损坏或不完整，请重新拍摄或上传"


class FileTooLarge(InputError):
    code = "file_too_large"
    http_status = 413
    default_zh = "文件过大"


class ImageTooLarge(InputError):
    code = "image_too_large"
    http_status = 413
    default_zh = "图像像素过多"


class TooManyPages(InputError):
    code = "too_many_pages"
    http_status = 413
    default_zh = "页数过多"


class PageTooLarge(InputError):
    code = "page_too_large"
    http_status = 413
    default_zh = "页面尺寸过大"


class EncryptedPdf(InputError):
    code = "encrypted_pdf"
    http_status = 422
    default_zh = "PDF 已加密，无法读取"


class UnsafeArchive(InputError):
    code = "unsafe_archive"
    http_status = 400
    default_zh = "压缩包不安全或格式不符"


class TooComplex(InputError):
    """A file whose reading would take more memory, CPU time or wall time than its budget (a content-stream
    bomb, a decoder that runs away): refused, and the work that was started on it is killed."""

    code = "too_complex"
    http_status = 422
    default_zh = "文件过于复杂，超出处理限额，请重新导出或拆分后上传"


class UnknownDocType(InputError):
    code = "unknown_doc_type"
    http_status = 422
    default_zh = "未知的材料类型"


class UnknownBusiness(InputError):
    code = "unknown_business"
    http_status = 422
    default_zh = "未知的业务类型"


class CaseIncomplete(InputError):
    code = "case_incomplete"
    http_status = 409
    default_zh = "材料不齐，无法办结"


class NotFound(InputError):
    code = "not_found"
    http_status = 404
    default_zh = "未找到"


class Conflict(InputError):
    code = "conflict"
    http_status = 409
    default_zh = "请求冲突"


class Unauthorized(InputError):
    code = "unauthorized"
    http_status = 401
    default_zh = "未授权：缺少或无效的 API 密钥"


class Forbidden(InputError):
    code = "forbidden"
    http_status = 403
    default_zh = "无权执行此操作"


# --- the installation is wrong: an operator must fix it (exit 3) -------------------------------------
class ConfigError(DocintelError):
    code = "config_error"
    exit_code = 3
    default_zh = "配置错误"


class ModelsMissing(ConfigError):
    code = "models_missing"
    http_status = 503
    default_zh = "OCR 模型缺失"


class SignerUnavailable(ConfigError):
    code = "signer_unavailable"
    http_status = 503
    default_zh = "签章服务不可用"


# --- something outside us failed: retry later (exit 4, HTTP 503) ---------------------------------------
class ExternalServiceError(DocintelError):
    code = "external_service_error"
    http_status = 503
    exit_code = 4
    default_zh = "外部服务暂不可用，请稍后重试"
