"""The sign-in lockout's table: failed sign-ins counted per attempted user name.

Kept in the database, so every console and hub process sees the same count and lock.
It is a rate limiter, not a record: the log holds the failed sign-ins themselves
(`sign_in_failed` events); this table is not rebuilt from the log on replay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.schema import Base, UTCTime


class SignInFailureRow(Base):
    """Failed sign-ins in a row for one attempted user name (key `u:<name>`), or, under
    the key `*`, the centre-wide count of failures logged in the current minute."""

    __tablename__ = "sign_in_failures"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCTime(), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCTime(), nullable=True)
    # Failures counted but not logged one by one (centre-wide row only): the next
    # logged failure says how many.
    unlogged: Mapped[int] = mapped_column(Integer, default=0)
