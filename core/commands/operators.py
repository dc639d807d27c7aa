"""Commands that set the centre up: operators, the city and its units."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.audit.tables import checked_operator
from core.auth import (
    FORGET_FAILURES_AFTER,
    check_password_or_dummy,
    check_username,
    hash_password,
    lock_seconds,
)
from core.commands.base import Command, Context, Decision, require_text
from core.domain.kinds import UNIT_AGENCY, Role, UnitKind
from core.errors import PermissionDenied, ValidationError
from core.store.schema import CityRow, OperatorRow, UnitRow
from core.store.signin_table import SignInFailureRow
from core.text import storable_text

CENTRE_KEY = "*"  # the centre-wide row of `sign_in_failures`
LOGGED_FAILURES_PER_MINUTE = 60  # centre-wide; beyond it failures are only counted


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
        digest = ctx.writer.attach(hash_password(self.password, username))
        return Decision("operator_created", {
            "username": username,
            "display_name": require_text(self.display_name, "display_name", max_len=120,
                                         allow_empty=False, one_line=True),
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
            for key, longest in (("id", 32), ("name", 120), ("station", 32)):  # on screens
                require_text(row[key], f"units[{n}].{key}", max_len=longest, one_line=True)
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


class SignInRefused(PermissionDenied):
    """A wrong password or an unknown user name (the message does not say which)."""

    def __init__(self, known_user: bool) -> None:
        super().__init__("unknown user name or wrong password", field="password")
        self.known_user = known_user


class SignInLocked(PermissionDenied):
    """Too many failed sign-ins for this user name: no password is checked until later."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins for this account: try again in "
                         f"{seconds} s", field="password")
        self.seconds = seconds


def attempted_name(username: str) -> str:
    """A user name as typed at sign-in, made storable and bounded (it may be anything)."""
    if not storable_text(username):
        username = "".join(c if storable_text(c) else "\ufffd" for c in username)
    return username[:64]


def failure_key(username: str) -> str:
    """The `sign_in_failures` key of an attempted user name (known or not: the lockout
    must not tell the two apart)."""
    return "u:" + attempted_name(username)


def _live_failures(row: SignInFailureRow | None, now: datetime) -> int:
    """Failures in a row that still count (a day without one forgets them)."""
    if row is None or row.last_failure_at is None:
        return 0
    if now - row.last_failure_at > FORGET_FAILURES_AFTER:
        return 0
    return row.failures or 0


def check_not_locked(session: Session, username: str, now: datetime) -> None:
    """Raise `SignInLocked` while the account of `username` is locked."""
    row = session.get(SignInFailureRow, failure_key(username))
    if row is not None and row.locked_until is not None and row.locked_until > now:
        raise SignInLocked(max(1, math.ceil((row.locked_until - now).total_seconds())))


def note_failure(session: Session, username: str, now: datetime) -> tuple[int, int]:
    """Count one more failure for `username`, lock it as `lock_seconds` says; returns
    (failures in a row, seconds locked)."""
    key = failure_key(username)
    row = session.get(SignInFailureRow, key)
    failures = _live_failures(row, now) + 1
    if row is None:
        row = SignInFailureRow(key=key, failures=0, unlogged=0)
        session.add(row)
    locked = lock_seconds(failures)
    row.failures, row.last_failure_at = failures, now
    row.locked_until = now + timedelta(seconds=locked) if locked else None
    return failures, locked


@dataclass(frozen=True, slots=True)
class SignIn(Command):
    """An operator signs in at a workstation. The event says where, and whether it was
    the demo's automatic one. A refused sign-in records nothing here: see
    `RecordFailedSignIn` and `core.signin.sign_in`, which records it on its own.

    While the user name is locked out the password is not even checked. An unknown
    user name costs the same Argon2 time as a wrong password, so timing does not tell
    whether a name exists.
    """

    username: str
    password: str
    workstation: str = ""
    automatic: bool = False
    # The hash `password` was already checked against, outside the transaction (see
    # `core.signin`): when it is still the operator's, Argon2 is not run a second time
    # while the log's write lock is held.
    checked_hash: str | None = None
    permission = "any"

    def decide(self, ctx: Context) -> Decision:
        check_not_locked(ctx.session, self.username, ctx.now)
        # The row as the log has it (refused when it differs from the log).
        row = (checked_operator(ctx.session, self.username) if len(self.username) <= 64
               else None)
        checked = (row is not None and self.checked_hash is not None
                   and self.checked_hash == row.password_hash)
        if not checked and not check_password_or_dummy(row.password_hash if row else None,
                                                       self.password):
            raise SignInRefused(known_user=row is not None)
        assert row is not None
        return Decision("operator_signed_in", {
            "username": row.username, "role": row.role, "workstation": self.workstation,
            "automatic": self.automatic})

    def after(self, ctx: Context, seq: int) -> None:
        # A successful sign-in clears the count of failures.
        ctx.session.execute(delete(SignInFailureRow).where(
            SignInFailureRow.key == failure_key(self.username)))


class FailureNotLogged(ValidationError):
    """The centre-wide budget of logged failures is spent this minute: only count it."""


@dataclass(frozen=True, slots=True)
class RecordFailedSignIn(Command):
    """Log a refused sign-in (its own transaction: the refused `SignIn` wrote nothing)
    and count it towards the lockout of the user name tried.

    At most `LOGGED_FAILURES_PER_MINUTE` a minute are logged centre-wide (the per-name
    lockout bounds one name, this bounds a flood of made-up names); beyond that the
    command raises `FailureNotLogged` and the caller only counts the failure
    (`count_unlogged_failure`); the next logged one says how many went unlogged.
    """

    username: str
    workstation: str
    known_user: bool
    permission = "any"

    def decide(self, ctx: Context) -> Decision:
        centre = ctx.session.get(SignInFailureRow, CENTRE_KEY)
        in_window = (centre is not None and centre.last_failure_at is not None
                     and ctx.now - centre.last_failure_at < timedelta(minutes=1))
        if in_window and centre is not None and centre.failures >= LOGGED_FAILURES_PER_MINUTE:
            raise FailureNotLogged("too many failed sign-ins this minute to log each")
        account = ctx.session.get(SignInFailureRow, failure_key(self.username))
        failures = _live_failures(account, ctx.now) + 1
        return Decision("sign_in_failed", {
            "username": attempted_name(self.username),
            "workstation": attempted_name(self.workstation),
            "reason": "wrong_password" if self.known_user else "unknown_user",
            "failures": failures, "locked_s": lock_seconds(failures),
            "unlogged_before": centre.unlogged if centre is not None else 0})

    def after(self, ctx: Context, seq: int) -> None:
        note_failure(ctx.session, self.username, ctx.now)
        centre = ctx.session.get(SignInFailureRow, CENTRE_KEY)
        if centre is None:
            centre = SignInFailureRow(key=CENTRE_KEY, failures=0, unlogged=0)
            ctx.session.add(centre)
        if (centre.last_failure_at is None
                or ctx.now - centre.last_failure_at >= timedelta(minutes=1)):
            centre.last_failure_at, centre.failures = ctx.now, 0  # a new minute
        centre.failures += 1
        centre.unlogged = 0
        # Forget names that have not failed for a day, so made-up names do not pile up.
        ctx.session.execute(delete(SignInFailureRow).where(
            SignInFailureRow.key != CENTRE_KEY,
            SignInFailureRow.last_failure_at < ctx.now - FORGET_FAILURES_AFTER))
