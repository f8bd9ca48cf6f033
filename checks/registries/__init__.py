"""Outside registries behind one interface, and the adapter the settings choose."""

from __future__ import annotations

import threading

from checks.registries.base import (
    SOURCE_NAMES_ZH,
    FactQuery,
    Outcome,
    Registry,
    RegistrySource,
    RegistryUnavailable,
    Verification,
)
from config.settings import ChecksSettings
from domain.errors import ConfigError

__all__ = [
    "SOURCE_NAMES_ZH",
    "FactQuery",
    "Outcome",
    "Registry",
    "RegistrySource",
    "RegistryUnavailable",
    "Verification",
    "configured_registry",
    "registry_from_settings",
]

_cache: dict[tuple, Registry | None] = {}
_lock = threading.Lock()


def registry_from_settings(settings: ChecksSettings) -> Registry | None:
    """The configured adapter, or None when outside checks are switched off (``registry = "none"``)."""
    if settings.registry == "none":
        return None
    if settings.registry == "local":
        from checks.registries.local import LocalRegistry

        if settings.registry_file is None:
            raise ConfigError(
                "checks.registry is 'local' but checks.registry_file is not set",
                message_zh="外部核验配置为本地文件但未设置文件（DOCINTEL_CHECKS__REGISTRY_FILE）",
            )

        return LocalRegistry.from_file(settings.registry_file)
    if not settings.registry_url:
        raise ConfigError(
            "checks.registry is 'http' but checks.registry_url is not set",
            message_zh="外部核验配置为 HTTP 但未设置地址（DOCINTEL_CHECKS__REGISTRY_URL）",
        )
    from checks.registries.remote import HttpRegistry

    return HttpRegistry(
        settings.registry_url,
        timeout_s=settings.registry_timeout_s,
        retries=settings.registry_retries,
        api_key=settings.registry_api_key,
    )


def configured_registry(settings: ChecksSettings) -> Registry | None:
    """The process-wide adapter for these settings: the local file is read once, the HTTP client's connections
    are reused. A changed registry file (new mtime) is read again."""
    stamp = None
    if settings.registry == "local" and settings.registry_file is not None:
        try:
            stamp = settings.registry_file.stat().st_mtime_ns
        except OSError:
            stamp = None  # registry_from_settings raises the clear error
    key = (
        settings.registry,
        str(settings.registry_file),
        stamp,
        settings.registry_url,
        settings.registry_timeout_s,
        settings.registry_retries,
        settings.registry_api_key,
    )
    with _lock:
        if key not in _cache:
            _cache[key] = registry_from_settings(settings)
        return _cache[key]
