"""Access tokens for field units and operators: created once, stored hashed, each
creation and revocation an event.

A token is `bk_` followed by 256 random bits (URL-safe base64). Only its SHA-256 is
stored; the token itself is printed once when it is created and never again.

`hub_token_created` carries the token's id, kind, subject and its SHA-256, never the
token: the `hub_tokens` table is written only by `project_token_event`, from the event,
so `replay_tokens` rebuilds it from the log alone. The hash in the log gives nothing
away that the table does not: it is the hash of 256 random bits (no guessing it back),
the hub hashes whatever a client presents (so the hash is no credential), and whoever
can read the log can read the table anyway. `hub_token_revoked` makes every hub close
the token's open connections (`core.hub.server`).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth import SYSTEM, Actor
from core.clock import Clock
from core.commands.base import Command, Context, Decision
from core.domain.kinds import Role
from core.errors import NotFound, PermissionDenied, UserError, ValidationError
from core.events import Event, iso
from core.hub.tables import HubTokenRow
from core.service import CommandService
from core.store.database import Database
from core.store.schema import OperatorRow, UnitRow

log = logging.getLogger(__name__)
TOKEN_PREFIX = "bk_"
KINDS = ("unit", "operator")
CREATED = "hub_token_created"
REVOKED = "hub_token_revoked"

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


@dataclass(frozen=True, slots=True)
class CreateToken(Command):
    """Record a new token (made by `create_token`): who it is for, and its hash."""

    kind: str
    subject: str
    token_id: str
    token_hash: str
    permission = "admin"

    def decide(self, ctx: Context) -> Decision:
        if self.kind not in KINDS:
            raise ValidationError(f"token kind must be one of {', '.join(KINDS)}, not "
                                  f"{self.kind!r}", field="kind")
        table = UnitRow if self.kind == "unit" else OperatorRow
        if len(self.subject) > 64 or ctx.session.get(table, self.subject) is None:
            hint = ("units come with the city: check the id, or load a city first "
                    "('beacon city demo' or 'beacon city import')"
                    if self.kind == "unit" else "add it first with 'beacon operator add'")
            raise NotFound(f"no {self.kind} {self.subject!r}: {hint}", field="subject")
        if ctx.session.get(HubTokenRow, self.token_id) is not None:
            raise ValidationError(f"a token {self.token_id!r} exists already", field="id")
        return Decision("hub_token_created", {"token_id": self.token_id, "kind": self.kind,
                                  "subject": self.subject, "token_hash": self.token_hash})

    def after(self, ctx: Context, seq: int) -> None:
        project_token_event(ctx.session, CREATED, self.payload(), ctx.now)

    def payload(self) -> dict[str, Any]:
        """The event's payload (what `decide` records)."""
        return {"token_id": self.token_id, "kind": self.kind, "subject": self.subject,
                "token_hash": self.token_hash}


@dataclass(frozen=True, slots=True)
class RevokeToken(Command):
    """Revoke a token by its id; every hub closes its open connections."""

    token_id: str
    permission = "admin"

    def decide(self, ctx: Context) -> Decision:
        row = ctx.session.get(HubTokenRow, self.token_id)
        if row is None:
            raise NotFound(f"no token with id {self.token_id!r} (see 'beacon hub token "
                           "list')", field="id")
        if row.revoked:
            raise ValidationError(f"token {self.token_id} is revoked already", field="id")
        return Decision("hub_token_revoked", {"token_id": row.id, "kind": row.kind,
                                  "subject": row.subject})

    def after(self, ctx: Context, seq: int) -> None:
        project_token_event(ctx.session, REVOKED, {"token_id": self.token_id}, ctx.now)


def project_token_event(session: Session, type_: str, payload: dict[str, Any],
                        at: datetime) -> None:
    """Write what a token event says into `hub_tokens` (the only writer of that table)."""
    if type_ == CREATED:
        session.add(HubTokenRow(
            id=payload["token_id"], kind=payload["kind"], subject=payload["subject"],
            token_hash=payload["token_hash"],
            # the event's own time, as the log stores it, so a replay gets the same row
            created_at=datetime.fromisoformat(iso(at)), revoked=False))
    elif type_ == REVOKED:
        row = session.get(HubTokenRow, payload["token_id"])
        if row is not None:
            row.revoked = True


def replay_tokens(events: Iterable[Event]) -> dict[str, dict[str, Any]]:
    """The `hub_tokens` rows the log implies, by token id (for comparing with the table).

    Each row is a dict of the table's columns: id, kind, subject, token_hash,
    created_at, revoked.
    """
    rows: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.type == CREATED:
            p = e.payload
            rows[p["token_id"]] = {"id": p["token_id"], "kind": p["kind"],
                                   "subject": p["subject"], "token_hash": p["token_hash"],
                                   "created_at": e.at, "revoked": False}
        elif e.type == REVOKED and e.payload["token_id"] in rows:
            rows[e.payload["token_id"]]["revoked"] = True
    return rows


def table_tokens(session: Session) -> dict[str, dict[str, Any]]:
    """The `hub_tokens` table as `replay_tokens` shapes it."""
    return {r.id: {"id": r.id, "kind": r.kind, "subject": r.subject,
                   "token_hash": r.token_hash, "created_at": r.created_at,
                   "revoked": bool(r.revoked)}
            for r in session.execute(select(HubTokenRow)).scalars()}


def create_token(db: Database, kind: str, subject: str, clock: Clock | None = None, *,
                 actor: Actor = SYSTEM, service: CommandService | None = None
                 ) -> tuple[str, str]:
    """Make a token for unit or operator `subject`, recorded as an event by `actor`;
    returns (token id, token). Raises `UserError` when the unit or operator does not
    exist. Pass the `service` whose bus a hub in this process follows, if any."""
    if kind not in KINDS:
        raise UserError(f"token kind must be one of {', '.join(KINDS)}, not {kind!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = secrets.token_hex(4)
    service = service or CommandService(db, clock=clock)
    try:
        service.execute(CreateToken(kind, subject, token_id, token_hash(token)), actor)
    except NotFound as exc:
        raise UserError(str(exc).replace(": ", f" in {db.display_url()}: ", 1)) from None
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
            from core.audit.tables import checked_operator

            try:  # the role as the log has it: a role raised in SQL is refused
                op = checked_operator(s, row.subject)
            except PermissionDenied:
                log.warning("operator token %s refused: the operators table disagrees "
                            "with the log for %s", row.id, row.subject)
                return None
            if op is None:
                return None
            actor = Actor(op.username, Role(op.role))
        return Identity(kind=row.kind, subject=row.subject, actor=actor, token_id=row.id)


def list_tokens(db: Database) -> list[TokenInfo]:
    """Every token, oldest first."""
    with db.session() as s:
        rows = s.execute(select(HubTokenRow).order_by(HubTokenRow.created_at)).scalars()
        return [TokenInfo(r.id, r.kind, r.subject, r.created_at, r.revoked) for r in rows]


def revoke_token(db: Database, token_id: str, *, actor: Actor = SYSTEM,
                 service: CommandService | None = None) -> Event:
    """Revoke a token by its id, recorded as an event by `actor`: every hub closes the
    token's open connections within a second, and refuses it from then on."""
    return (service or CommandService(db)).execute(RevokeToken(token_id), actor)
