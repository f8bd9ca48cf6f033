"""The RFC 3161 time-stamping client for B-T and above (and the B-LTA document timestamp)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from domain.errors import ConfigError

if TYPE_CHECKING:
    from pyhanko.sign.timestamps import HTTPTimeStamper

DEFAULT_TIMEOUT_S = 10.0


def build_timestamper(url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> HTTPTimeStamper:
    from pyhanko.sign.timestamps import HTTPTimeStamper

    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"TSA URL {url!r} is not an http(s) URL", message_zh="时间戳服务地址无效")
    return HTTPTimeStamper(url, timeout=int(max(1, timeout_s)))
