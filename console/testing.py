"""Building Beacon's console in a pytest-qt test: a public, documented harness.

Use it as a pytest plugin (in your `conftest.py`: ``pytest_plugins = ["console.testing"]``)
for the fixtures, or call the functions yourself:

- `beacon_centre` (fixture): a small demo centre of its own for each test, on a simulated
  clock at `START` (the demo city is built once per session and copied).
- `beacon_window` (fixture): the main window on `beacon_centre`, shown, in English.
- `make_main_window(qtbot, tmp_path, centre=...)`: another window, on the same or another
  centre (two consoles on one database: open a second centre on the same file with
  `open_test_centre`).
- `type_text(widget, text)`: type any text, Chinese and emoji included, as key presses
  with text, the way a keyboard or an input method delivers it.
- `beacon_gc_guard` (autouse fixture): Python's cycle collector runs only between tests,
  as the console runs it only between events (`console.gc_guard`).

See "Testing the console" in docs/console.md.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from core.centre import Centre, open_centre
from core.clock import Clock, SimulatedClock
from core.profile import DatabaseKind

if TYPE_CHECKING:
    from console.main_window import MainWindow

try:  # the fixtures need pytest; the functions do not
    import pytest
except ImportError:  # pragma: no cover - a console installed without the test extra
    pytest = None  # type: ignore[assignment]

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def build_demo_database(path: Path, clock: Clock | None = None) -> Path:
    """Make a small demo database (the demo city and its calls) at `path`."""
    centre = open_centre(f"sqlite:///{path}", city_scale="small",
                         clock=clock or SimulatedClock(START), new_kind=DatabaseKind.DEMO)
    centre.close()
    return path


def open_test_centre(path: Path, clock: Clock | None = None) -> Centre:
    """Open the demo database at `path` (made by `build_demo_database`) as a centre.

    Open it twice (two centres, one file) to test two workstations on one database.
    """
    return open_centre(f"sqlite:///{path}", city_scale="small",
                       clock=clock or SimulatedClock(START))


def make_main_window(qtbot: Any, tmp_path: Path, *, centre: Centre,
                     language: str = "en", size: tuple[int, int] = (1600, 1000),
                     settings_name: str = "console.ini", show: bool = True) -> MainWindow:
    """The console's main window on `centre`, registered with `qtbot` (closed after the
    test) and, with `show`, shown and exposed.

    `settings_name` is the file in `tmp_path` where the window remembers its layout;
    give two windows different names to keep their settings apart.
    """
    from console.bridge import EventBridge, Selection
    from console.i18n import LanguageSwitcher
    from console.main_window import MainWindow

    app = QApplication.instance()
    switcher = LanguageSwitcher(app)
    switcher.switch(language)
    settings = QSettings(str(tmp_path / settings_name), QSettings.Format.IniFormat)
    window = MainWindow(centre, EventBridge(centre.service.bus), Selection(), settings,
                        switcher, size=size)
    # The language is the application's: back to English after the test, so the next
    # test does not start in this one's language.
    qtbot.addWidget(window, before_close_func=lambda _w: switcher.switch("en"))
    if show:
        window.show()
        qtbot.waitExposed(window)
    return window


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` into `widget` as a person would: one key press and release per
    character, each carrying its text, Chinese and emoji included.

    `qtbot.keyClicks` sends each character through QTest, which looks the character up
    as a key code: fine for ASCII, wrong or refused for other characters (see
    docs/console.md). Here each character (an emoji is one character, two UTF-16 units)
    goes as a key event with `Qt.Key_unknown` and the character as its text, which is
    what a line edit or text edit inserts. The widget keeps its own rules (a line
    edit's maximum length, a validator), and `textEdited` fires as when typing.
    """
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    for ch in text:
        if ch == "\n":
            key, key_text = Qt.Key.Key_Return, "\r"
        elif ch == "\t":
            key, key_text = Qt.Key.Key_Tab, "\t"
        else:
            key, key_text = Qt.Key.Key_unknown, ch
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, key_text)
            QApplication.sendEvent(widget, event)


if pytest is not None:

    @pytest.fixture(autouse=True)
    def beacon_gc_guard(qapp: Any) -> Iterator[None]:
        """As the console does (`console.gc_guard`): no automatic cycle collection while
        a test runs, where it could free a closed window's widgets in the middle of a Qt
        walk such as a style change (a crash, not a failure); collect at the end, once
        deferred deletions are done. Autouse: every test of a suite that loads this
        plugin gets it."""
        import gc

        gc.disable()
        try:
            yield
        finally:
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            qapp.processEvents()
            gc.enable()
            gc.collect()

    @pytest.fixture(scope="session")
    def beacon_demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
        """A small demo database built once per test session (copy it before writing)."""
        return build_demo_database(tmp_path_factory.mktemp("beacon_demo") / "beacon.db")

    @pytest.fixture
    def beacon_clock() -> SimulatedClock:
        """The simulated clock of `beacon_centre`: a minute after the demo's calls."""
        return SimulatedClock(START.replace(minute=1))

    @pytest.fixture
    def beacon_db_path(beacon_demo_database: Path, tmp_path: Path) -> Path:
        """This test's own copy of the demo database (open it twice for two consoles)."""
        path = tmp_path / "beacon.db"
        shutil.copy(beacon_demo_database, path)
        return path

    @pytest.fixture
    def beacon_centre(beacon_db_path: Path, beacon_clock: SimulatedClock) -> Iterator[Centre]:
        """A demo centre of its own for each test, on `beacon_clock`."""
        centre = open_test_centre(beacon_db_path, beacon_clock)
        yield centre
        centre.close()

    @pytest.fixture
    def beacon_window(qtbot: Any, tmp_path: Path, beacon_centre: Centre) -> Iterator[MainWindow]:
        """The main window on `beacon_centre`, shown, in English."""
        window = make_main_window(qtbot, tmp_path, centre=beacon_centre)
        yield window
        window.close()
