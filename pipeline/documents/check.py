"""Check use case: the documents of one case → extraction (unless already extracted) → rules → report.

``docintel check`` and the case API both come here; the rules themselves live in ``checks/``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks.business import parse_business
from checks.engine import parse_business_date, run_checks
from checks.facts import CaseFacts
from checks.registries import Registry, configured_registry
from config.settings import Settings, get_settings
from domain.business import Business
from domain.errors import InputError
from domain.models import CheckReport, ExtractedDocument
from extractors.engines import LazyEngine, OcrEngine
from pipeline.documents.extract import InputFile, extract_files

log = logging.getLogger(__name__)

# Files of a directory that are pages; anything else there (a notes.txt, .DS_Store) is ignored.
PAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"})


@dataclass(frozen=True)
class DocumentInput:
    """One document of a case: a single file (an image, a PDF, a TIFF), or the page images of one document."""

    files: tuple[InputFile, ...]
    pages_of_one: bool = False  # True for a directory: every file is a page of the same document


@dataclass(frozen=True)
class CaseCheckResult:
    report: CheckReport
    documents: tuple[ExtractedDocument, ...]
    timing_ms: Mapping[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``docintel check`` object: business, business date, documents, findings, passed, timing."""
        body = self.report.to_json([d.to_json() for d in self.documents])
        body["timing_ms"] = {k: round(v, 1) for k, v in self.timing_ms.items()}
        return body


def _natural_key(name: str) -> list[Any]:
    # page2 before page10, as a person reads names
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _read_file(path: Path) -> InputFile:
    try:
        return InputFile(str(path), path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{path} does not exist", message_zh=f"文件不存在：{path.name}") from None
    except PermissionError:
        raise InputError(
            f"{path} cannot be read (permission denied)", message_zh=f"无权读取文件：{path.name}"
        ) from None
    except IsADirectoryError:  # pragma: no cover - callers route directories elsewhere
        raise InputError(f"{path} is a directory", message_zh="路径是目录") from None


def read_document(path: Path) -> DocumentInput:
    """A file is one document; a directory's images, in name order, are the pages of one document."""
    if path.is_dir():
        pages = sorted(
            (
                p
                for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in PAGE_SUFFIXES
            ),
            key=lambda p: _natural_key(p.name),
        )
        if not pages:
            raise InputError(
                f"directory {path} holds no page images ({', '.join(sorted(PAGE_SUFFIXES))})",
                message_zh=f"目录 {path.name} 中没有图像页面",
            )
        return DocumentInput(tuple(_read_file(p) for p in pages), pages_of_one=True)
    return DocumentInput((_read_file(path),))


def extract_case_documents(
    inputs: Sequence[DocumentInput], *, engine: OcrEngine, settings: Settings
) -> list[ExtractedDocument]:
    """Every document of the case in input order. A single camera frame holding both sides of an ID card becomes
    two documents, as ``docintel extract`` would make it."""
    documents: list[ExtractedDocument] = []
    for item in inputs:
        documents.extend(
            extract_files(list(item.files), one_document=item.pages_of_one, engine=engine, settings=settings)
        )
    return documents


def check_documents(
    documents: Sequence[ExtractedDocument],
    *,
    business: Business | str,
    business_date: dt.date | str | None = None,
    facts: CaseFacts | Mapping[str, object] | None = None,
    settings: Settings | None = None,
    registry: Registry | None = None,
) -> CheckReport:
    """Rules over documents already extracted (a stored case, with the clerk's corrections applied).
    ``registry`` defaults to the configured one (``checks.registry``; "none" asks no registry)."""
    settings = settings or get_settings()
    return run_checks(
        business=business,
        documents=documents,
        business_date=business_date,
        facts=CaseFacts.from_mapping(facts),
        registry=registry if registry is not None else configured_registry(settings.checks),
        settings=settings.checks,
    )


def check_case(
    *,
    business: Business | str,
    inputs: Sequence[DocumentInput],
    business_date: dt.date | str | None = None,
    facts: CaseFacts | Mapping[str, object] | None = None,
    engine: OcrEngine | None = None,
    engine_name: str | None = None,
    settings: Settings | None = None,
    registry: Registry | None = None,
) -> CaseCheckResult:
    """Extract each document, then check them together. Bad input (business, date, facts) fails before any OCR.
    Without ``engine`` the one named (default: configured) is loaded here, and its load time is reported."""
    settings = settings or get_settings()
    business = parse_business(business)
    day = parse_business_date(business_date)
    case_facts = CaseFacts.from_mapping(facts)
    registry = registry if registry is not None else configured_registry(settings.checks)
    t0 = time.perf_counter()
    # Loaded when the first page needs OCR, so a file that cannot be read is refused without loading models.
    engine = engine or LazyEngine(engine_name, settings=settings.ocr)
    t1 = time.perf_counter()
    documents = extract_case_documents(inputs, engine=engine, settings=settings)
    t2 = time.perf_counter()
    load_ms = engine.load_ms if isinstance(engine, LazyEngine) else 0.0
    report = run_checks(
        business=business,
        documents=documents,
        business_date=day,
        facts=case_facts,
        registry=registry,
        settings=settings.checks,
    )
    t3 = time.perf_counter()
    timing = {
        "engine_load": (t1 - t0) * 1000 + load_ms,
        "extract": (t2 - t1) * 1000 - load_ms,
        "checks": (t3 - t2) * 1000,
    }
    timing["total"] = (t3 - t0) * 1000
    return CaseCheckResult(report, tuple(documents), timing)
