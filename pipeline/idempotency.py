"""Idempotency-Key: the first answer to a request is stored in the same transaction as its effects and replayed
to every retry, so a retrying counter never creates two documents or two signatures.

Two retries racing each other both do the work, but only one commits: the record's unique key (API key, scope,
Idempotency-Key) rejects the second insert, its transaction rolls back, and it replays the first one's answer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from domain.errors import InputError
from pipeline.keys import Principal
from storage.models import IdempotencyRecord
from storage.repositories import find_idempotency

MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(InputError):
    code = "idempotency_key_reused"
    http_status = 422
    default_zh = "幂等键已用于另一个不同的请求"


@dataclass(frozen=True)
class Outcome:
    """What a use case answers: an HTTP-like status and a JSON body; ``replayed`` when it is a stored answer."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


def request_hash(**parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InputError(
            f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable characters",
            message_zh=f"Idempotency-Key 须为 1-{MAX_KEY_LENGTH} 个可打印字符",
        )
    return key


def replay(session: Session, *, principal: Principal, scope: str, key: str | None, req_hash: str) -> Outcome | None:
    """The stored answer for this key, None if there is none; IdempotencyKeyReused if the key was used for a
    different request."""
    if key is None:
        return None
    record = find_idempotency(session, api_key_id=principal.key_id, scope=scope, key=key)
    if record is None:
        return None
    if record.request_hash != req_hash:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was already used with a different request",
            message_zh="该 Idempotency-Key 已用于内容不同的请求",
        )
    return Outcome(record.status_code, record.response, replayed=True)


def remember(
    session: Session, *, principal: Principal, scope: str, key: str | None, req_hash: str, outcome: Outcome
) -> None:
    """Stores the answer in the current transaction; the flush raises IntegrityError if a twin got there first."""
    if key is None:
        return
    session.add(
        IdempotencyRecord(
            api_key_id=principal.key_id,
            scope=scope,
            key=key,
            request_hash=req_hash,
            status_code=outcome.status,
            response=outcome.body,
        )
    )
    session.flush()
