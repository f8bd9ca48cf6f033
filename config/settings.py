"""All settings in one pydantic-settings class with nested groups.

Environment variables use the prefix ``DOCINTEL_`` and ``__`` between group and field, e.g.
``DOCINTEL_OCR__ENGINE=rapidocr`` or ``DOCINTEL_STORAGE__DATABASE_URL=postgresql+psycopg2://…``.
Defaults are the embedded, single-machine setup; production changes settings only, never code.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _var() -> Path:
    return Path(os.environ.get("DOCINTEL_VAR_DIR", PROJECT_ROOT / "var"))


class OcrSettings(BaseModel):
    engine: str = Field(
        "paddle", description="OCR engine by registry name: paddle | rapidocr | tesseract | onnx-batched | torch-cuda"
    )
    model_dir: Path = Field(default_factory=lambda: _var() / "models", description="assembled model folders")
    threads: int = Field(0, ge=0, description="inference threads per session; 0 = the cores shared among the sessions")
    det_limit_side_len: int = Field(960, ge=320, le=4000, description="longest side fed to text detection")
    review_below: float = Field(
        0.9,
        ge=0.0,
        le=1.0,
        description="a field read below this confidence is listed for the clerk to check or reshoot",
    )
    # Batched engines (onnx-batched, torch-cuda): bulk workers reading pages of many documents at once.
    device: str = Field("cuda", description="torch-cuda: the CUDA device, e.g. cuda or cuda:1")
    batch_pages: int = Field(8, ge=1, le=256, description="batched engines: most pages per detection batch")
    batch_lines: int = Field(128, ge=1, le=4096, description="batched engines: most text lines per recognition batch")
    batch_wait_ms: float = Field(
        20.0, ge=0, le=5000, description="batched engines: how long a page waits for others to share its batch"
    )
    batch_cpu_threads: int = Field(0, ge=0, description="batched engines: threads for pre/post-processing; 0 = cores")
    sessions: int = Field(
        0, ge=0, description="inference sessions per process, one per concurrent reader (no lock); 0 = cores, at most 4"
    )
    spin_threads: bool = Field(
        False, description="ONNX Runtime threads spin while idle (faster on an idle machine, slower on a busy one)"
    )
    rec_batch: int = Field(6, ge=1, le=256, description="text lines per recognition batch (sorted by width)")
    rec_box_scale: float = Field(
        1.3,
        ge=1.0,
        le=2.0,
        description="each detected line is recognised in a box this many times its height (fewer columns, docs/speed.md)",
    )


class TrustSettings(BaseModel):
    """Is it the real card? Each warning is raised when its score (0-1, capture/trust/) reaches its threshold.
    Defaults tuned on generated attacks, held-out variants measured apart (bench/trust.py, docs/trust.md)."""

    enabled: bool = Field(True, description="compute the photocopy/screen/tamper/occlusion/border warnings")
    photocopy: float = Field(0.5, ge=0, le=1, description="score at which a card is flagged as a photocopy")
    screen_recapture: float = Field(
        0.5, ge=0, le=1, description="score at which a card is flagged as shot off a screen"
    )
    tampered: float = Field(
        0.5, ge=0, le=1, description="score at which an ID card front is flagged as possibly edited"
    )
    occluded: float = Field(0.5, ge=0, le=1, description="score at which something is flagged as covering a field")
    border_incomplete: float = Field(
        0.5, ge=0, le=1, description="score at which the card's border is flagged as cut off or covered"
    )


class CaptureSettings(BaseModel):
    max_upload_bytes: int = Field(40 * 1024 * 1024, description="largest accepted file")
    max_pixels: int = Field(60_000_000, description="largest decoded image (w*h); stops decompression bombs")
    max_side_px: int = Field(4096, description="frames larger than this are downscaled before analysis")
    max_pages: int = Field(200, description="most pages per PDF or TIFF")
    pdf_raster_dpi: int = Field(200, ge=72, le=600, description="DPI for rasterising scanned PDF pages")
    max_page_mm: float = Field(1500.0, description="largest PDF page side in millimetres")
    pdf_max_raster_side_px: int = Field(6000, ge=500, description="longest side of a rasterised PDF page")
    pdf_min_text_chars: int = Field(20, ge=1, description="letters/digits/CJK a PDF page needs to skip OCR")
    pdf_text_over_image_chars: int = Field(
        200, ge=1, description="on a page mostly covered by images, text needed to trust the layer over OCR"
    )
    # --- hard bounds on reading untrusted files (capture/isolate.py, capture/pdf_budget.py) ---
    isolation: Literal["process", "none"] = Field(
        "process", description="read PDFs and TIFFs in a limited child process (none: in-process, trusted input only)"
    )
    isolate_memory_mb: int = Field(
        2048, ge=256, description="address space (RLIMIT_AS) the child reading one file may add to its ~430 MB start"
    )
    isolate_cpu_s: int = Field(45, ge=1, description="CPU seconds (RLIMIT_CPU) of the child reading one file")
    isolate_wall_s: float = Field(55.0, gt=0, description="wall seconds before the child reading one file is killed")
    pdf_max_objects: int = Field(200_000, ge=100, description="most objects in one PDF")
    pdf_max_content_mb: int = Field(
        16, ge=1, description="page content and other non-image, non-font streams of one PDF, inflated"
    )
    pdf_max_font_mb: int = Field(192, ge=1, description="embedded fonts of one PDF, inflated")
    pdf_max_image_mb: int = Field(1536, ge=1, description="Flate-compressed images of one PDF, inflated")
    trust: TrustSettings = Field(default_factory=TrustSettings)


class CropSettings(BaseModel):
    """Crops of the rectified card or page and of the ID card's portrait (issue 20): how large they are kept."""

    max_side_px: int = Field(1024, ge=64, le=4096, description="longest side of a crop as returned and stored")
    jpeg_quality: int = Field(85, ge=30, le=100, description="JPEG quality of crops")
    max_pages: int = Field(
        10, ge=1, le=200, description="pages of one document that get crops (a long scanned contract stops there)"
    )


class ChecksSettings(BaseModel):
    registry: Literal["local", "http", "none"] = Field(
        "none",
        description="outside registries: local file, HTTP, or off (default: not consulted, and the report says so)",
    )
    registry_file: Path | None = Field(
        None,
        description="local registry: a JSON file or a SQLite database with a registry_records table "
        "(the demo and the tests use samples/registry/registry.json)",
    )
    registry_url: str | None = Field(None, description="HTTP registry gateway base URL")
    registry_api_key: str | None = Field(None, repr=False, description="bearer token for the HTTP registry")
    registry_timeout_s: float = Field(3.0, gt=0, description="per-request timeout")
    registry_retries: int = Field(2, ge=0, le=5, description="extra tries after a timeout, connection error or 5xx")
    registry_unavailable_severity: Literal["error", "warning"] = Field(
        "warning", description="severity of the INDETERMINATE finding when a registry cannot be asked"
    )
    duplicate_phash_distance: int = Field(
        6, ge=0, le=32, description="most differing bits between page hashes of one paper photographed twice"
    )


class SigningSettings(BaseModel):
    backend: Literal["dev", "pkcs12", "pkcs11"] = "dev"
    dev_pki_dir: Path = Field(default_factory=lambda: _var() / "pki")
    pkcs12_path: Path | None = None
    pkcs12_passphrase: str | None = Field(None, repr=False)
    pkcs12_passphrase_file: Path | None = None
    pkcs11_module: Path | None = None
    pkcs11_token_label: str | None = None
    pkcs11_pin: str | None = Field(None, repr=False)
    pkcs11_key_label: str | None = None
    pkcs11_cert_label: str | None = None
    tsa_url: str | None = None
    trust_roots: list[Path] = Field(default_factory=list)
    default_level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-LTA"
    font_path: Path = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    # --- added by signing/ (keys, TSA, verification) ---
    pkcs11_pin_file: Path | None = Field(None, description="file holding the PKCS#11 user PIN (first line)")
    pkcs11_cert_path: Path | None = Field(None, description="signing certificate file, if not stored on the token")
    extra_cert_paths: list[Path] = Field(
        default_factory=list, description="intermediate CA certificates to embed (PEM/DER), for PKCS#11 keys"
    )
    dev_signer: Literal["signer", "signer-revoked", "signer-expired"] = Field(
        "signer", description="which dev PKI certificate signs (TEST ONLY; the others exist for tests)"
    )
    trust_dev_pki: bool | None = Field(
        None, description="trust the TEST-ONLY dev root when verifying; default: only with the dev backend outside prod"
    )
    verify_allow_fetching: bool = Field(True, description="fetch OCSP/CRL online when a file's own data is not enough")
    tsa_timeout_s: float = Field(10.0, gt=0)
    reason: str = "住房公积金业务电子签章"
    location: str | None = None
    time_zone: str = Field(
        "Asia/Shanghai", description="the fund's time zone (IANA name): times printed on the PDFs and the seal"
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; an IANA name such as Asia/Shanghai") from None
        return value


class StorageSettings(BaseModel):
    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{_var() / 'docintel.db'}",
        description="SQLAlchemy URL: sqlite:///path (WAL) or postgresql+psycopg2://user:pass@host/db",
    )
    auto_migrate: bool = Field(True, description="apply Alembic migrations at start-up (embedded setup)")
    sqlite_busy_timeout_ms: int = Field(30_000, ge=0, description="how long a SQLite writer waits for the lock")
    pool_size: int = Field(10, ge=1, description="connections per process (PostgreSQL)")
    blob_dir: Path = Field(default_factory=lambda: _var() / "blobs")
    blob_backend: Literal["local", "s3"] = "local"
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_prefix: str = Field("blobs/", description="key prefix inside the bucket")
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = Field(None, repr=False)
    s3_secret_access_key: str | None = Field(None, repr=False)


class JobsSettings(BaseModel):
    """Packages and bulk reprocessing on Celery. The database holds every job's state; the broker only carries
    wake-ups, so a lost message or a killed worker costs a delay, never a document."""

    broker_url: str = Field(
        default_factory=lambda: f"sqla+sqlite:///{_var() / 'broker.db'}",
        description="embedded: sqla+sqlite:///path (no server); at scale: redis://host:6379/0",
    )
    result_backend: str | None = Field(None, description="Celery results are not used: job state lives in the DB")
    task_soft_time_limit_s: int = Field(300, ge=1, description="a task past this fails its document (clean stop)")
    task_time_limit_s: int = Field(360, ge=2, description="a task past this has its process killed")
    max_tasks_per_child: int = Field(200, ge=1, description="a worker process is replaced after this many tasks")
    max_memory_per_child_mb: int = Field(
        2048, ge=0, description="a worker process is replaced once its resident memory passes this; 0 = no limit"
    )
    prefetch_multiplier: int = Field(1, ge=1, description="messages reserved per process; 1 suits long CPU tasks")
    concurrency: int = Field(1, ge=1, description="worker processes per `docintel worker`")
    chunk_size: int = Field(10, ge=1, le=1000, description="documents per reprocessing task")
    lease_s: float = Field(60.0, gt=0, description="a claimed item with no heartbeat for this long is run again")
    heartbeat_s: float = Field(10.0, gt=0, description="how often a running task renews its lease")
    sweep_interval_s: float = Field(15.0, gt=0, description="how often a worker looks for lost work")
    requeue_after_s: float = Field(
        3600.0, gt=0, description="queued work not started after this long is sent again (its message was lost)"
    )
    max_attempts: int = Field(3, ge=1, description="runs of one item (worker lost, hard time limit) before it fails")
    max_retries: int = Field(5, ge=0, description="retries of a transient error (database busy, store unreachable)")
    retry_backoff_s: float = Field(2.0, gt=0, description="first retry delay; doubles up to retry_backoff_max_s")
    retry_backoff_max_s: float = Field(300.0, gt=0)
    visibility_timeout_s: int = Field(
        0, ge=0, description="Redis: an unacked message is redelivered after this; 0 = task_time_limit_s + 60"
    )
    broker_poll_interval_s: float = Field(
        0.1, gt=0, description="embedded broker: how often an idle worker looks for messages (it has no push)"
    )
    ocr_queue: str = Field("docintel.ocr", description="queue of the per-file and per-chunk tasks (CPU heavy)")
    control_queue: str = Field("docintel.control", description="queue of job bookkeeping and callbacks (light)")
    max_package_bytes: int = Field(200 * 1024 * 1024, ge=1, description="largest package upload (zip or files)")
    max_package_files: int = Field(200, ge=1, description="most files in one package")
    max_inflated_bytes: int = Field(512 * 1024 * 1024, ge=1, description="most bytes a package may inflate to")
    max_compression_ratio: float = Field(100.0, gt=1, description="inflated/compressed above this is a zip bomb")
    callback_secret: str | None = Field(None, repr=False, description="HMAC-SHA256 key of job callbacks")
    callback_timeout_s: float = Field(10.0, gt=0)
    callback_max_attempts: int = Field(8, ge=1, description="tries of a job callback before it is given up")
    callback_backoff_s: float = Field(2.0, gt=0, description="first retry delay of a callback; doubles, max 5 min")
    callback_allow_private: bool = Field(
        False, description="allow callback URLs on loopback/private addresses (dev and tests only)"
    )


class ApiSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    request_timeout_s: float = Field(60.0, gt=0, description="longest a request may wait for OCR or signing")
    ocr_pool_size: int = Field(0, ge=0, description="OCR worker threads; 0 = number of cores")
    ocr_queue_limit: int = Field(64, ge=1, description="OCR jobs waiting or running before new ones get 503")
    max_request_bytes: int = Field(
        0, ge=0, description="largest request body; 0 = capture.max_upload_bytes plus 1 MiB for the form"
    )
    header_timeout_s: float = Field(
        10.0, gt=0, description="a request's line and headers must arrive within this (slow clients are cut off)"
    )
    max_header_bytes: int = Field(16 * 1024, ge=1024, description="largest request line plus headers")
    keep_alive_s: int = Field(5, ge=1, description="an idle kept-alive connection is closed after this")
    finalize_lease_s: float = Field(
        180.0, gt=0, description="a finalize claim older than this (its process died) is taken over by a new call"
    )
    finalize_override_flags: list[str] = Field(
        default_factory=lambda: ["photocopy", "screen_recapture"],
        description="quality issue codes on an ID card page that block finalize unless the clerk overrides with a reason",
    )
    override_reason_max_chars: int = Field(500, ge=10, le=4000, description="longest override reason accepted")


class ConsoleSettings(BaseModel):
    """The clerk's console under /console/ (issue 18)."""

    session_secret: str | None = Field(
        None, repr=False, description="signs console cookies; unset: a random secret kept in var_dir/console_secret"
    )
    session_ttl_s: int = Field(8 * 3600, ge=60, description="a console login lasts this long (one counter shift)")
    secure_cookie: bool = Field(False, description="mark console cookies Secure (behind HTTPS)")
    unmask_roles: list[str] = Field(
        default_factory=lambda: ["counter", "admin"],
        description="roles that see names and ID numbers unmasked on the case page (each view is audited)",
    )
    signature_required_for: list[str] = Field(
        default_factory=lambda: [
            "purchase_withdrawal",
            "rental_withdrawal",
            "resignation_withdrawal",
            "retirement_withdrawal",
            "combination_loan",
        ],
        description="business types the console finalizes only with the applicant's handwritten signature",
    )
    max_signature_bytes: int = Field(2 * 1024 * 1024, ge=1024, description="largest signature PNG accepted")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCINTEL_", env_nested_delimiter="__", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    var_dir: Path = Field(default_factory=_var)
    log_level: str = "INFO"
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    capture: CaptureSettings = Field(default_factory=CaptureSettings)
    crops: CropSettings = Field(default_factory=CropSettings)
    checks: ChecksSettings = Field(default_factory=ChecksSettings)
    signing: SigningSettings = Field(default_factory=SigningSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    jobs: JobsSettings = Field(default_factory=JobsSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
