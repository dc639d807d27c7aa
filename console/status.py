"""What the operator must always see: the DEMO/DRILL banner, the clock, the link state."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from console.vocabulary import fill, format_latlon
from core.local_time import format_local

_DEMO = re.compile(r"^DEMO: signed in automatically as '([^']*)' \(([^)]*)\)")
_DRILL_DETAIL = re.compile(r"^(.*) \((\d+(?:\.\d+)?x)\)$")
# The demo's own drill, named in its scenario file in English: said in the operator's
# language on the banner (other scenarios keep the name their planner gave them).
_SCENARIO_NAMES = (QT_TRANSLATE_NOOP("Banner", "Demo shift"),
                   QT_TRANSLATE_NOOP("Banner", "Morning rush"))


class Banner(QLabel):
    """A coloured strip saying that this is a demo or a drill, never a real emergency.

    Hidden when the centre's banner is empty (real operations).
    """

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self._source = text
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        kind = "drill" if text.upper().startswith("DRILL") else "demo"
        self.setProperty("kind", kind)
        self.setVisible(bool(text))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Say it in the current language (core writes the banner in English); a drill
        run by the demo says both, e.g. "DRILL: Demo shift (5x) · DEMO: signed in ..."."""
        self.setAccessibleName(self.tr("Mode banner"))
        self.setText("  ·  ".join(self._translate(part.strip())
                                  for part in self._source.split(" · ")))

    def _translate(self, source: str) -> str:
        m = _DEMO.match(source)
        if m:
            return fill(self.tr("DEMO: not a real emergency. Signed in automatically as "
                                "'%1'; not for real operations."), m.group(1))
        if source.upper().startswith("DRILL"):
            detail = source.split(":", 1)[1].strip() if ":" in source else ""
            m = _DRILL_DETAIL.match(detail)
            if m and m.group(1) in _SCENARIO_NAMES:
                detail = f"{QCoreApplication.translate('Banner', m.group(1))} ({m.group(2)})"
            return fill(self.tr("DRILL: exercise only, not a real emergency. %1"), detail)
        return source

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


class StatusBar(QStatusBar):
    """Messages on the left; operator, hub link and the centre's clock on the right."""

    def __init__(self, now: Callable[[], datetime], operator: str, hub_url: str | None,
                 parent: QWidget | None = None, time_zone: str = "UTC",
                 place: Callable[[str], str] = str) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._place = place  # the operator's name in the current language, where known
        self._now = now
        self._zone = time_zone
        self._operator_name = operator
        self._hub_url = hub_url
        self._hub_state = "offline" if not hub_url else "closed"
        self.operator = QLabel(objectName="operatorLabel")
        self.connection = QLabel(objectName="connectionLabel")
        self.connection.setProperty("state", "offline")
        self.clock = QLabel(objectName="clockLabel")
        self.clock.setProperty("role", "clock")
        # The map point under the mouse (empty while the mouse is off the map).
        self.pointer = QLabel(objectName="pointerLabel")
        self._pointer: tuple[float, float, tuple[float, float] | None] | None = None
        for w in (self.pointer, self.operator, self.connection, self.clock):
            self.addPermanentWidget(w)
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Set the texts in the current language."""
        self.operator.setText(fill(self.tr("Operator: %1"), self._place(self._operator_name)))
        texts = {
            "offline": self.tr("offline: no hub"),
            "no_token": self.tr("hub %1: no token (BEACON_HUB_TOKEN)"),
            "connecting": self.tr("hub %1: connecting…"),
            "connected": self.tr("hub %1: connected"),
            "disconnected": self.tr("hub %1: connection lost, retrying"),
            "refused": self.tr("hub %1: refused"),
            "closed": self.tr("hub %1: not connected"),
        }
        self.connection.setText(fill(texts.get(self._hub_state, texts["closed"]),
                                     self._hub_url or ""))
        self.connection.setToolTip(self.tr("Link to the hub that keeps workstations and field "
                                           "teams in sync"))
        self.pointer.setToolTip(self.tr("The point under the mouse on the map"))
        self._show_pointer()
        self._on_tick()

    def show_pointer(self, x: float, y: float,
                     latlon: tuple[float, float] | None = None) -> None:
        """Show the map point under the mouse: its latitude and longitude when the city
        has a place on the earth (`latlon`), else its metres; NaN clears it."""
        self._pointer = None if x != x or y != y else (x, y, latlon)  # NaN: off the map
        self._show_pointer()

    def _show_pointer(self) -> None:
        if self._pointer is None:
            self.pointer.setText("")
            return
        x, y, latlon = self._pointer
        self.pointer.setText(format_latlon(*latlon) if latlon is not None else
                             fill(self.tr("x %1 m, y %2 m"), f"{x:.0f}", f"{y:.0f}"))

    def set_hub_state(self, state: str) -> None:
        """Show the hub link's state (a `core.hub.link.LinkState` value, "no_token" or
        "offline"); the QSS colours it by the `state` property."""
        self._hub_state = state
        self.connection.setProperty("state", state)
        self.connection.style().unpolish(self.connection)
        self.connection.style().polish(self.connection)
        self.retranslate_ui()

    def _on_tick(self) -> None:
        now = self._now()
        # The centre keeps UTC; people read the centre's local time with its offset
        # (simulated instants in a drill), whatever zone this workstation is set to.
        self.clock.setText(format_local(now, self._zone))
        self.clock.setToolTip(self._zone)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
