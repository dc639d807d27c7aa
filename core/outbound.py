"""The one gate for anything that leaves the building.

Beacon sends nothing out yet. Every future sender (text messages, webhooks, CAP alerts,
e-mail, sirens, anything a person or system outside the centre receives) MUST call
`check_outbound` immediately before it sends, every time, with the database the message
comes from, and, for a CAP alert, `check_cap_status` when it sets the alert's status:

    from core.outbound import check_outbound

    check_outbound(centre.db, "sms")   # raises OutboundRefused on a training or demo db
    gateway.send(...)

Why: a training copy or the demo holds drill incidents that look real. A text message
"fire at 12 Harbour Road, leave now" sent from a drill is a real-world harm. So:

- From a live centre's database (or one never labelled, which counts as live) messages
  may go out.
- From a training or demo database nothing is ever sent: `check_outbound` raises
  `OutboundRefused`. Do not catch it to send anyway; show or log it.
- A CAP alert composed on a training or demo database (to preview it, or to write it to
  a file) carries the status "Exercise" or "Test", never "Actual" (`check_cap_status`).

The kind is read from the database on every call, not cached: relabelling a database
(`beacon db set-kind`) takes effect at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import UserError
from core.profile import DatabaseKind, database_kind

if TYPE_CHECKING:
    from core.store.database import Database

# CAP 1.2 <status> values (OASIS CAP 1.2, section 3.2.1).
CAP_STATUSES = frozenset({"Actual", "Exercise", "System", "Test", "Draft"})
# What an alert from a training or demo database may say it is.
EXERCISE_CAP_STATUSES = frozenset({"Exercise", "Test"})


class OutboundRefused(UserError):
    """A message would leave the building from a training or demo database."""


def check_kind_may_send(kind: DatabaseKind, channel: str) -> None:
    """Raise `OutboundRefused` unless a database of `kind` may send on `channel`."""
    if kind is not DatabaseKind.LIVE:
        raise OutboundRefused(
            f"nothing is sent from a {kind.value} database: this {channel} message stays "
            "in the building (only a live centre's database sends)")


def check_outbound(db: Database, channel: str) -> DatabaseKind:
    """Call right before sending anything out of the building on `channel` ("sms",
    "webhook", "cap", ...). Raises `OutboundRefused` on a training or demo database;
    returns the kind (live) otherwise."""
    kind = database_kind(db)
    check_kind_may_send(kind, channel)
    return kind


def check_cap_status(kind: DatabaseKind, status: str) -> str:
    """The CAP <status> an alert composed on a database of `kind` may carry.

    Any CAP 1.2 status from a live database; from a training or demo one only
    "Exercise" or "Test". Anything else raises `UserError` (`OutboundRefused` for
    "Actual" or the other statuses a drill must not claim).
    """
    if status not in CAP_STATUSES:
        raise UserError(f"not a CAP 1.2 status: {status!r} (one of: "
                        f"{', '.join(sorted(CAP_STATUSES))})")
    if kind is not DatabaseKind.LIVE and status not in EXERCISE_CAP_STATUSES:
        raise OutboundRefused(
            f"a CAP alert from a {kind.value} database must have the status Exercise or "
            f"Test, not {status}")
    return status
