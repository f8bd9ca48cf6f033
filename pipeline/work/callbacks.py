"""Telling a caller its job has ended: an HMAC-signed POST to the callback URL it gave, retried with backoff.

The body is a summary without personal data (the caller reads the documents with ``GET /v1/jobs/{id}`` and its key).
Headers, like Stripe's and GitHub's webhooks:

    X-Docintel-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>
    X-Docintel-Job: <job id>
    X-Docintel-Delivery: <job id>:<attempt>

A receiver checks the signature with ``verify_signature`` (or its own three lines) and rejects stale timestamps.
Network errors, 5xx, 408 and 429 are retried (delay doubling from ``callback_backoff_s``, at most 5 minutes, up to
``callback_max_attempts``); any other answer ends the deliveries. Callback URLs must be http(s) and, unless
``callback_allow_private``, resolve to public addresses only, so a caller cannot make the service call inside the
network it runs in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import random
import secrets
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import update

from config.settings import Settings
from domain.errors import ConfigError, InputError
from storage.db import Database
from storage.jobs_models import Job
from storage.models import utcnow

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Docintel-Signature"
MAX_BACKOFF_S = 300.0  # below Redis's visibility timeout, so a delayed retry is never delivered twice
_RETRY_STATUS = {408, 429}


class BadCallbackUrl(InputError):
    code = "bad_callback_url"
    http_status = 422
    default_zh = "回调地址无效"


def callback_secret(settings: Settings) -> bytes:
    """The configured key; outside production, one generated on first use under var/ (mode 0600)."""
    if settings.jobs.callback_secret:
        return settings.jobs.callback_secret.encode()
    if settings.env == "prod":
        raise ConfigError(
            "jobs.callback_secret is not set; callbacks cannot be signed",
            message_zh="未配置回调签名密钥（jobs.callback_secret）",
        )
    path = Path(settings.var_dir) / "callback.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def sign(secret: bytes, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: bytes, body: bytes, header: str, *, tolerance_s: float = 300.0) -> bool:
    """True if ``header`` signs ``body`` with ``secret`` and its timestamp is within ``tolerance_s`` of now."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)


def _address_is_public(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return True  # cannot resolve now: delivery will fail and retry; nothing private is reached
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if not ip.is_global or ip.is_multicast:
            return False
    return True


def check_callback_url(url: str | None, *, settings: Settings) -> str | None:
    """The URL if acceptable (BadCallbackUrl otherwise); checked at submission and again before each delivery."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    if len(url) > 2000:
        raise BadCallbackUrl("callback URL is longer than 2000 characters", message_zh="回调地址过长")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadCallbackUrl("callback URL must be an absolute http(s) URL", message_zh="回调地址须为 http(s) 绝对地址")
    if parts.username or parts.password:
        raise BadCallbackUrl("callback URL must not carry credentials", message_zh="回调地址不能包含用户名或密码")
    if not settings.jobs.callback_allow_private and not _address_is_public(parts.hostname):
        raise BadCallbackUrl(
            "callback URL resolves to a private, loopback or reserved address",
            message_zh="回调地址指向内网或保留地址，不允许",
        )
    return url


def callback_body(job: Job, *, done: int, failed: int) -> dict:
    return {
        "job_id": job.id,
        "kind": job.kind,
        "state": job.state,
        "progress": {"done": done, "total": job.total, "failed": failed},
        "case_id": job.case_id,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "href": f"/v1/jobs/{job.id}",
    }


def backoff_s(attempt: int, *, base_s: float) -> float:
    delay = min(base_s * 2 ** max(attempt - 1, 0), MAX_BACKOFF_S)
    return delay * random.uniform(0.9, 1.1)  # spread retries of many jobs


@dataclass(frozen=True)
class Delivery:
    state: str  # delivered | pending | failed | none
    attempt: int
    retry_in_s: float | None = None
    error: str | None = None


def deliver_callback(db: Database, *, job_id: str, settings: Settings) -> Delivery:
    """One try at delivering the job's callback; records the outcome and says when to try again."""
    import httpx

    from pipeline.work.job_store import counts

    with db.session() as s:
        job = s.get(Job, job_id)
        if job is None or job.callback_state != "pending" or not job.callback_url:
            return Delivery("none", job.callback_attempts if job else 0)
        c = counts(s, job.id)
        body = json.dumps(callback_body(job, done=c.get("done", 0), failed=c.get("failed", 0))).encode()
        url = job.callback_url
        attempt = job.callback_attempts + 1
        # Take this attempt, so two copies of the same message never post at once.
        busy_until = utcnow() + dt.timedelta(seconds=settings.jobs.callback_timeout_s + settings.jobs.lease_s)
        taken = s.execute(
            update(Job)
            .where(Job.id == job_id, Job.callback_state == "pending", Job.callback_attempts == attempt - 1)
            .values(callback_attempts=attempt, callback_next_at=busy_until)
        ).rowcount
        if taken != 1:
            return Delivery("none", attempt - 1)
    error: str | None = None
    permanent = False
    try:
        check_callback_url(url, settings=settings)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(callback_secret(settings), body, int(time.time())),
            "X-Docintel-Job": job_id,
            "X-Docintel-Delivery": f"{job_id}:{attempt}",
            "User-Agent": "docintel-callback/1",
        }
        response = httpx.post(url, content=body, headers=headers, timeout=settings.jobs.callback_timeout_s)
        if 200 <= response.status_code < 300:
            error = None
        else:
            error = f"HTTP {response.status_code}"
            permanent = response.status_code < 500 and response.status_code not in _RETRY_STATUS
    except BadCallbackUrl as exc:
        error, permanent = exc.message, True
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    now = utcnow()
    if error is None:
        state, retry_in = "delivered", None
    elif permanent or attempt >= settings.jobs.callback_max_attempts:
        state, retry_in = "failed", None
    else:
        state, retry_in = "pending", backoff_s(attempt, base_s=settings.jobs.callback_backoff_s)
    with db.session() as s:
        job = s.get(Job, job_id)
        if job is not None and job.callback_state == "pending" and job.callback_attempts == attempt:
            job.callback_state = state
            job.callback_error = error
            job.callback_next_at = now + dt.timedelta(seconds=retry_in) if retry_in is not None else None
    if error:
        log.warning("job %s callback attempt %d: %s (%s)", job_id, attempt, error, state)
    return Delivery(state, attempt, retry_in, error)
