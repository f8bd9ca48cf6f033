"""API keys: created once and shown once, stored as a hash, carrying a role and a branch.

A key reads ``dik_<id>_<secret>``. The id is the row's primary key (so a lookup needs no scan); the secret is
256 random bits, which is why a plain SHA-256 is enough to store it — there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import Forbidden, InputError, NotFound, Unauthorized
from storage.db import Database
from storage.models import ApiKey, utcnow
from storage.repositories import get_api_key, list_api_keys

_KEY_RE = re.compile(r"^dik_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_BRANCH_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class Role(StrEnum):
    COUNTER = "counter"  # a counter clerk: cases, uploads, corrections, finalize
    LOAN = "loan"  # a loan team: packages (issue 7), reads of its branch's cases
    ADMIN = "admin"  # everything within its branch, and reprocessing


@dataclass(frozen=True)
class Principal:
    """Who is calling: resolved from the Authorization header on every request."""

    key_id: str
    role: Role
    branch: str

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(
                f"the {self.role.value} role may not do this (allowed: {allowed})",
                message_zh=f"当前角色（{self.role.value}）无权执行此操作",
            )


@dataclass(frozen=True)
class NewKey:
    key_id: str
    role: Role
    branch: str
    label: str | None
    secret: str  # the whole key; shown once and never stored


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InputError(
            f"unknown role {value!r}; use counter, loan or admin", message_zh="未知角色：可选 counter、loan、admin"
        ) from None


def create_api_key(db: Database, *, role: str, branch: str, label: str | None = None) -> NewKey:
    parsed_role = parse_role(role)
    if not _BRANCH_RE.match(branch):
        raise InputError(
            "branch must be 1-64 letters, digits, '.', '_' or '-'", message_zh="网点编号只能由字母、数字、.、_、- 组成"
        )
    key_id = secrets.token_hex(8)
    key = f"dik_{key_id}_{secrets.token_urlsafe(32)}"
    with db.session() as s:
        s.add(ApiKey(id=key_id, secret_hash=_hash(key), role=parsed_role.value, branch=branch, label=label))
    return NewKey(key_id=key_id, role=parsed_role, branch=branch, label=label, secret=key)


def revoke_api_key(db: Database, *, key_id: str) -> None:
    with db.session() as s:
        key = get_api_key(s, key_id)
        if key is None:
            raise NotFound(f"no API key {key_id!r}", message_zh="API 密钥不存在")
        if key.revoked_at is None:
            key.revoked_at = utcnow()


def list_keys(db: Database) -> list[dict[str, object]]:
    with db.session() as s:
        return [
            {
                "key_id": k.id,
                "role": k.role,
                "branch": k.branch,
                "label": k.label,
                "created_at": k.created_at.isoformat(),
                "revoked": k.revoked_at is not None,
            }
            for k in list_api_keys(s)
        ]


def authenticate(db: Database, *, key: str) -> Principal:
    """The caller behind a key, or Unauthorized (the same answer for malformed, unknown and revoked keys)."""
    m = _KEY_RE.match(key.strip())
    if m is None:
        raise Unauthorized("malformed or missing API key", message_zh="API 密钥缺失或格式错误")
    with db.read_session() as s:  # every request: one primary-key read that never waits for a writer
        row = get_api_key(s, m.group(1))
        if row is None or row.revoked_at is not None or not hmac.compare_digest(row.secret_hash, _hash(key.strip())):
            raise Unauthorized("unknown or revoked API key", message_zh="API 密钥无效或已吊销")
        return Principal(key_id=row.id, role=Role(row.role), branch=row.branch)
