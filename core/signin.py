"""Signing an operator in, with the lockout: what the console (and any future sign-in
through the hub) calls.

`sign_in` runs the `SignIn` command; when it is refused for a wrong password or an
unknown name, the failure is logged in a transaction of its own (`RecordFailedSignIn`)
and counted towards the user name's lockout. An attempt refused because the name is
locked is neither checked nor logged: the lockout is what bounds the log's growth.
"""

from __future__ import annotations

from core.audit.tables import checked_operator
from core.auth import Actor, check_password_or_dummy
from core.commands.operators import (
    FailureNotLogged,
    RecordFailedSignIn,
    SignIn,
    SignInLocked,
    SignInRefused,
    attempted_name,
    check_not_locked,
    note_failure,
)
from core.domain.kinds import Role
from core.service import CommandService
from core.store import event_log
from core.store.signin_table import SignInFailureRow

__all__ = ["SignInLocked", "SignInRefused", "sign_in"]


def sign_in(service: CommandService, username: str, password: str, workstation: str = "",
            automatic: bool = False) -> tuple[Actor, str]:
    """Check the password and record the sign-in; returns (actor, display name).

    Raises `SignInLocked` while the name is locked out, `SignInRefused` (after logging
    the failure) for a wrong password or an unknown name; both are `PermissionDenied`.
    """
    with service.db.session() as s:
        check_not_locked(s, username, service.clock.now())
        # The row as the log has it: one changed in SQL is refused (core.audit.tables).
        row = checked_operator(s, username) if len(username) <= 64 else None
        role = Role(row.role) if row is not None else None
        display = row.display_name if row is not None else ""
        stored_hash = row.password_hash if row is not None else None
    # The password is checked first outside any write transaction: a guess must not
    # hold the log's write lock for the Argon2 time, or guessing would stall every
    # writer of the centre. An unknown name costs the same time (a dummy hash).
    if not check_password_or_dummy(stored_hash, password):
        record_failure(service, username, workstation, known_user=role is not None)
        raise SignInRefused(known_user=role is not None)
    assert role is not None
    actor = Actor(username, role)
    try:
        # Checks the lock again under the log lock (and that the hash is unchanged).
        service.execute(SignIn(username, password, workstation, automatic, stored_hash),
                        actor)
    except SignInRefused as exc:  # the password changed meanwhile
        record_failure(service, username, workstation, exc.known_user)
        raise
    return actor, display


def unverified_actor(username: str) -> str:
    """The actor named in a failed sign-in's event: the name tried, marked unverified."""
    return "unverified:" + attempted_name(username)


def record_failure(service: CommandService, username: str, workstation: str,
                   known_user: bool) -> None:
    """Log one failed sign-in and count it towards the lockout of `username`."""
    actor = Actor(unverified_actor(username), Role.OBSERVER)
    try:
        service.execute(RecordFailedSignIn(username, workstation, known_user), actor)
    except FailureNotLogged:
        count_unlogged_failure(service, username)


def count_unlogged_failure(service: CommandService, username: str) -> None:
    """Count a failure the centre-wide budget did not let into the log."""
    with service.db.transaction() as s:
        event_log.lock_head(s)  # serialised with commands, like every lockout write
        note_failure(s, username, service.clock.now())
        centre = s.get(SignInFailureRow, "*")
        if centre is not None:
            centre.unlogged = (centre.unlogged or 0) + 1
