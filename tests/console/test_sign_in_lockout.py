"""The sign-in dialog says when an account is locked out, instead of "wrong password"."""

from __future__ import annotations

from core.auth import SYSTEM
from core.centre import Centre
from core.commands import CreateOperator
from core.domain.kinds import Role
from core.service import CommandService
from core.store.database import open_database


def test_the_dialog_says_how_long_a_locked_account_waits(qtbot, sqlite_url: str,  # noqa: ANN001
                                                         sim_clock) -> None:  # noqa: ANN001
    from console.sign_in import SignInDialog

    service = CommandService(open_database(sqlite_url), clock=sim_clock)
    service.execute(CreateOperator("alice", "Alice", Role.DISPATCHER, "correct-horse"), SYSTEM)
    centre = Centre(db=service.db, service=service, live=None, city=None)  # type: ignore[arg-type]
    dialog = SignInDialog(lambda u, p: centre.sign_in(u, p, "ws-1"), "alice")
    qtbot.addWidget(dialog)
    for _ in range(5):
        dialog.password.setText("wrong-guess-123")
        dialog._on_accepted()
        assert dialog.error.text() == "Unknown user name or wrong password."
    dialog.password.setText("correct-horse")
    dialog._on_accepted()
    assert dialog.result() == 0
    assert dialog.error.text() == ("Too many failed sign-ins for this account: "
                                   "try again in 10 s.")
    sim_clock.advance(10)
    dialog.password.setText("correct-horse")
    dialog._on_accepted()
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    service.db.dispose()
