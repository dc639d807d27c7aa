"""Fixtures of the public service's tests: a small demo centre in SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def centre_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo city's database, made once per session and copied per test."""
    from core.centre import open_centre
    from core.profile import DatabaseKind

    path = tmp_path_factory.mktemp("public") / "template.db"
    open_centre(f"sqlite:///{path}", city_scale="small", demo_incidents=False,
                new_kind=DatabaseKind.DEMO).close()
    return path


@pytest.fixture
def centre_url(centre_template: Path, tmp_path: Path) -> str:
    import shutil

    target = tmp_path / "beacon.db"
    shutil.copy(centre_template, target)
    return f"sqlite:///{target}"
