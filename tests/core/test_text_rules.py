"""Outside text: names refuse control, bidirectional and zero-width characters; free
text keeps its line breaks but no escapes; what Beacon prints shows them escaped."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from core.cli.main import main
from core.commands import CreateIncident, CreateOperator, RegisterUnits
from core.domain.kinds import Role
from core.errors import ValidationError
from core.service import CommandService
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, UNITS, seed_units

UNSAFE = ["\x1b[2K", "\x07", "\n", "\r", "\x00", "\x7f", "\x85", "\x9b31m", "\u202e",
          "\u2066", "\u200b", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("bad", UNSAFE)
def test_the_rule(bad: str) -> None:
    from core.text import check_free_text, check_name, terminal_safe

    with pytest.raises(ValidationError, match="display_name holds a control"):
        check_name(f"Wang{bad}Fang", "display_name")
    shown = terminal_safe(f"Wang{bad}Fang")
    assert shown.startswith("Wang\\") and shown.endswith("Fang") and shown.isprintable()
    if bad in ("\n", "\r"):
        assert check_free_text(f"two{bad}lines", "notes") == f"two{bad}lines"
    else:
        with pytest.raises(ValidationError):
            check_free_text(f"two{bad}lines", "notes")
    assert check_name("王芳 O'Brien-Smith (ext. 5)", "n") == "王芳 O'Brien-Smith (ext. 5)"
    assert terminal_safe("a\tb\nc", multiline=True) == "a\tb\nc"


def test_an_operator_display_name_with_escapes_is_refused(tmp_path, monkeypatch,  # noqa: ANN001
                                                           capsys) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'b.db'}"
    for name in ("Wang\nroot  admin", "Wang\x1b[8m", "Wang\u202eFang"):
        monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
        assert main(["operator", "add", "wang", "--role", "dispatcher", "--name", name,
                     "--password-stdin", "--db", url]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "display_name holds a control" in err, err
    # One stored before the rule (written behind Beacon's back) is printed escaped.
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["operator", "add", "wang", "--role", "dispatcher", "--name", "Wang",
                 "--password-stdin", "--db", url]) == 0
    db = open_database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE operators SET display_name = :n"),
                      {"n": "Wang\x1b]0;pwned\x07"})
    db.dispose()
    capsys.readouterr()
    assert main(["operator", "list", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "Wang\\x1b]0;pwned\\x07" in out


def test_unit_names_addresses_and_notes(sqlite_url: str, sim_clock) -> None:  # noqa: ANN001
    db = open_database(sqlite_url)
    try:
        svc = CommandService(db, clock=sim_clock)
        bad_unit = dict(UNITS[0], id="E9", name="Engine 9\x1b[31m")
        with pytest.raises(ValidationError, match=r"units\[0\].name holds a control"):
            svc.execute(RegisterUnits([bad_unit]))
        with pytest.raises(ValidationError, match=r"units\[0\].id holds a control"):
            svc.execute(RegisterUnits([dict(UNITS[0], id="E\u200b1")]))
        seed_units(svc)
        call = {"type": "structure_fire", "x": 1.0, "y": 1.0, "address": "12 Heping Road"}
        with pytest.raises(ValidationError, match="address holds a control"):
            svc.execute(CreateIncident(**call | {"address": "12 Heping\nRoad"}), DISPATCHER)
        with pytest.raises(ValidationError, match="caller_name holds a control"):
            svc.execute(CreateIncident(**call, caller_name="Li\u202eWei"), DISPATCHER)
        with pytest.raises(ValidationError, match="description holds a control"):
            svc.execute(CreateIncident(**call, description="smoke\x1b[2J"), DISPATCHER)
        event = svc.execute(CreateIncident(**call, description="smoke\nthird floor\tflat 3"),
                            DISPATCHER)
        assert event.payload["description"] == "smoke\nthird floor\tflat 3"
        with pytest.raises(ValidationError, match="display_name holds a control"):
            svc.execute(CreateOperator("li", "Li\tWei", Role.DISPATCHER, "correct horse"))
    finally:
        db.dispose()
