"""Settings file and environment; a broken file is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import UserError
from core.settings import database_url, load_settings


def test_settings_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[database]\nurl = "sqlite:///x.db"\n[console]\nlanguage = "zh_CN"\n')
    monkeypatch.setenv("BEACON_SETTINGS", str(path))
    monkeypatch.delenv("BEACON_DB", raising=False)
    assert load_settings().database_url == "sqlite:///x.db"
    assert load_settings().language == "zh_CN"
    monkeypatch.setenv("BEACON_DB", "postgresql://h/db")
    assert database_url(None) == "postgresql://h/db"
    assert database_url("sqlite:///cli.db") == "sqlite:///cli.db"


@pytest.mark.parametrize("text, needle", [
    ("[database\nurl=", "not valid TOML"),
    ("[database]\nurl = 5\n", "database.url must be text"),
])
def test_a_broken_settings_file_is_named(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(UserError, match=needle) as info:
        load_settings(path)
    assert str(path) in str(info.value)
