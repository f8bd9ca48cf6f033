"""One aiohttp session per signing or verification call, shared by the TSA client and the OCSP/CRL fetchers.

pyHanko otherwise opens a session per request, and each builds an SSL context from certifi's bundle (about 50 ms
of CPU every time, even for plain-HTTP OCSP and TSA URLs); the context is built once per process here.
"""

from __future__ import annotations

import ssl
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def ssl_context() -> ssl.SSLContext:
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def new_session() -> Any:
    """A client session; the caller closes it (``async with``). Must be created inside the running event loop."""
    import aiohttp

    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ssl_context()))


def with_session(timestamper: Any, session: Any) -> Any:
    """The same HTTP timestamper, bound to ``session``; any other timestamper as it is."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    if type(timestamper) is not HTTPTimeStamper:
        return timestamper
    return HTTPTimeStamper(
        timestamper.url,
        timeout=timestamper.timeout,
        auth=timestamper.auth,
        headers=timestamper.headers,
        session=session,
    )
