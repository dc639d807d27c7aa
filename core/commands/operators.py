"""Commands that set the centre up: operators, the city and its units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from core.audit.tables import checked_operator
from core.auth import check_password, check_username, hash_password
from core.commands.base import Command, Context, Decision, require_text
from core.domain.kinds import UNIT_AGENCY, Role, UnitKind
from core.errors import PermissionDenied, ValidationError
from core.store.schema import CityRow, OperatorRow, UnitRow


@dataclass(frozen=True, slots=True)
class CreateOperator(Command):
    """Add an operator. The event records who, with which role, and the digest of the
    password's Argon2 hash (never the password, nor the hash); the projection writes
    the row, so `audit verify` and sign-in can tell a row changed behind the log's back.
    """

    username: str
    display_name: str
    role: Role
    password: str
    permission = "admin"

    def decide(self, ctx: Context) -> Decision:
        username = check_username(self.username)
        if ctx.session.get(OperatorRow, username) is not None:
            raise ValidationError(f"operator {username!r} exists already", field="username")
        try:
            role = Role(self.role)
        except ValueError:
            raise ValidationError(f"unknown role {self.role!r} (one of: "
                                  f"{', '.join(r.value for r in Role)})", field="role") from None
        # Hashing validates the password before anything is written.
        digest = ctx.writer.attach(hash_password(self.password))
        return Decision("operator_created", {
            "username": username,
            "display_name": require_text(self.display_name, "display_name", max_len=120,
                                         allow_empty=False),
            "role": role.value, "password_digest": digest})


@dataclass(frozen=True, slots=True)
class RegisterUnits(Command):
    """Put units on the roster, available at their stations (one event for all)."""

    units: Sequence[dict[str, Any]]
    permission = "admin"

    def decide(self, ctx: Context) -> Decision:
        seen: set[str] = set()
        rows = []
        for n, u in enumerate(self.units):
            try:
                uid, kind = str(u["id"]), UnitKind(u["kind"])
                row = {"id": uid, "name": str(u.get("name") or uid), "kind": kind.value,
                       "agency": UNIT_AGENCY[kind].value, "station": str(u["station"]),
                       "x": float(u["x"]), "y": float(u["y"])}
            except (KeyError, ValueError, TypeError) as exc:
                raise ValidationError(f"units[{n}]: {exc}", field="units") from None
            if uid in seen or ctx.session.get(UnitRow, uid) is not None:
                raise ValidationError(f"units[{n}]: unit {uid} exists already", field="units")
            seen.add(uid)
            rows.append(row)
        return Decision("units_registered", {"units": rows})


@dataclass(frozen=True, slots=True)
class RecordCityLoaded(Command):
    """Load a city: its definition (`data`, compressed JSON) goes to the `cities` table,
    the log records its name, source, counts and the SHA-256 of `data`, so a row
    changed later no longer matches the log. The whole definition stays out of the log
    (the full demo city is megabytes)."""

    name: str
    source: str
    data: bytes
    counts: dict[str, int]
    permission = "admin"

    def decide(self, ctx: Context) -> Decision:
        last = ctx.session.execute(select(func.max(CityRow.id))).scalar_one()
        return Decision("city_loaded", {
            "id": int(last or 0) + 1, "name": self.name, "source": self.source,
            "digest": ctx.writer.attach(self.data), "counts": dict(self.counts)})


@dataclass(frozen=True, slots=True)
class SignIn(Command):
    """An operator signs in at a workstation; a wrong password is refused and not logged
    as a sign-in. The event says where, and whether it was the demo's automatic one."""

    username: str
    password: str
    workstation: str = ""
    automatic: bool = False
    permission = "any"

    def decide(self, ctx: Context) -> Decision:
        row = checked_operator(ctx.session, self.username)  # the row as the log has it
        if row is None or not check_password(row.password_hash, self.password):
            raise PermissionDenied("unknown user name or wrong password", field="password")
        return Decision("operator_signed_in", {
            "username": row.username, "role": row.role, "workstation": self.workstation,
            "automatic": self.automatic})
