"""Access tokens for field units and operators: created once, stored hashed.

A token is `bk_` followed by 256 random bits (URL-safe base64). Only its SHA-256 is
stored; the token itself is printed once when it is created and never again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.auth import Actor
from core.clock import Clock, RealClock
from core.domain.kinds import Role
from core.errors import UserError
from core.hub.tables import HubTokenRow
from core.store.database import Database
from core.store.schema import OperatorRow, UnitRow

TOKEN_PREFIX = "bk_"
KINDS = ("unit", "operator")


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a valid token belongs to, and the actor its commands run as."""

    kind: str  # "unit" | "operator"
    subject: str
    actor: Actor
    token_id: str


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as listed: never the token itself."""

    id: str
    kind: str
    subject: str
    created_at: datetime
    revoked: bool


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Database, kind: str, subject: str, clock: Clock | None = None
                 ) -> tuple[str, str]:
    """Make a token for unit or operator `subject`; returns (token id, token).

    Raises `UserError` when the unit or operator does not exist.
    """
    if kind not in KINDS:
        raise UserError(f"token kind must be one of {', '.join(KINDS)}, not {kind!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = secrets.token_hex(4)
    with db.transaction() as s:
        table = UnitRow if kind == "unit" else OperatorRow
        if s.get(table, subject) is None:
            hint = ("register it with the city or 'beacon city'" if kind == "unit"
                    else "create it with 'beacon operator create'")
            raise UserError(f"no {kind} {subject!r} in {db.display_url()}: {hint} first")
        s.add(HubTokenRow(id=token_id, kind=kind, subject=subject, token_hash=token_hash(token),
                          created_at=(clock or RealClock()).now(), revoked=False))
    return token_id, token


def authenticate(db: Database, token: str) -> Identity | None:
    """The identity a token stands for, or None when it is unknown or revoked."""
    with db.session() as s:
        row = s.execute(select(HubTokenRow).where(HubTokenRow.token_hash == token_hash(token))
                        ).scalar_one_or_none()
        if row is None or row.revoked:
            return None
        if row.kind == "unit":
            if s.get(UnitRow, row.subject) is None:
                return None
            actor = Actor(f"unit:{row.subject}", None, unit_id=row.subject)
        else:
            op = s.get(OperatorRow, row.subject)
            if op is None:
                return None
            actor = Actor(op.username, Role(op.role))
        return Identity(kind=row.kind, subject=row.subject, actor=actor, token_id=row.id)


def list_tokens(db: Database) -> list[TokenInfo]:
    """Every token, oldest first."""
    with db.session() as s:
        rows = s.execute(select(HubTokenRow).order_by(HubTokenRow.created_at)).scalars()
        return [TokenInfo(r.id, r.kind, r.subject, r.created_at, r.revoked) for r in rows]


def revoke_token(db: Database, token_id: str) -> None:
    """Revoke a token by its id; its holder is refused from the next connection on."""
    with db.transaction() as s:
        row = s.get(HubTokenRow, token_id)
        if row is None:
            raise UserError(f"no token with id {token_id!r} (see 'beacon hub token list')")
        row.revoked = True
