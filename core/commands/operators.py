"""Commands that set the centre up: operators, the city and its units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.auth import check_password, check_username, hash_password
from core.commands.base import Command, Context, Decision, require_text
from core.domain.kinds import UNIT_AGENCY, Role, UnitKind
from core.errors import PermissionDenied, ValidationError
from core.store.schema import OperatorRow, UnitRow


@dataclass(frozen=True, slots=True)
class CreateOperator(Command):
    """Add an operator; the event records who, not the password."""

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
        hash_password(self.password)  # validates length before anything is written
        return Decision("operator_created", {
            "username": username,
            "display_name": require_text(self.display_name, "display_name", max_len=120,
                                         allow_empty=False, one_line=True),
            "role": role.value})

    def after(self, ctx: Context, seq: int) -> None:
        ctx.session.add(OperatorRow(
            username=self.username, display_name=self.display_name.strip(),
            role=Role(self.role).value, password_hash=hash_password(self.password),
            created_at=ctx.now))


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
            for key, longest in (("id", 32), ("name", 120), ("station", 32)):  # on screens
                require_text(row[key], f"units[{n}].{key}", max_len=longest, one_line=True)
            if uid in seen or ctx.session.get(UnitRow, uid) is not None:
                raise ValidationError(f"units[{n}]: unit {uid} exists already", field="units")
            seen.add(uid)
            rows.append(row)
        return Decision("units_registered", {"units": rows})


@dataclass(frozen=True, slots=True)
class RecordCityLoaded(Command):
    """Note in the log which city the centre now serves (the city itself is a table)."""

    name: str
    source: str
    digest: str
    counts: dict[str, int]
    permission = "admin"

    def decide(self, ctx: Context) -> Decision:
        return Decision("city_loaded", {"name": self.name, "source": self.source,
                                        "digest": self.digest, "counts": dict(self.counts)})


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
        row = ctx.session.get(OperatorRow, self.username)
        if row is None or not check_password(row.password_hash, self.password):
            raise PermissionDenied("unknown user name or wrong password", field="password")
        return Decision("operator_signed_in", {
            "username": row.username, "role": row.role, "workstation": self.workstation,
            "automatic": self.automatic})
