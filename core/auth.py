"""Operators, roles and passwords.

Passwords are hashed with Argon2id (argon2-cffi, the reference implementation's
bindings); only the hash is stored. `Actor` is who a command acts for. The sign-in
lockout's parameters live here too (the lockout itself: `core.signin`).
"""

from __future__ import annotations

import getpass
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.domain.kinds import Role, SeatRole
from core.errors import PermissionDenied, ValidationError

_hasher = PasswordHasher()
USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")
MIN_PASSWORD = 10
MIN_DISTINCT = 5  # distinct characters: refuses "aaaaaaaaaa" and "abababababab"

# Lockout: the first FREE_FAILURES failed sign-ins of an account cost nothing but the
# Argon2 time; each later one locks the account for LOCK_BASE_S doubled per failure, up
# to LOCK_MAX_S. During a lock an attempt is refused before its password is checked and
# is not logged, so at most FREE_FAILURES + one failure per LOCK_MAX_S reach the log per
# account. A successful sign-in clears the count; so does a day without failures.
FREE_FAILURES = 5
LOCK_BASE_S = 10
LOCK_MAX_S = 900
FORGET_FAILURES_AFTER = timedelta(days=1)

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


def cli_actor() -> Actor:
    """Who an administrative command line acts for: `cli:<login name>`, as a supervisor.

    The command line holds the database's credentials, so it can do anything anyway;
    the name at least records which account of the machine ran it.
    """
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without a passwd entry)
        user = "unknown"
    return Actor(f"cli:{user}"[:64], Role.SUPERVISOR)


def password_problem(password: str, username: str = "") -> str | None:
    """Why `password` is too weak, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD:
        return f"a password needs at least {MIN_PASSWORD} characters"
    if not password.strip():
        return "a password cannot be only spaces"
    if len(set(password)) < MIN_DISTINCT:
        return f"a password needs at least {MIN_DISTINCT} different characters"
    if username and password.strip().casefold() in (username, username[::-1]):
        return "a password must not be the user name"
    return None


def hash_password(password: str, username: str = "") -> str:
    """An Argon2id hash of `password`; refuses a weak one (see `password_problem`)."""
    problem = password_problem(password, username)
    if problem is not None:
        raise ValidationError(problem, field="password")
    return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches `stored_hash`."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    # A hash of a random password with the same parameters as real ones: checking a
    # password against it takes as long as against a real hash, and never matches.
    return _hasher.hash(secrets.token_urlsafe(24))


def check_password_or_dummy(stored_hash: str | None, password: str) -> bool:
    """`check_password`, taking the same time when there is no hash (unknown user):
    the answer's timing must not tell whether a user name exists."""
    if stored_hash is None:
        check_password(_dummy_hash(), password)
        return False
    return check_password(stored_hash, password)


def lock_seconds(failures: int) -> int:
    """How long an account stays locked after its `failures`-th failure in a row."""
    if failures < FREE_FAILURES:
        return 0
    return min(LOCK_MAX_S, LOCK_BASE_S * 2 ** min(failures - FREE_FAILURES, 20))


def check_username(username: str) -> str:
    """A valid username (lower-case letters, digits, . _ -), or `ValidationError`."""
    if not USERNAME_RE.match(username):
        raise ValidationError(
            f"username {username!r}: use 2-32 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter", field="username")
    return username


# Which roles may issue which kinds of command. Observers watch; planners run drills and
# edit plans but do not dispatch real units.
_OPERATIONS = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.COMMANDER})
_SENIOR = frozenset({Role.SUPERVISOR, Role.COMMANDER})
COMMAND_ROLES: dict[str, frozenset[Role]] = {
    "dispatch": _OPERATIONS,
    # Moving an idle unit up to another station to cover (and back home): the floor, as
    # for dispatch (a drill's automatic dispatcher acts as a dispatcher).
    "relocate": _OPERATIONS,
    "admin": frozenset({Role.SUPERVISOR}),
    # The camera registry (add, import, move, disable, enable): as the centre's set-up.
    "cameras": frozenset({Role.SUPERVISOR}),
    # A camera snapshot kept as evidence on an incident: whoever works the incident.
    "evidence": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.COMMANDER}),
    "any": frozenset(Role),
    # The community registry (core.registry). Personal data is seen for a reason only:
    # dispatch roles see the people at an open incident's address; only a supervisor
    # searches or shows anyone else, with a stated reason; every display is an event.
    "registry_edit": frozenset({Role.SUPERVISOR}),
    "registry_view": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.COMMANDER}),
    "registry_search": frozenset({Role.SUPERVISOR}),
    "registry_erase": frozenset({Role.SUPERVISOR}),
    # Alarms (core.domain.alarms): who may acknowledge each kind. Whoever works the
    # floor takes a new P1, a response warning, a unit's emergency or a sensor's alarm;
    # an overdue playbook step also its planner. Observers acknowledge nothing. An
    # escalated alarm keeps its kind's roles (whoever answers first, the floor or a
    # supervisor called by the escalation, may take it: an alarm no one at the desk
    # could clear would only teach people to ignore the banner).
    "ack_alarm:p1_incident": _OPERATIONS,
    "ack_alarm:response_breach": _OPERATIONS,
    "ack_alarm:unit_emergency": _OPERATIONS,
    "ack_alarm:playbook_step_overdue": _OPERATIONS | {Role.PLANNER},
    "ack_alarm:external": _OPERATIONS,
    "ack_alarm:sensor_silent": _OPERATIONS,
    # Raising an alarm by hand or from a source run by an operator (a plugin runs as
    # the system); muting one's own workstation's alarm sound.
    "raise_alarm": _OPERATIONS,
    "mute_alarms": _OPERATIONS | {Role.PLANNER, Role.OBSERVER},
    # Playbooks: activate one, tick or skip its steps. Changing its level by hand is the
    # commander's (or the supervisor's); everyone else proposes it (a joint decision).
    "playbook": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.COMMANDER}),
    "playbook_level": frozenset({Role.SUPERVISOR, Role.COMMANDER}),
    # Joint decisions: what a seat may do is checked by `require_seat` below.
    "decision": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.COMMANDER, Role.PLANNER}),
    # Closing and reopening a road of the live centre (routing goes around it): the
    # floor, as for dispatch; an accepted joint decision closes one as its decider.
    "road": _OPERATIONS,
    # Public notices (core.notices): written, published and cancelled by whoever may sit
    # in the public-information seat (SEAT_SIGN_IN below); a notice with status Actual
    # goes out only after a second person, a supervisor or commander, approved it.
    "notice": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.COMMANDER, Role.PLANNER}),
    "notice_approve": _SENIOR,
    # A resident's community report (core.public): the public web service acts as an
    # observer, which may do nothing else; anyone at a desk may record one from a call.
    "community_report": frozenset(Role),
}
# The roles whose seats are told loudly of escalated alarms.
ESCALATION_ROLES = _SENIOR


def ack_permission(kind: str) -> str:
    """The `COMMAND_ROLES` key that acknowledging an alarm of `kind` needs."""
    return f"ack_alarm:{kind}"


def may(actor: Actor, permission: str) -> bool:
    """Whether `actor` may do `permission` things (a unit: never, for operator work);
    for the console to grey out what would be refused (the refusal is the command's)."""
    if actor.is_unit:
        return False
    return actor.role in COMMAND_ROLES[permission]

# Seats at a joint decision (会商), beside the sign-in roles: the one matrix of who may do
# what. SEAT_SIGN_IN says which sign-in roles may take a seat; SEAT_ACTIONS what each
# seat may do. To delegate the decision (the commander away), add a seat to "decide".
#
# | seat        | sign-in roles that may take it         | propose | comment | vote | decide |
# |-------------|----------------------------------------|---------|---------|------|--------|
# | commander   | commander, supervisor                  | yes     | yes     | yes  | yes    |
# | fire        | dispatcher, supervisor, commander, planner | yes | yes     | yes  | no     |
# | medical     | (same)                                 | yes     | yes     | yes  | no     |
# | police      | (same)                                 | yes     | yes     | yes  | no     |
# | community   | (same)                                 | yes     | yes     | yes  | no     |
# | public_info | (same)                                 | yes     | yes     | no   | no     |
_DESK = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.COMMANDER, Role.PLANNER})
SEAT_SIGN_IN: dict[SeatRole, frozenset[Role]] = {
    SeatRole.COMMANDER: frozenset({Role.COMMANDER, Role.SUPERVISOR}),
    SeatRole.FIRE: _DESK, SeatRole.MEDICAL: _DESK, SeatRole.POLICE: _DESK,
    SeatRole.COMMUNITY: _DESK, SeatRole.PUBLIC_INFO: _DESK,
}
# Notices are the public-information seat's work: the same people may write them.
assert COMMAND_ROLES["notice"] == SEAT_SIGN_IN[SeatRole.PUBLIC_INFO]
SEAT_ACTIONS: dict[str, frozenset[SeatRole]] = {
    "propose": frozenset(SeatRole),
    "comment": frozenset(SeatRole),
    "vote": frozenset(SeatRole) - {SeatRole.PUBLIC_INFO},
    "decide": frozenset({SeatRole.COMMANDER}),
}


def seats_for(role: Role | None) -> list[SeatRole]:
    """The seats an operator of this sign-in role may take, in the matrix's order."""
    return [seat for seat in SeatRole if role in SEAT_SIGN_IN[seat]]


def require_seat(actor: Actor, seat: object, action: str) -> SeatRole:
    """The seat, if `actor` may sit there and the seat may do `action`; otherwise
    `PermissionDenied` (or `ValidationError` for a seat that does not exist)."""
    try:
        seat = SeatRole(seat)
    except ValueError:
        raise ValidationError(f"unknown seat {seat!r} (seats: "
                              f"{', '.join(s.value for s in SeatRole)})", field="seat") from None
    if actor.is_unit or actor.role not in SEAT_SIGN_IN[seat]:
        role = actor.role.value if actor.role else "a field unit"
        raise PermissionDenied(f"{actor.name} ({role}) may not take the {seat.value} seat",
                               field="seat")
    if seat not in SEAT_ACTIONS[action]:
        allowed = ", ".join(sorted(s.value for s in SEAT_ACTIONS[action]))
        raise PermissionDenied(f"the {seat.value} seat may not {action} (only: {allowed})",
                               field="seat")
    return seat


def require(actor: Actor, permission: str) -> None:
    """Raise `PermissionDenied` unless `actor` may do `permission` things."""
    if actor.is_unit:
        return  # what a unit may do is checked per command (only as itself)
    allowed = COMMAND_ROLES[permission]
    if actor.role not in allowed:
        role = actor.role.value if actor.role else "no role"
        names = sorted(r.value for r in allowed)
        needs = (f"the role {names[0]}" if len(names) == 1
                 else f"one of the roles {', '.join(names[:-1])} or {names[-1]}")
        raise PermissionDenied(f"{actor.name} ({role}) may not do this: it needs {needs}")
