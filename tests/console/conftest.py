"""Console fixtures: a small demo centre on a simulated clock, and the main window.

The demo database is built once per session and copied for each test, so every test
starts from the same morning without paying for the city each time.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.centre import Centre, open_centre
from core.clock import SimulatedClock
from core.profile import DatabaseKind

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database (labelled demo when it is made), built once."""
    path = tmp_path_factory.mktemp("template") / "beacon.db"
    centre = open_centre(f"sqlite:///{path}", city_scale="small", clock=SimulatedClock(START),
                         new_kind=DatabaseKind.DEMO)
    centre.close()
    return path


@pytest.fixture
def clock(sim_clock: SimulatedClock) -> SimulatedClock:
    """The centre's clock (the shared `sim_clock`), a minute after the demo calls."""
    sim_clock.advance_to(START.replace(minute=1))
    return sim_clock


@pytest.fixture
def centre(demo_db_template: Path, tmp_path: Path, clock: SimulatedClock) -> Iterator[Centre]:
    """A demo centre of its own for each test."""
    path = tmp_path / "beacon.db"
    shutil.copy(demo_db_template, path)
    c = open_centre(f"sqlite:///{path}", city_scale="small", clock=clock)
    yield c
    c.close()


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    """Where this test's window remembers its layout."""
    return tmp_path / "console.ini"


@pytest.fixture
def make_window(qtbot, qapp, centre: Centre, settings_path: Path):  # noqa: ANN001, ANN201
    """Build main windows on the test's centre (several: to test what is remembered)."""
    from PySide6.QtCore import QSettings

    from console.bridge import EventBridge, Selection
    from console.i18n import LanguageSwitcher
    from console.main_window import MainWindow

    switcher = LanguageSwitcher(qapp)
    switcher.switch("en")
    made = []

    def make(language: str = "en", at_start: bool = False,
             size: tuple[int, int] = (1600, 1000)) -> MainWindow:
        """A window in `language`: chosen before it is built (`at_start`, as --lang
        does) or switched to at run time, as the Language menu does."""
        if at_start:
            switcher.switch(language)
        settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
        window = MainWindow(centre, EventBridge(centre.service.bus), Selection(), settings,
                            switcher, size=size)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        if language != "en" and not at_start:
            english = window.windowTitle()
            window.set_language(language)
            # Qt posts LanguageChange to the windows: wait until it has been handled.
            qtbot.waitUntil(lambda: window.windowTitle() != english)
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
    switcher.switch("en")


@pytest.fixture
def window(make_window):  # noqa: ANN001, ANN201
    """The main window in English."""
    return make_window()


@pytest.fixture
def bridge(centre, qtbot) -> Iterator[object]:  # noqa: ANN001
    """The event bridge on the centre's bus."""
    from console.bridge import EventBridge

    b = EventBridge(centre.service.bus)
    yield b
    b.close()


@pytest.fixture
def selection(qtbot):  # noqa: ANN001, ANN201
    """A fresh shared selection."""
    from console.bridge import Selection

    return Selection()


# The public test harness (console/testing.py), as a user's conftest gets it with
# `pytest_plugins = ["console.testing"]`; its demo database is the one built above.
from console.testing import (  # noqa: E402, F401
    beacon_centre,
    beacon_clock,
    beacon_db_path,
    beacon_gc_guard,
    beacon_window,
)


@pytest.fixture(scope="session")
def beacon_demo_database(demo_db_template: Path) -> Path:
    """The harness's demo database: the template this folder already builds."""
    return demo_db_template
