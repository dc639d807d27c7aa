"""Commands about the database itself: what it is (its kind) and the drills played on it.

See `core.profile` for what the kinds mean and how the clock domain follows from the
`exercise_started` event.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.commands.base import Command, Context, Decision, require_text
from core.errors import ValidationError
from core.profile import ClockDomain, DatabaseKind, profile_from_columns
from core.store.schema import DatabaseProfileRow


def _current(ctx: Context) -> tuple[DatabaseKind, bool]:
    """The kind as it stands inside this transaction (and whether it was ever set)."""
    row = ctx.session.get(DatabaseProfileRow, 1)
    profile = profile_from_columns({} if row is None else {"kind": row.kind})
    return profile.kind, profile.labelled


@dataclass(frozen=True, slots=True)
class SetDatabaseKind(Command):
    """Label the database live, training or demo; the event records the label before.

    Refused when the database carries that label already (nothing would change).
    """

    kind: str
    workstation: str = ""
    permission = "admin"

    def decide(self, ctx: Context) -> Decision:
        try:
            kind = DatabaseKind(self.kind)
        except ValueError:
            raise ValidationError(f"unknown database kind {self.kind!r} (one of: "
                                  f"{', '.join(k.value for k in DatabaseKind)})",
                                  field="kind") from None
        previous, labelled = _current(ctx)
        if labelled and previous is kind:
            raise ValidationError(f"the database is labelled {kind.value} already",
                                  field="kind")
        return Decision("database_kind_set", {
            "kind": kind.value, "previous": previous.value if labelled else None,
            "workstation": require_text(self.workstation, "workstation", max_len=120)})


@dataclass(frozen=True, slots=True)
class StartExercise(Command):
    """A drill starts playing on this database: its name, and that from now on the log
    runs on the simulated clock. Refused on a live centre's database."""

    name: str
    speed: float | None = None  # simulated seconds per real second, when played live
    permission = "dispatch"

    def decide(self, ctx: Context) -> Decision:
        kind, _ = _current(ctx)
        if kind is DatabaseKind.LIVE:
            raise ValidationError("drills are refused on a live centre's database",
                                  field="kind")
        return Decision("exercise_started", {
            "name": require_text(self.name, "name", max_len=120, allow_empty=False),
            "clock": ClockDomain.SIMULATED.value, "speed": self.speed})
