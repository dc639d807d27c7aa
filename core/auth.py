"""Operators, roles and passwords.

Passwords are hashed with Argon2id (argon2-cffi, the reference implementation's
bindings); only the hash is stored. `Actor` is who a command acts for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.domain.kinds import Role
from core.errors import PermissionDenied, ValidationError

_hasher = PasswordHasher()
USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")
MIN_PASSWORD = 8

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "beacon-demo"  # the embedded demo only; printed on screen as such


@dataclass(frozen=True, slots=True)
class Actor:
    """Who a command acts for: an operator with a role, a field unit, or the system."""

    name: str
    role: Role | None = None
    unit_id: str | None = None

    @property
    def is_unit(self) -> bool:
        """True for a field unit acting as itself."""
        return self.unit_id is not None


SYSTEM = Actor("system", Role.SUPERVISOR)


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`; refuses one that is too short."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"a password needs at least {MIN_PASSWORD} characters",
                              field="password")
    return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches `stored_hash`."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_username(username: str) -> str:
    """A valid username (lower-case letters, digits, . _ -), or `ValidationError`."""
    if not USERNAME_RE.match(username):
        raise ValidationError(
            f"username {username!r}: use 2-32 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter", field="username")
    return username


# Which roles may issue which kinds of command. Observers watch; planners run drills and
# edit plans but do not dispatch real units.
COMMAND_ROLES: dict[str, frozenset[Role]] = {
    "dispatch": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.COMMANDER}),
    "admin": frozenset({Role.SUPERVISOR}),
    "any": frozenset(Role),
}


def require(actor: Actor, permission: str) -> None:
    """Raise `PermissionDenied` unless `actor` may do `permission` things."""
    if actor.is_unit:
        return  # what a unit may do is checked per command (only as itself)
    allowed = COMMAND_ROLES[permission]
    if actor.role not in allowed:
        role = actor.role.value if actor.role else "no role"
        raise PermissionDenied(f"{actor.name} ({role}) may not do this: it needs one of "
                               f"{', '.join(sorted(r.value for r in allowed))}")
