"""Playbook files: every shipped one loads in both languages; each kind of broken file
gives its precise error (file, line, key) and the others still load."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.cli.main import main
from core.domain.kinds import SeatRole
from core.playbooks.format import (
    LANGUAGES,
    PlaybookError,
    default_folder,
    load_playbook,
    load_playbooks,
)

SHIPPED = {"residential_fire", "high_rise_fire", "flood_evacuation", "gas_leak",
           "mass_casualty_road", "hazmat_release", "missing_person", "large_public_event"}
GOOD = default_folder() / "gas_leak.toml"


def test_every_shipped_playbook_loads_complete_in_both_languages() -> None:
    result = load_playbooks()
    assert result.errors == []
    assert {p.id for p in result.playbooks} == SHIPPED
    for pb in result.playbooks:
        assert len(pb.levels) >= 2, pb.id
        assert len(pb.steps) >= 6, pb.id
        assert all(s.role in {r.value for r in SeatRole} and s.due_min > 0 for s in pb.steps)
        initial = pb.level(pb.initial_level).rank
        assert any(pb.level(r.to).rank > initial and not r.lower for r in pb.rules), pb.id
        assert pb.references, pb.id
        for lang in LANGUAGES:
            assert pb.title[lang]
            assert all(s.text[lang] for s in pb.steps)
            assert all(lv.name[lang] for lv in pb.levels)
        # Chinese text really is Chinese, not a copy of the English.
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in s.text["zh"]) for s in pb.steps)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = GOOD.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line(path: Path, fragment: str) -> int:
    first, *rest = fragment.split("\n")  # a two-line fragment: the line of its first part
    lines = path.read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1)
                if first in line and all(r in lines[n + k] for k, r in enumerate(rest)))


@pytest.mark.parametrize(("old", "new", "key", "message", "at"), [
    ('role = "fire"\ndue_min = 2', 'role = "firefighter"\ndue_min = 2', "steps[1].role",
     "unknown role 'firefighter'", 'role = "firefighter"'),
    ("hazmat = 1 }", "hazmat_truck = 1 }", "levels[0].resources.hazmat_truck",
     "unknown unit kind 'hazmat_truck'", "hazmat_truck"),
    ('after = ["dispatch_gas_response"]', 'after = ["measure"]', "steps[3].after",
     "cycle: measure -> measure", 'after = ["measure"]'),
    ('level = "III"\nrole = "community"', 'level = "V"\nrole = "community"', "steps[6].level",
     "no level 'V'", 'level = "V"'),
    ("due_min = 15\ndue_from", "due_min = \"soon\"\ndue_from", "steps[3].due_min",
     "must be a whole number of minutes", 'due_min = "soon"'),
    ('to = "II"', 'to = "IX"', "rules[2].to", "no level 'IX'", 'to = "IX"'),
    ("id = \"gas_company\"\nrole = \"fire\"\ndue_min = 5\n", "id = \"gas_company\"\n"
     "role = \"fire\"\n", "steps[2].due_min", "missing", '[[steps]]\nid = "gas_company"'),
])
def test_a_broken_file_names_file_line_and_key(tmp_path: Path, old: str, new: str, key: str,
                                               message: str, at: str) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert err.value.key == key
    assert message in err.value.detail
    assert err.value.path == str(path)
    assert err.value.line == _line(path, at)
    assert str(err.value).startswith(f"{path}:{err.value.line}: {key}: ")


def test_a_step_waiting_for_a_missing_step_and_bad_toml(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'after = ["dispatch_gas_response"]', 'after = ["nothing"]')
    with pytest.raises(PlaybookError, match=r"steps\[3\].after\[0\]: no step 'nothing'"):
        load_playbook(path)
    path.write_text("id = \n", encoding="utf-8")
    with pytest.raises(PlaybookError, match="not valid TOML") as err:
        load_playbook(path)
    assert err.value.line == 1


def test_the_others_still_load_and_check_exits_1(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    folder = tmp_path / "plans"
    shutil.copytree(default_folder(), folder)
    text = (folder / "gas_leak.toml").read_text(encoding="utf-8")
    (folder / "gas_leak.toml").write_text(text.replace("hazmat = 1 }", "tank = 1 }", 1),
                                          encoding="utf-8")
    result = load_playbooks([folder])
    assert {p.id for p in result.playbooks} == SHIPPED - {"gas_leak"}
    assert len(result.errors) == 1 and "gas_leak.toml" in result.errors[0].path
    assert main(["playbook", "check", str(folder), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["errors"][0]["key"] == "levels[0].resources.tank"
    assert len(out["ok"]) == 7
    assert main(["playbook", "check"]) == 0
    assert "ok " in capsys.readouterr().out
    # A file that is not there is a usage mistake (2), not a playbook that failed (1).
    assert main(["playbook", "check", str(tmp_path / "nofile.toml")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
