"""Callback numbers written by the centre's locale: +86 1xx xxxx xxxx for zh-CN, E.164
for any other; a setting that is not a locale is refused before anything is written."""

from __future__ import annotations

import random

import pytest

from core.errors import UserError
from core.phone import format_callback, invented_mobile, parse_locale, to_e164
from core.settings import centre_locale, load_settings


@pytest.mark.parametrize(("typed", "locale", "written"), [
    ("138 1234 5678", "zh-CN", "+86 138 1234 5678"),
    ("+86 13812345678", "zh-CN", "+86 138 1234 5678"),
    ("0086-138-1234-5678", "zh-CN", "+86 138 1234 5678"),
    ("010 6543 2100", "zh-CN", "+86 10 6543 2100"),
    ("(028) 8765 4321", "zh-CN", "+86 28 8765 4321"),
    ("0571 8888 1234", "zh-CN", "+86 571 8888 1234"),
    ("+358 40 123 4567", "zh-CN", "+358401234567"),  # from abroad: E.164
    ("+86 138 1234 5678", "fi-FI", "+8613812345678"),
    ("040 123 4567", "fi-FI", "+358401234567"),
    ("(555) 010-4477 ", "en-US", "+15550104477"),
    ("no number given", "zh-CN", "no number given"),  # kept as typed
    ("12", "fi-FI", "12"),
    ("", "zh-CN", ""),
])
def test_numbers_are_written_as_the_centre_writes_them(typed: str, locale: str,
                                                      written: str) -> None:
    assert format_callback(typed, locale) == written


def test_e164_and_locales() -> None:
    assert to_e164("+1234567890123456") is None  # 16 digits: longer than E.164 allows
    assert parse_locale("zh_cn") == "zh-CN" and parse_locale(" fi-FI ") == "fi-FI"
    with pytest.raises(ValueError, match="not language-REGION"):
        parse_locale("chinese")
    with pytest.raises(ValueError, match="no calling code known for region ZZ"):
        parse_locale("en-ZZ")


def test_invented_numbers_draw_the_same_whatever_the_locale() -> None:
    zh = invented_mobile(random.Random(7), "zh-CN")
    assert zh.startswith("+86 138 ") and len(zh) == len("+86 138 1234 5678")
    assert invented_mobile(random.Random(7), "fi-FI") == "+86" + zh[4:].replace(" ", "")
    assert invented_mobile(random.Random(7), "fi-FI", country="FI").startswith("+35840")


def test_the_setting(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "settings.toml"
    monkeypatch.setenv("BEACON_SETTINGS", str(path))
    monkeypatch.delenv("BEACON_LOCALE", raising=False)
    assert centre_locale() == "zh-CN"  # no setting: the demo centre's
    path.write_text('[centre]\nlocale = "fi_fi"\n')
    assert load_settings().locale == "fi-FI" and centre_locale() == "fi-FI"
    monkeypatch.setenv("BEACON_LOCALE", "en-GB")
    assert centre_locale() == "en-GB"
    path.write_text('[centre]\nlocale = "Finnish"\n')
    monkeypatch.delenv("BEACON_LOCALE")
    with pytest.raises(UserError, match="centre.locale: locale 'Finnish' is not"):
        load_settings()


def test_the_import_says_how_numbers_are_written_and_refuses_a_bad_locale(
        tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    from pathlib import Path

    from core.cli.main import main

    extract = Path(__file__).resolve().parents[2] / "scenarios/helsinki/Helsinki.osm.pbf"
    monkeypatch.setenv("BEACON_SETTINGS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("BEACON_LOCALE", "fi-FI")
    url = f"sqlite:///{tmp_path / 'hel.db'}"
    assert main(["city", "import", str(extract), "--db", url]) == 0
    out = capsys.readouterr().out
    assert "callback numbers: written in E.164 (+358401234567)" in out
    assert "spread by travel time over the roads" in out
    assert "fire cover: every road node within " in out
    monkeypatch.setenv("BEACON_LOCALE", "Finnish")
    other = tmp_path / "other.db"
    assert main(["city", "import", str(extract), "--db", f"sqlite:///{other}"]) == 2
    assert "locale 'Finnish' is not language-REGION" in capsys.readouterr().err
    assert not other.exists()  # said before anything was written
